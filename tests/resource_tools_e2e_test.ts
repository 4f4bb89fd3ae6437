/** End to end: the model's resource tools, by kind and by mode, through the real pipeline. */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { eventOf } from "../src/audit/events.ts";
import { openDatabase } from "../src/store/db.ts";
import { runPai } from "./helpers/run_pai.ts";
import { openaiSession, type Setup } from "./helpers/session.ts";
import { call, makeWorkspace, runMode, sentToModel, type Workspace } from "./helpers/workspace.ts";

/** Registers a note, a folder outside the workspace, a file and a SQLite database. */
async function register(s: Setup, w: Workspace): Promise<void> {
  Deno.mkdirSync(`${w.outside}/docs`);
  Deno.writeTextFileSync(`${w.outside}/docs/plan.md`, "step 1\n");
  const db = new DatabaseSync(`${w.outside}/crm.db`);
  db.exec("CREATE TABLE clients (name TEXT); INSERT INTO clients VALUES ('acme')");
  db.close();
  for (
    const args of [
      ["todo", "--kind", "note", "--text", "- renew passport"],
      ["docs", "--kind", "folder", "--uri", `${w.outside}/docs`],
      ["plan", "--kind", "file", "--uri", `${w.outside}/docs/plan.md`],
      ["crm", "--kind", "sqlite", "--uri", `${w.outside}/crm.db`],
    ]
  ) {
    const out = await runPai(["resource", "add", ...args], { home: s.home, env: s.env, cwd: w.ws });
    assert.equal(out.code, 0, out.stderr);
  }
}

Deno.test("agent: the model lists, reads, creates, updates and deletes resources, outside the workspace too", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    await register(s, w);
    const { run, json } = await runMode(s, w, [
      call("resource_list", {}),
      call("resource_read", { name: "todo" }),
      call("resource_read", { name: "docs" }),
      call("resource_read", { name: "docs", path: "plan.md" }),
      call("resource_read", { name: "crm", query: "SELECT name FROM clients" }),
      call("resource_update", { name: "docs", path: "new/notes.md", content: "written by the agent\n" }),
      call("resource_update", { name: "crm", query: "INSERT INTO clients VALUES ('globex')" }),
      call("resource_update", { name: "todo", text: "- passport renewed" }),
      call("resource_create", { name: "ideas", text: "- a garden" }),
      call("resource_delete", { name: "ideas" }),
      call("resource_read", { name: "docs", path: "../crm.db" }),
      call("resource_delete", { name: "crm" }),
      call("resource_read", { name: "crm", query: "SELECT nope FROM clients" }),
      call("resource_delete", { name: "docs", path: "new/notes.md" }),
      call("resource_read", { name: "docs", path: "missing.md" }),
      { text: "all done" },
    ]);
    assert.equal(run.code, 0, run.stderr);
    // The last three: a query error, a delete refused for a database, a file deleted inside the folder.
    assert.deepEqual(json.steps.map((x) => x.ok), [...Array(10).fill(true), false, false, false, true, false]);
    assert.match(json.steps[0].sentToModel, /"name":"todo","kind":"note"/);
    assert.match(json.steps[1].sentToModel, /renew passport/);
    assert.match(json.steps[2].sentToModel, /plan\.md/);
    assert.match(json.steps[3].sentToModel, /step 1/);
    assert.match(json.steps[4].sentToModel, /acme/);
    assert.match(json.steps[10].sentToModel, /must stay inside the folder/);
    assert.match(
      json.steps[11].sentToModel,
      /a sqlite resource is not deleted by the model \(delete rows with resource_update\)/,
    );
    assert.match(json.steps[12].sentToModel, /invalid_input.*no such column: nope/);
    assert.match(json.steps[14].sentToModel, /not_found/);
    assert.ok(!Deno.readDirSync(`${w.outside}/docs/new`).some((e) => e.name === "notes.md"), "written, then deleted");
    const db = new DatabaseSync(`${w.outside}/crm.db`);
    assert.equal(db.prepare("SELECT count(*) AS n FROM clients").get()?.n, 2);
    db.close();
    assert.equal(
      (await runPai(["resource", "get", "todo"], { home: s.home, env: s.env })).stdout,
      "- passport renewed\n",
    );
    const names = JSON.parse((await runPai(["resource", "list", "--json"], { home: s.home, env: s.env })).stdout)
      .map((r: { name: string }) => r.name);
    assert.deepEqual(names, ["todo", "docs", "plan", "crm"], "ideas was created, then deleted");
    const audit = openDatabase(s.home.dir);
    try {
      const rows = audit.prepare("SELECT * FROM audit_log WHERE kind = 'resource_access' ORDER BY id").all()
        .map((r) => eventOf(r));
      assert.equal(rows.length, 16, "every access is recorded: 15 by the model, 1 by the user's own pai resource get");
      assert.deepEqual(rows[0], {
        ...rows[0],
        tool: "resource_list",
        action: "list",
        outcome: "allowed",
        mode: "agent",
      });
      assert.deepEqual(rows[6], {
        kind: "resource_access",
        sessionId: rows[6]?.sessionId,
        mode: "agent",
        provider: "openai",
        model: "m",
        tool: "resource_update",
        action: "update",
        resource: "crm",
        resourceKind: "sqlite",
        outcome: "allowed",
      });
      const refused = rows[10];
      assert.ok(refused?.kind === "resource_access", JSON.stringify(refused));
      assert.deepEqual([refused.tool, refused.resource, refused.resourceKind, refused.outcome], [
        "resource_read",
        "docs",
        "folder",
        "refused",
      ]);
      assert.match(refused.reason ?? "", /must stay inside the folder/);
      assert.deepEqual([rows[15]?.kind === "resource_access" && rows[15].resource], ["todo"]);
    } finally {
      audit.close();
    }
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("prompt and chat modes read resources but cannot change them, nor run writing SQL through a read", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    await register(s, w);
    const { json } = await runMode(s, w, [
      call("resource_read", { name: "plan" }),
      call("resource_update", { name: "todo", text: "hacked" }),
      call("resource_read", { name: "crm", query: "DELETE FROM clients" }),
      { text: "ok" },
    ], ["prompt"]);
    assert.deepEqual(json.steps.map((x) => x.ok), [true, false, false]);
    assert.match(json.steps[1].sentToModel, /no tool \\"resource_update\\" in this mode/);
    assert.match(json.steps[2].sentToModel, /read-only statements/);
    const offered = (s.server.chatRequests[0].body!.tools as { function: { name: string } }[]).map((t) =>
      t.function.name
    );
    assert.ok(offered.includes("resource_read") && !offered.includes("resource_create"));
    assert.equal(
      (await runPai(["resource", "get", "todo"], { home: s.home, env: s.env })).stdout,
      "- renew passport\n",
    );
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("resource labels hold for the model's reads: a private note or file is withheld from a remote model", async () => {
  const s = await openaiSession({}, ["--locality", "remote"]);
  const w = await makeWorkspace();
  try {
    await register(s, w);
    await runPai(["resource", "update", "todo", "--label", "private"], { home: s.home, env: s.env });
    await runPai(["resource", "update", "docs", "--label", "private"], { home: s.home, env: s.env });
    const { json } = await runMode(s, w, [
      call("resource_read", { name: "todo" }),
      call("resource_read", { name: "docs", path: "plan.md" }),
      { text: "ok" },
    ]);
    for (const step of json.steps) {
      assert.equal(step.ok, false);
      assert.match(step.sentToModel, /withheld this result: it comes from data labelled private/);
    }
    assert.ok(!JSON.stringify(s.server.requests.map((r) => r.body)).includes("renew passport"));
    assert.ok(!JSON.stringify(s.server.requests.map((r) => r.body)).includes("step 1"));
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("a resource's label holds for a url resource too: its answer from a private API is withheld from a remote model", async () => {
  // The API answers, and the resource pre-grants the call: without the label check the answer would reach the model.
  const api = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => Response.json({ pin: "PIN-4711" }),
  );
  const s = await openaiSession({}, ["--locality", "remote"]);
  const w = await makeWorkspace();
  try {
    const base = `http://127.0.0.1:${api.addr.port}/v1`;
    for (const label of ["internal", "private"]) {
      const uri = `${base}/${label}`;
      const add = await runPai(["resource", "add", `api-${label}`, "--kind", "url", "--uri", uri, "--label", label], {
        home: s.home,
        env: s.env,
      });
      assert.equal(add.code, 0, add.stderr);
    }
    // One run each: within a run, the flow rule asks before a second outbound call.
    const internal = await runMode(s, w, [call("resource_read", { name: "api-internal", path: "pin" }), {
      text: "ok",
    }]);
    assert.equal(internal.json.steps[0].ok, true, internal.json.steps[0].sentToModel);
    assert.match(internal.json.steps[0].sentToModel, /PIN-4711/, "the API answered: the call itself works");
    const priv = await runMode(s, w, [call("resource_read", { name: "api-private", path: "pin" }), { text: "ok" }]);
    assert.equal(priv.json.steps[0].ok, false);
    assert.match(priv.json.steps[0].sentToModel, /withheld this result: it comes from data labelled private/);
    // Fetched with the network tools themselves, granted the host: the label follows the URL, as a file's follows
    // its path, whatever tool reads it.
    for (
      const fetch of [
        call("http_request", { method: "GET", url: `${base}/private/pin` }),
        call("web_fetch", { url: `${base}/private/pin` }),
      ]
    ) {
      const run = await runMode(s, w, [fetch, { text: "ok" }], ["agent", "--allow-net", `127.0.0.1:${api.addr.port}`]);
      assert.equal(run.json.steps[0].ok, false, run.json.steps[0].sentToModel);
      assert.match(run.json.steps[0].sentToModel, /withheld this result: it comes from data labelled private/);
    }
    // The private answer never left; the internal one did, and the audit log names its resource.
    const sent = s.server.chatRequests.map((r) => JSON.stringify(r.body));
    assert.equal(sent.filter((b) => b.includes("PIN-4711")).length, 1, "the internal answer, in its run's last round");
    const where = await runPai(["audit", "where", "api-internal", "--json"], { home: s.home, env: s.env });
    assert.equal(JSON.parse(where.stdout).requests, 1, where.stderr);
    const hidden = await runPai(["audit", "where", "api-private", "--json"], { home: s.home, env: s.env });
    assert.equal(JSON.parse(hidden.stdout).requests, 0);
  } finally {
    await api.shutdown();
    w.cleanup();
    await s.close();
  }
});

Deno.test("a url resource is read with its token from the environment, which the model and the audit log never see", async () => {
  const seen: string[] = [];
  const token = "tok-api-7f3e9a1b2c4d";
  const api = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (r) => {
    const auth = r.headers.get("authorization");
    if (r.method !== "GET") seen.push(`${r.method} ${new URL(r.url).pathname} ${await r.text()}`);
    else seen.push(`${new URL(r.url).pathname} ${auth}`);
    if (auth !== `Bearer ${token}`) return Response.json({ error: "bad token" }, { status: 401 });
    return Response.json({ items: ["a", "b"] });
  });
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    const env = { ...s.env, SHOP_API_TOKEN: token };
    const base = `http://127.0.0.1:${api.addr.port}/v1`;
    await runPai(["resource", "add", "shop", "--kind", "url", "--uri", base, "--env", "SHOP_API_TOKEN"], {
      home: s.home,
      env,
    });
    s.server.enqueue(
      call("resource_read", { name: "shop", path: "items" }),
      call("resource_read", { name: "shop", path: "../admin" }),
      { text: "ok" },
    );
    const run = await runPai(["agent", "--json", "list the items"], { home: s.home, env, cwd: w.ws });
    const json = JSON.parse(run.stdout);
    assert.equal(json.steps[0].ok, true, json.steps[0].sentToModel);
    assert.match(json.steps[0].sentToModel, /\\"items\\":\[\\"a\\",\\"b\\"\]/);
    assert.match(json.steps[1].sentToModel, /must stay under/);
    assert.deepEqual(seen, [`/v1/items Bearer ${token}`]);
    // Create, update and delete on the API with the token, one call per run: within a run, the flow rule asks
    // before a second outbound call once a response (untrusted content) is in the context.
    for (
      const step of [
        call("resource_update", { name: "shop", path: "items", content: '{"name":"c"}' }),
        call("resource_update", { name: "shop", path: "items/c", content: '{"name":"C"}', method: "PUT" }),
        call("resource_delete", { name: "shop", path: "items/c" }),
      ]
    ) {
      const one = await runMode({ ...s, env }, w, [step, { text: "ok" }]);
      assert.equal(one.json.steps[0].ok, true, one.json.steps[0].sentToModel);
    }
    assert.deepEqual(seen.slice(1), [
      'POST /v1/items {"name":"c"}',
      'PUT /v1/items/c {"name":"C"}',
      "DELETE /v1/items/c ",
    ]);
    const twice = await runMode({ ...s, env }, w, [
      call("resource_read", { name: "shop", path: "items" }),
      call("resource_update", { name: "shop", path: "items", content: "{}" }),
      { text: "ok" },
    ]);
    assert.match(twice.json.steps[1].sentToModel, /can send data out, and untrusted web content .* is in this run/);
    const wrong = await runMode({ ...s, env: { ...env, SHOP_API_TOKEN: "tok-wrong-00000000" } }, w, [
      call("resource_read", { name: "shop", path: "items" }),
      { text: "ok" },
    ]);
    assert.match(wrong.json.steps[0].sentToModel, /"status":401/);
    // Chat mode reads resources but is not offered changes; a server that is down is a clear error.
    s.server.enqueue(call("resource_update", { name: "shop", path: "x" }), { text: "no" });
    await runPai(["chat"], { home: s.home, env, cwd: w.ws, stdin: "change it\n" });
    assert.match(
      JSON.stringify(s.server.chatRequests.at(-1)!.body),
      /There is no tool \W+resource_update\W+ in this mode/,
    );
    await api.shutdown();
    const down = await runMode({ ...s, env }, w, [call("resource_read", { name: "shop" }), { text: "ok" }]);
    assert.match(down.json.steps[0].sentToModel, /network_error|Connection refused|connect/i);
    assert.ok(!sentToModel(s).includes(token));
    assert.ok(!JSON.stringify(json).includes(token));
    for (const name of Deno.readDirSync(s.home.dir)) {
      if (name.isFile) assert.ok(!Deno.readTextFileSync(`${s.home.dir}/${name.name}`).includes(token), name.name);
    }
  } finally {
    await api.shutdown().catch(() => {});
    w.cleanup();
    await s.close();
  }
});

Deno.test("sql_query takes a registered sqlite resource: reads in every mode, changes in agent mode only", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    await register(s, w);
    const prompt = await runMode(s, w, [
      call("sql_query", { resource: "crm", sql: "SELECT name FROM clients" }),
      call("sql_query", { resource: "crm", sql: "DELETE FROM clients" }),
      call("sql_query", { resource: "crm", database: "x.db", sql: "SELECT 1" }),
      { text: "ok" },
    ], ["prompt"]);
    assert.deepEqual(prompt.json.steps.map((x) => x.ok), [true, false, false]);
    assert.match(prompt.json.steps[0].sentToModel, /acme/);
    assert.match(prompt.json.steps[1].sentToModel, /prompt mode reads resources only/);
    assert.match(prompt.json.steps[2].sentToModel, /either database \(a path\) or resource \(a name\)/);
    const agent = await runMode(s, w, [call("sql_query", { resource: "crm", sql: "DELETE FROM clients" }), {
      text: "ok",
    }]);
    assert.equal(agent.json.steps[0].ok, true, agent.json.steps[0].sentToModel);
    const db = new DatabaseSync(`${w.outside}/crm.db`);
    assert.equal(db.prepare("SELECT count(*) AS n FROM clients").get()?.n, 0);
    db.close();
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("chat mode reaches only default resources; the other modes reach them all", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    await register(s, w);
    assert.match(
      (await runPai(["resource", "update", "todo", "--default"], { home: s.home, env: s.env })).stdout,
      /default \(chat reaches it\)/,
    );
    s.server.enqueue(call("resource_list", {}), { text: "listed" });
    await runPai(["chat"], { home: s.home, env: s.env, cwd: w.ws, stdin: "what is there?\n" });
    const listed = JSON.stringify(s.server.chatRequests.at(-1)!.body);
    assert.match(listed, /todo/);
    assert.doesNotMatch(listed, /\\"plan\\"|\\"crm\\"/);
    s.server.enqueue(call("resource_read", { name: "plan" }), { text: "no" });
    await runPai(["chat"], { home: s.home, env: s.env, cwd: w.ws, stdin: "read plan\n" });
    assert.match(JSON.stringify(s.server.chatRequests.at(-1)!.body), /chat mode reaches only default resources/);
    const agent = await runMode(s, w, [call("resource_read", { name: "plan" }), { text: "ok" }]);
    assert.equal(agent.json.steps[0].ok, true);
  } finally {
    w.cleanup();
    await s.close();
  }
});

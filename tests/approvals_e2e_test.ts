/**
 * End to end: the approvals a user gives at the prompt can be seen, are named when they decide, can be revoked,
 * and last as long as their words say ("for this session": the PAI session, until `pai reset` or `pai init`).
 */
import assert from "node:assert/strict";
import { type AuditEvent, eventOf } from "../src/audit/events.ts";
import { openDatabase } from "../src/store/db.ts";
import { saveGrants } from "../src/store/saved_grants.ts";
import { runPai } from "./helpers/run_pai.ts";
import { openaiSession } from "./helpers/session.ts";
import { TerminalSession } from "./helpers/terminal.ts";
import { call, makeWorkspace, runMode } from "./helpers/workspace.ts";

const UP = "\x1b[A";

/** The audit log's events of these kinds, in order, read straight from the test's database. */
function auditEvents(home: { dir: string }, kinds: readonly AuditEvent["kind"][]): AuditEvent[] {
  const db = openDatabase(home.dir);
  try {
    return db.prepare("SELECT * FROM audit_log ORDER BY id").all().map((r) => eventOf(r)!)
      .filter((e) => kinds.includes(e.kind));
  } finally {
    db.close();
  }
}

/** In a terminal, the model reads a file outside the workspace and the user answers "Allow for this session". */
async function approveForSession(
  s: Awaited<ReturnType<typeof openaiSession>>,
  w: Awaited<ReturnType<typeof makeWorkspace>>,
): Promise<string> {
  const secret = `${w.outside}/secret.txt`;
  s.server.enqueue(call("fs_read", { path: secret }), { text: "read it" });
  const first = new TerminalSession(["agent", "read the secret"], s.home, s.env, w.ws);
  const at = await first.waitForQuestion("Allow?");
  await first.type(`${UP}${UP}\r`); // Deny ← Always ← For this session
  await first.waitFor("read it", at);
  assert.equal(await first.exit(), 0, first.screen);
  return secret;
}

Deno.test("'Allow for this session' lasts the PAI session: a later run is not asked, until pai reset", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    const secret = await approveForSession(s, w);

    // Another process on the same session, with no terminal to ask: the session's approval holds.
    const again = await runMode(s, w, [call("fs_read", { path: secret }), { text: "no question asked" }]);
    assert.equal(again.json.steps[0].ok, true, again.run.stderr);
    assert.match(
      again.run.stderr,
      new RegExp(`✓ read of "${secret}": ok \\(\\d+ characters\\), allowed by your approval s1 for this session`),
    );
    const listed = JSON.parse((await runPai(["policy", "approvals", "--json"], { home: s.home, env: s.env })).stdout);
    assert.deepEqual(listed.map((a: { id: string; scope: string; value: string }) => [a.id, a.scope, a.value]), [
      ["s1", "session", secret],
    ]);

    const reset = await runPai(["reset"], { home: s.home, env: s.env });
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stdout, /and 1 approval\(s\) for this session/);
    const after = await runMode(s, w, [call("fs_read", { path: secret }), { text: "denied" }]);
    assert.equal(after.json.steps[0].ok, false);
    assert.match(after.json.steps[0].sentToModel, /could not be asked \(no terminal\)/);

    // The audit log has each step as data: the question and its answer, the approval kept, the grants with the
    // flags the tool ran with, the reset, and the call nobody could approve.
    const read = { read: [secret], write: [], net: [] };
    const events = auditEvents(s.home, ["approval", "user_change", "grant", "denial", "session"])
      .filter((e) => !(e.kind === "session" && (e.action === "started" || e.action === "constraints")));
    assert.deepEqual(events.map((e) => e.kind), ["approval", "user_change", "grant", "grant", "session", "denial"]);
    const [asked, saved, granted, regranted, cleared, denied] = events;
    assert.ok(asked.kind === "approval");
    assert.deepEqual([asked.mode, asked.provider, asked.tool, asked.missing, asked.answer], [
      "agent",
      "openai",
      "fs_read",
      read,
      "session",
    ]);
    assert.ok(saved.kind === "user_change" && saved.change === "approval_saved" && saved.scope === "session");
    assert.deepEqual(saved.permissions, read);
    assert.ok(granted.kind === "grant" && regranted.kind === "grant");
    assert.equal(granted.reason, "approved by the user (session)");
    assert.deepEqual(granted.permissions, read);
    assert.ok(granted.flags.includes(`--allow-read=${secret}`), granted.flags.join(" "));
    assert.match(regranted.reason, /allowed by your approval s1/);
    assert.ok(cleared.kind === "session" && cleared.action === "reset" && cleared.approvalsRevoked === 1);
    assert.ok(denied.kind === "denial" && denied.by === "no_terminal", JSON.stringify(denied));
    assert.deepEqual(denied.missing, read);
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("a new pai init starts with no session approvals", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    const secret = await approveForSession(s, w);
    assert.equal((await runPai(["init", "openai", "--model", "m"], { home: s.home, env: s.env })).code, 0);
    const after = await runMode(s, w, [call("fs_read", { path: secret }), { text: "denied" }]);
    assert.equal(after.json.steps[0].ok, false, "the new session was not approved");
    const db = openDatabase(s.home.dir);
    try {
      assert.equal(db.prepare("SELECT count(*) AS n FROM session_grants").get()?.n, 0, "the old ones are gone");
    } finally {
      db.close();
    }
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("saved approvals are listed, shown with the policy, named where they decide, and revoked", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  const pai = (...args: string[]) => runPai(args, { home: s.home, env: s.env, cwd: w.ws });
  try {
    const secret = `${w.outside}/secret.txt`;
    Deno.writeTextFileSync(`${w.outside}/other.txt`, "other\n");
    const db = openDatabase(s.home.dir);
    try {
      saveGrants(db, "fs_read", { read: [secret], write: [], net: [] }); // what "Always allow (saved)" keeps
    } finally {
      db.close();
    }
    const listed = JSON.parse((await pai("policy", "approvals", "--json")).stdout);
    assert.deepEqual(
      listed.map((a: { id: string; scope: string; tool: string; kind: string; value: string }) => [
        a.id,
        a.scope,
        a.tool,
        a.kind,
        a.value,
      ]),
      [["1", "always", "fs_read", "read", secret]],
    );
    const table = await pai("policy", "approvals");
    assert.match(table.stdout, new RegExp(`^1 +saved +fs_read +read of "${secret}" +\\d{4}-`, "m"));
    const show = await pai("policy", "show");
    assert.match(show.stdout, new RegExp(`^approvals: 1 .*\\n  1 saved: fs_read: read of "${secret}"$`, "m"));
    assert.equal(JSON.parse((await pai("policy", "show", "--json")).stdout).approvals.length, 1);

    // explain names the deciding approval, and says how to undo it.
    const explain = async (tool: string, args: unknown) =>
      JSON.parse((await pai("policy", "explain", "--json", tool, JSON.stringify(args))).stdout);
    const decided = await explain("fs_read", { path: secret });
    assert.equal(decided.decision, "allow");
    assert.equal(decided.reason, `allowed by your saved approval 1 (read of "${secret}")`);
    assert.match(
      (await pai("policy", "explain", "fs_read", JSON.stringify({ path: secret }))).stdout,
      /^undo: pai policy revoke 1$/m,
    );
    // Scoped as approved: that tool, that permission; not another file beside it, not another tool.
    assert.equal((await explain("fs_read", { path: `${w.outside}/other.txt` })).decision, "ask");
    assert.equal((await explain("fs_search", { pattern: "x", path: secret })).decision, "ask");

    // The step line names it too.
    const run = await runMode(s, w, [call("fs_read", { path: secret }), { text: "done" }]);
    assert.match(run.run.stderr, /ok \(\d+ characters\), allowed by your saved approval 1\n/);

    // pai reset keeps saved approvals, and says so.
    assert.match((await pai("reset")).stdout, /1 saved approval\(s\) stay: "pai policy approvals" lists them/);

    const revoked = await pai("policy", "revoke", "1");
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(
      revoked.stdout,
      `Revoked approval 1 (fs_read: read of "${secret}"): PAI asks again before such a call.\n`,
    );
    assert.equal((await explain("fs_read", { path: secret })).decision, "ask");
    const unknown = await pai("policy", "revoke", "1");
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^pai: No approval "1"\n"pai policy approvals" lists them/);
    assert.equal((await pai("policy", "revoke")).code, 2);
    assert.match(
      (await pai("policy", "revoke", "--all")).stdout,
      /^Revoked 0 saved approval\(s\) and 0 for this session/,
    );
    assert.match((await pai("policy", "approvals")).stdout, /^No approvals/);
    const [one, all] = auditEvents(s.home, ["user_change"]);
    assert.ok(one.kind === "user_change" && one.change === "approval_revoked");
    assert.deepEqual([one.id, one.scope, one.tool, one.access, one.value], ["1", "always", "fs_read", "read", secret]);
    assert.ok(all.kind === "user_change" && all.change === "approvals_revoked");
    assert.deepEqual([all.saved, all.ofSession], [0, 0]);
  } finally {
    w.cleanup();
    await s.close();
  }
});

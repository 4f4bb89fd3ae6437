/**
 * End to end: the audit log records the user's own changes and what each run may do. Resources added, changed
 * and removed, a project policy trusted and untrusted, a direct `pai resource get` recorded as the user's (not
 * agent mode's), and a session's constraints when they start or change.
 */
import assert from "node:assert/strict";
import { type AuditEvent, eventOf } from "../src/audit/events.ts";
import { openDatabase } from "../src/store/db.ts";
import type { PaiHome } from "./helpers/run_pai.ts";
import { runPai } from "./helpers/run_pai.ts";
import { openaiSession } from "./helpers/session.ts";
import { call, makeWorkspace } from "./helpers/workspace.ts";

/** Every typed row of the log, with its mode column. */
function events(home: PaiHome): (AuditEvent & { modeColumn: string | null })[] {
  const db = openDatabase(home.dir);
  try {
    return db.prepare("SELECT * FROM audit_log ORDER BY id").all()
      .map((row) => ({ ...eventOf(row)!, modeColumn: row.mode as string | null }))
      .filter((e) => e.kind);
  } finally {
    db.close();
  }
}

Deno.test("the user's own changes are rows of the log, and a direct resource get is the user's, not agent mode's", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    Deno.writeTextFileSync(`${w.ws}/todo.md`, "- call Ann\n");
    const pai = (args: string[]) => runPai(args, { home: s.home, env: s.env, cwd: w.ws });
    assert.equal((await pai(["resource", "add", "todo", "--kind", "file", "--uri", "todo.md"])).code, 0);
    assert.equal((await pai(["resource", "update", "todo", "--label", "private"])).code, 0);
    assert.equal((await pai(["resource", "get", "todo"])).stdout, "- call Ann\n");
    assert.equal((await pai(["resource", "rm", "todo"])).code, 0);
    Deno.mkdirSync(`${w.ws}/.pai`);
    Deno.writeTextFileSync(`${w.ws}/.pai/policy.json`, '{"rules": []}');
    assert.equal((await pai(["policy", "trust"])).code, 0);
    assert.equal((await pai(["policy", "trust", "--revoke"])).code, 0);
    assert.equal((await pai(["budget", "set", "--daily-tokens", "1000"])).code, 0);
    assert.equal((await pai(["budget", "clear", "--all"])).code, 0);

    const all = events(s.home);
    const changes = all.filter((e) => e.kind === "user_change");
    assert.deepEqual(
      changes.map((e) => e.kind === "user_change" && [e.change, e.actor]),
      [
        ["resource_added", "user"],
        ["resource_updated", "user"],
        ["resource_removed", "user"],
        ["policy_trusted", "user"],
        ["policy_untrusted", "user"],
        ["budget_set", "user"],
        ["budgets_cleared", "user"],
      ],
    );
    const trusted = changes[3];
    assert.ok(trusted.kind === "user_change" && trusted.change === "policy_trusted");
    assert.match(trusted.policyHash ?? "", /^[0-9a-f]{64}$/);
    // The direct read went through the sandbox like the model's calls, and is recorded as the user's.
    const read = all.filter((e) => e.kind === "tool_call" || e.kind === "grant" || e.kind === "tool_result");
    assert.ok(read.length >= 3, JSON.stringify(read));
    for (const e of read) {
      assert.equal(e.actor, "user");
      assert.equal(e.modeColumn, null, "no mode: the user did it");
    }
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("a session's constraints are recorded when a run starts with other ones than the last", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    const pai = (args: string[]) => runPai(args, { home: s.home, env: s.env, cwd: w.ws });
    assert.equal((await pai(["prompt", "one"])).code, 0);
    assert.equal((await pai(["prompt", "two"])).code, 0);
    s.server.enqueue(call("fs_list", { path: "." }), { text: "done" });
    assert.equal((await pai(["agent", "--max-steps", "4", "look"])).code, 0);
    assert.equal((await pai(["prompt", "--no-tools", "three"])).code, 0);

    const constraints = events(s.home).filter((e) => e.kind === "session" && e.action === "constraints");
    assert.deepEqual(constraints.map((e) => e.mode), ["prompt", "agent", "prompt"], "the same prompt twice: one row");
    const [prompt, agent, noTools] = constraints;
    assert.ok(prompt.kind === "session" && prompt.action === "constraints");
    assert.ok(prompt.tools.includes("fs_read") && !prompt.tools.includes("fs_write"));
    assert.deepEqual(prompt.limits, { rounds: 3, callsPerTurn: 50 });
    assert.deepEqual(prompt.policy, {}, "the built-in defaults: no policy file");
    assert.ok(agent.kind === "session" && agent.action === "constraints");
    assert.ok(agent.tools.includes("fs_write"));
    assert.deepEqual(agent.limits, { rounds: 4, callsPerTurn: 500, seconds: 600 });
    assert.ok(noTools.kind === "session" && noTools.action === "constraints");
    assert.deepEqual(noTools.tools, []);
  } finally {
    w.cleanup();
    await s.close();
  }
});

/**
 * A tool registered at run time goes through the built-ins' one path: validated against its own schema, decided by
 * the policy from its permission template, asked for, run as a real sandboxed process with the grant's flags only,
 * and audited.
 */
import assert from "node:assert/strict";
import { grantFlags } from "../src/sandbox/flags.ts";
import type { ToolManagerOptions } from "../src/tools/tool_manager.ts";
import { COUNT_WORDS, countWordsSpec, testRegistry, testToolManager } from "./helpers/tool_manager.ts";
import { makeWorkspace, SECRET, type Workspace } from "./helpers/workspace.ts";

const call = (args: unknown) => ({ id: "c1", name: "word_count", arguments: JSON.stringify(args) });

/** A workspace with a notes file, and a manager whose registry holds word_count, which also probes the secret. */
async function setup(over: Partial<ToolManagerOptions> = {}) {
  const w: Workspace = await makeWorkspace();
  Deno.writeTextFileSync(`${w.ws}/notes.txt`, "one two three\n");
  const registry = testRegistry();
  await registry.register(countWordsSpec({
    request: (a, real) => ({ path: real(a.path), probe: `${w.outside}/secret.txt` }),
  }));
  return { w, ...testToolManager({ registry, workspace: w.ws, ...over }) };
}

Deno.test("a tool registered at run time is planned, allowed and run in the sandbox with its grant's flags only", async () => {
  const { w, manager, records } = await setup();
  try {
    const plan = await manager.plan(call({ path: "notes.txt" }));
    assert.ok(!("error" in plan) && plan.decision.kind === "allow", JSON.stringify(plan));
    assert.equal(plan.decision.reason, "within the mode's defaults and your grants");
    const flags = grantFlags(plan.decision.grant);
    assert.ok(flags.includes(`--allow-read=${w.ws}/notes.txt`), flags.join(" "));
    assert.ok(flags.includes("--no-prompt") && !flags.some((f) => /^--allow-(write|net|env|run|all)/.test(f)));

    const done = await manager.execute(call({ path: "notes.txt" }));
    assert.equal(done.ok, true, done.summary);
    // It read its file, and the secret it also tried to read was refused by Deno: the grant named only the file.
    assert.deepEqual(done.outcome, { ok: true, result: { words: 3, probe: "refused" } });
    assert.deepEqual(done.permissions, { read: [`${w.ws}/notes.txt`], write: [], net: [] });
    assert.ok(!done.content.includes(SECRET));
    assert.deepEqual([records[0].kind, records.at(-1)!.kind], ["tool_call", "tool_result"]);
    assert.ok(records.every((r) => !("tool" in r) || r.tool === "word_count"), JSON.stringify(records));
  } finally {
    w.cleanup();
  }
});

Deno.test("a tool registered at run time gets the built-ins' refusals: bad arguments, no terminal to ask, a rule", async () => {
  const deny = { tool: "word_count", action: "deny" as const, reason: "no counting", source: "test", index: 1 };
  const { w, manager } = await setup({ policy: { rules: [deny], safe: false } });
  const asking = await setup();
  try {
    const bad = await manager.execute(call({ file: "notes.txt" }));
    assert.equal(!bad.outcome.ok && bad.outcome.error.type, "invalid_input");
    assert.match(bad.summary, /Invalid arguments for word_count: /);

    const ruled = await manager.plan(call({ path: "notes.txt" }));
    assert.ok(!("error" in ruled) && ruled.decision.kind === "deny", JSON.stringify(ruled));
    assert.match(ruled.decision.reason, /no counting/);

    // Outside the workspace: the policy asks, and with no terminal to ask, the call is not run.
    const outside = await asking.manager.plan(call({ path: `${asking.w.outside}/secret.txt` }));
    assert.ok(!("error" in outside) && outside.decision.kind === "ask", JSON.stringify(outside));
    const refused = await asking.manager.execute(call({ path: `${asking.w.outside}/secret.txt` }));
    assert.equal(!refused.outcome.ok && refused.outcome.error.type, "permission_denied");
    assert.match(refused.summary, /Not granted: .*no terminal/);
    assert.equal(refused.permissions, undefined);
    assert.ok(!refused.content.includes(SECRET));
  } finally {
    w.cleanup();
    asking.w.cleanup();
  }
});

Deno.test("the folder of a program registered at run time is protected like tools/: no call may change it", async () => {
  const { w, manager } = await setup();
  try {
    const program = await Deno.realPath(COUNT_WORDS);
    const plan = await manager.plan({
      id: "c2",
      name: "fs_write",
      arguments: JSON.stringify({ path: program, content: "console.log(1)" }),
    });
    assert.ok(!("error" in plan) && plan.decision.kind === "deny", JSON.stringify(plan));
    const folder = program.slice(0, program.lastIndexOf("/"));
    assert.equal(plan.decision.reason, `"${program}" is inside "${folder}", which PAI never lets a tool touch`);
  } finally {
    w.cleanup();
  }
});

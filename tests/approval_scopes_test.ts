/**
 * The scopes an approval may be given for come from the mode's profile: the prompter is offered those, and an
 * answer for a longer one is taken as "once" (nothing remembered).
 */
import assert from "node:assert/strict";
import type { ApprovalScope } from "../src/core/mode_profile.ts";
import { PROFILES } from "../src/modes/profiles.ts";
import type { ApprovalRequest } from "../src/tools/tool_manager.ts";
import { testRegistry, testToolManager } from "./helpers/tool_manager.ts";
import { makeWorkspace } from "./helpers/workspace.ts";

async function askedOnce(approvals: readonly ApprovalScope[], answer: ApprovalScope) {
  const w = await makeWorkspace();
  const asked: ApprovalRequest[] = [];
  const remembered: string[] = [];
  const { manager } = testToolManager({
    registry: testRegistry(),
    workspace: w.ws,
    profile: { ...PROFILES.agent, approvals },
    approvals: { entries: () => [], remember: (_tool, _p, scope) => void remembered.push(scope) },
    prompter: {
      ask: (request) => (asked.push(request), Promise.resolve(answer)),
      askResource: () => Promise.resolve("deny"),
    },
  });
  try {
    // Outside the workspace: the policy asks.
    const done = await manager.execute({
      id: "c",
      name: "fs_read",
      arguments: JSON.stringify({ path: `${w.outside}/secret.txt` }),
    });
    return { done, asked, remembered };
  } finally {
    w.cleanup();
  }
}

Deno.test("the prompter is offered the profile's scopes, and an answer beyond them is not remembered", async () => {
  const all = await askedOnce(["once", "session", "always"], "always");
  assert.deepEqual(all.asked[0].scopes, ["once", "session", "always"]);
  assert.equal(all.done.ok, true);
  assert.deepEqual(all.remembered, ["always"]);

  const onceOnly = await askedOnce(["once"], "always");
  assert.deepEqual(onceOnly.asked[0].scopes, ["once"]);
  assert.equal(onceOnly.done.ok, true, "the call runs, approved once");
  assert.deepEqual(onceOnly.remembered, [], "nothing kept for longer than the profile allows");
});

import assert from "node:assert/strict";
import { decide, type DecisionInput, type Permissions } from "../policy/decide.ts";
import { type ApprovalEntry, asPermissions, matchingApprovals, nameDecidingApprovals } from "./approvals.ts";

const NONE: Permissions = { read: [], write: [], net: [] };
const LIMITS = { timeoutMs: 1000, memoryMb: 64, outputBytes: 1024 };

function input(needs: Permissions, granted: Permissions = NONE): DecisionInput {
  return {
    tool: "fs_read",
    profile: { mode: "agent", tools: "write", workspace: "write" },
    readOnly: true,
    needs,
    writeTargets: needs.write,
    workspace: "/ws",
    protectedPaths: [],
    granted,
    limits: LIMITS,
  };
}

const saved: ApprovalEntry = { id: "3", scope: "always", kind: "read", value: "/data/reports" };
const forSession: ApprovalEntry = { id: "s1", scope: "session", kind: "net", value: "api.example.com:443" };

Deno.test("matchingApprovals() applies an approval to exactly the permission approved, not to what is below it", () => {
  const entries = [saved, forSession];
  assert.deepEqual(matchingApprovals(entries, { ...NONE, read: ["/data/reports"] }), [saved]);
  assert.deepEqual(matchingApprovals(entries, { ...NONE, read: ["/data/reports/q3.md"] }), []);
  assert.deepEqual(matchingApprovals(entries, { ...NONE, write: ["/data/reports"] }), [], "a read is not a write");
  assert.deepEqual(matchingApprovals(entries, { ...NONE, net: ["api.example.com:80"] }), [], "nor another port");
});

Deno.test("nameDecidingApprovals() names the approvals an allowed call needed, and only those", () => {
  const needs = { ...NONE, read: ["/data/reports"], net: ["api.example.com:443"] };
  const approvals = matchingApprovals([saved, forSession], needs);
  const full = input(needs, asPermissions(approvals));
  const named = nameDecidingApprovals(full, decide(full), approvals, NONE);
  assert.equal(named.decision.kind, "allow");
  assert.equal(
    named.decision.reason,
    'allowed by your saved approval 3 (read of "/data/reports") and approval s1 for this session ' +
      "(net to api.example.com:443)",
  );
  assert.deepEqual(named.approvedBy, [saved, forSession]);

  // A pre-grant that already covers the read leaves only the session approval deciding.
  const pregrant = { ...NONE, read: ["/data"] };
  const both = input(needs, { ...asPermissions(approvals), read: ["/data", "/data/reports"] });
  assert.deepEqual(nameDecidingApprovals(both, decide(both), approvals, pregrant).approvedBy, [forSession]);
});

Deno.test("nameDecidingApprovals() leaves a decision the approvals did not make as it is", () => {
  const inside = input({ ...NONE, read: ["/ws/a.md"] });
  const decision = decide(inside);
  assert.deepEqual(nameDecidingApprovals(inside, decision, [], NONE), { decision, approvedBy: [] });
  const asked = input({ ...NONE, read: ["/elsewhere"] });
  assert.equal(nameDecidingApprovals(asked, decide(asked), [saved], NONE).decision.kind, "ask");
});

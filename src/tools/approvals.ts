/**
 * How the user's approvals ("for this session", "always") apply to a later call, and which of them decided it.
 * An approval is what the user was shown and said yes to: one tool, one permission (a real path read or written,
 * or a host:port). It applies to a later call of that tool that needs exactly that permission, never to another
 * tool, and never to what lies below an approved folder: the user saw one path, not a tree.
 */
import { decide, type Decision, type DecisionInput, describePermissions, type Permissions } from "../policy/decide.ts";

/** One approval, as `pai policy approvals` lists it and `pai policy revoke` takes its id. */
export interface ApprovalEntry {
  /** `"3"` for a saved approval, `"s3"` for one of this session. */
  id: string;
  scope: "session" | "always";
  kind: keyof Permissions;
  value: string;
}

/** The approvals among `entries` that grant exactly one of the permissions the call needs. */
export function matchingApprovals(entries: readonly ApprovalEntry[], needs: Permissions): ApprovalEntry[] {
  return entries.filter((e) => needs[e.kind].includes(e.value));
}

/** The approvals as permissions, for the decision's `granted`. */
export function asPermissions(entries: readonly ApprovalEntry[]): Permissions {
  const out: Permissions = { read: [], write: [], net: [] };
  for (const e of entries) out[e.kind].push(e.value);
  return out;
}

/** "saved approval 3", "approval s2 for this session" */
export function describeApproval(entry: ApprovalEntry): string {
  return entry.scope === "always" ? `saved approval ${entry.id}` : `approval ${entry.id} for this session`;
}

/** The decision with the approvals that made it, when approvals made it, named in its reason. */
export interface NamedDecision {
  decision: Decision;
  /** The approvals without which the call would have been asked about (empty: they did not decide). */
  approvedBy: ApprovalEntry[];
}

/**
 * Names the approvals that decided an allowed call. The decision itself (pure, in `policy/decide.ts`) cannot tell an
 * approval from a pre-grant; deciding again without the approvals can: what that decision would ask for is exactly
 * what the approvals granted. `withoutApprovals` is `input.granted` less the approvals.
 */
export function nameDecidingApprovals(
  input: DecisionInput,
  decision: Decision,
  approvals: readonly ApprovalEntry[],
  withoutApprovals: Permissions,
): NamedDecision {
  if (decision.kind !== "allow" || !approvals.length) return { decision, approvedBy: [] };
  const without = decide({ ...input, granted: withoutApprovals });
  if (without.kind !== "ask") return { decision, approvedBy: [] };
  const approvedBy = approvals.filter((e) => without.missing[e.kind].includes(e.value));
  if (!approvedBy.length) return { decision, approvedBy };
  const named = approvedBy.map((e) => `${describeApproval(e)} (${describePermissions(asPermissions([e]))})`);
  const reason = `allowed by your ${named.join(" and ")}`;
  return { decision: { ...decision, reason }, approvedBy };
}

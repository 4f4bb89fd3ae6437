/**
 * `pai policy approvals` and `pai policy revoke`: the approvals the user gave at the prompt ("for this session",
 * "always"), seen and undone. Each is one tool and one permission; its id is what the step line and
 * `pai policy explain` name when it lets a call run.
 */
import type { CommandContext } from "@stricli/core";
import { appendAudit } from "../audit/log.ts";
import { EXIT, PaiError } from "../core/errors.ts";
import { openState } from "../modes/session_setup.ts";
import { describePermissions } from "../policy/decide.ts";
import type { Database } from "../store/db.ts";
import { listSavedGrants, revokeAllSavedGrants, revokeSavedGrant, type SavedGrant } from "../store/saved_grants.ts";
import { clearSessionGrants, listSessionGrants, revokeSessionGrant } from "../store/session_grants.ts";
import { currentSession } from "../store/sessions.ts";
import { stdout } from "../ui/output.ts";
import { line } from "../ui/sanitize.ts";
import { printTable } from "../ui/table.ts";

/** One approval as listed: `id` is `"3"` for a saved one, `"s3"` for one of the current session. */
export interface ListedApproval {
  id: string;
  scope: "always" | "session";
  tool: string;
  kind: SavedGrant["kind"];
  value: string;
  createdAt: string;
}

/** The current session's approvals, then the saved ones. */
export function listApprovals(db: Database): ListedApproval[] {
  const session = currentSession(db);
  return [
    ...(session ? listSessionGrants(db, session.id) : []).map((g) => ({
      ...listed(g),
      id: `s${g.id}`,
      scope: "session" as const,
    })),
    ...listSavedGrants(db).map((g) => ({ ...listed(g), id: String(g.id), scope: "always" as const })),
  ];
}

function listed(g: SavedGrant): Omit<ListedApproval, "id" | "scope"> {
  return { tool: g.tool, kind: g.kind, value: g.value, createdAt: g.createdAt };
}

/** `fs_read: read of "/x"` */
function permissionOf(a: Pick<ListedApproval, "tool" | "kind" | "value">): string {
  return `${a.tool}: ${describePermissions({ read: [], write: [], net: [], [a.kind]: [a.value] })}`;
}

/** Lines for `pai policy show`: how many approvals there are, and each. */
export function approvalLines(approvals: readonly ListedApproval[]): string[] {
  if (!approvals.length) return ["approvals: none"];
  return [
    `approvals: ${approvals.length} (revoke with "pai policy revoke ID")`,
    ...approvals.map((a) => `  ${a.id} ${a.scope === "always" ? "saved" : "this session"}: ${permissionOf(a)}`),
  ];
}

/** Flags of `pai policy approvals`. */
export interface ApprovalsFlags {
  json: boolean;
}

/** Lists the saved approvals and the current session's. */
export async function approvals(this: CommandContext, flags: ApprovalsFlags): Promise<void> {
  const { db } = await openState();
  try {
    const all = listApprovals(db);
    if (flags.json) {
      stdout.write(`${JSON.stringify(all)}\n`);
      return;
    }
    if (!all.length) {
      stdout.write(
        "No approvals: PAI asks before any call that needs more than the mode's defaults and your grants.\n",
      );
      return;
    }
    // The paths were chosen by a model: the table neutralises every cell.
    printTable(stdout, [
      ["ID", "SCOPE", "TOOL", "PERMISSION", "SINCE"],
      ...all.map((a) => [
        a.id,
        a.scope === "always" ? "saved" : "this session",
        a.tool,
        describePermissions({ read: [], write: [], net: [], [a.kind]: [a.value] }),
        a.createdAt,
      ]),
    ]);
    stdout.write('Revoke one with "pai policy revoke ID", all with "pai policy revoke --all".\n');
  } finally {
    db.close();
  }
}

/** Flags of `pai policy revoke`. */
export interface RevokeFlags {
  all: boolean;
}

/** Revokes one approval by its id, or every saved one and the current session's (`--all`). */
export async function revoke(this: CommandContext, flags: RevokeFlags, id?: string): Promise<void> {
  if (flags.all === (id !== undefined)) {
    throw new PaiError(flags.all ? "Give an approval's id or --all, not both" : "Give an approval's id, or --all", {
      exitCode: EXIT.USAGE,
      hint: '"pai policy approvals" lists them with their ids',
    });
  }
  const { db } = await openState();
  try {
    const session = currentSession(db);
    const who = { sessionId: session?.id, provider: session?.provider, model: session?.model };
    if (flags.all) {
      const saved = revokeAllSavedGrants(db);
      const ofSession = session ? clearSessionGrants(db, { sessionId: session.id }) : 0;
      await appendAudit(db, { ...who, kind: "user_change", change: "approvals_revoked", saved, ofSession });
      stdout.write(`Revoked ${saved} saved approval(s) and ${ofSession} for this session.\n`);
      return;
    }
    const match = id!.match(/^(s?)(\d+)$/);
    const gone = !match
      ? undefined
      : match[1]
      ? session && revokeSessionGrant(db, session.id, Number(match[2]))
      : revokeSavedGrant(db, Number(match[2]));
    if (!gone) {
      throw new PaiError(`No approval "${id}"`, {
        exitCode: EXIT.USAGE,
        hint: '"pai policy approvals" lists them with their ids',
      });
    }
    const what = permissionOf(gone);
    await appendAudit(db, {
      ...who,
      kind: "user_change",
      change: "approval_revoked",
      id: id!,
      scope: match?.[1] ? "session" : "always",
      tool: gone.tool,
      access: gone.kind,
      value: gone.value,
    });
    stdout.write(line`Revoked approval ${id} (${what}): PAI asks again before such a call.\n`);
  } finally {
    db.close();
  }
}

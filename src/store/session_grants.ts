/**
 * Approvals "for this session": per PAI session (not per process), per tool, per permission. They last until
 * `pai reset` clears the session or `pai init` starts another one; a second `pai chat` on the same session does not
 * ask again.
 */
import type { Database } from "./db.ts";
import type { SavedGrant, SavedPermissions } from "./saved_grants.ts";

/** One approval for a session: the same shape as a saved one, and the session it belongs to. */
export interface SessionGrant extends SavedGrant {
  sessionId: string;
}

interface SessionGrantRow {
  id: number;
  session_id: string;
  tool: string;
  kind: keyof SavedPermissions;
  value: string;
  created_at: string;
}

const toGrant = (r: SessionGrantRow): SessionGrant => ({
  id: Number(r.id),
  sessionId: r.session_id,
  tool: r.tool,
  kind: r.kind,
  value: r.value,
  createdAt: r.created_at,
});

/** A session's approvals, oldest first; of one tool when `tool` is given. */
export function listSessionGrants(db: Database, sessionId: string, tool?: string): SessionGrant[] {
  const rows = db.prepare(
    "SELECT * FROM session_grants WHERE session_id = ? AND (? IS NULL OR tool = ?) ORDER BY id",
  ).all(sessionId, tool ?? null, tool ?? null);
  // Rows as the schema (migration 8) has them.
  return (rows as unknown as SessionGrantRow[]).map(toGrant);
}

/** Keeps permissions for a tool for the rest of the session (already kept ones are kept once). */
export function saveSessionGrants(
  db: Database,
  sessionId: string,
  tool: string,
  permissions: SavedPermissions,
  now = new Date(),
): void {
  const insert = db.prepare(
    "INSERT OR IGNORE INTO session_grants (session_id, tool, kind, value, created_at) VALUES (?, ?, ?, ?, ?)",
  );
  for (const kind of ["read", "write", "net"] as const) {
    for (const value of permissions[kind]) insert.run(sessionId, tool, kind, value, now.toISOString());
  }
}

/** Removes one of the session's approvals; returns it, or `undefined` when the session has none with that id. */
export function revokeSessionGrant(db: Database, sessionId: string, id: number): SessionGrant | undefined {
  const row = db.prepare("DELETE FROM session_grants WHERE id = ? AND session_id = ? RETURNING *").get(id, sessionId) as
    | SessionGrantRow
    | undefined;
  return row && toGrant(row);
}

/** Options for {@linkcode clearSessionGrants}. */
export interface ClearSessionGrantsOptions {
  /** Clear this session's approvals only (`pai reset`); otherwise every session's but `keep`'s (`pai init`). */
  sessionId?: string;
  keep?: string;
}

/** Clears session approvals; returns how many were removed. */
export function clearSessionGrants(db: Database, options: ClearSessionGrantsOptions): number {
  const result = options.sessionId !== undefined
    ? db.prepare("DELETE FROM session_grants WHERE session_id = ?").run(options.sessionId)
    : db.prepare("DELETE FROM session_grants WHERE session_id != ?").run(options.keep ?? "");
  return Number(result.changes);
}

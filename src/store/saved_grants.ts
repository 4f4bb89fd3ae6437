/**
 * Approvals the user chose to keep ("always"): per tool, per permission. Each row is one permission of one tool,
 * listed by `pai policy approvals` and removed by `pai policy revoke`.
 */
import type { Database } from "./db.ts";

/** Permissions as three lists (the policy's `Permissions`). */
export interface SavedPermissions {
  read: string[];
  write: string[];
  net: string[];
}

/** The permissions saved for a tool. */
export function savedGrants(db: Database, tool: string): SavedPermissions {
  const out: SavedPermissions = { read: [], write: [], net: [] };
  const rows = db.prepare("SELECT kind, value FROM saved_grants WHERE tool = ? ORDER BY id").all(tool) as {
    kind: keyof SavedPermissions;
    value: string;
  }[];
  for (const row of rows) out[row.kind].push(row.value);
  return out;
}

/** Saves permissions for a tool (already saved ones are kept once). */
export function saveGrants(db: Database, tool: string, permissions: SavedPermissions, now = new Date()): void {
  const insert = db.prepare(
    "INSERT OR IGNORE INTO saved_grants (tool, kind, value, created_at) VALUES (?, ?, ?, ?)",
  );
  for (const kind of ["read", "write", "net"] as const) {
    for (const value of permissions[kind]) insert.run(tool, kind, value, now.toISOString());
  }
}

/** One saved approval: a tool may have one permission (a real path read or written, or a host:port) unasked. */
export interface SavedGrant {
  id: number;
  tool: string;
  kind: keyof SavedPermissions;
  value: string;
  createdAt: string;
}

interface SavedGrantRow {
  id: number;
  tool: string;
  kind: keyof SavedPermissions;
  value: string;
  created_at: string;
}

const toSaved = (r: SavedGrantRow): SavedGrant => ({
  id: Number(r.id),
  tool: r.tool,
  kind: r.kind,
  value: r.value,
  createdAt: r.created_at,
});

/** The saved approvals, oldest first; of one tool when `tool` is given. */
export function listSavedGrants(db: Database, tool?: string): SavedGrant[] {
  const rows = db.prepare("SELECT * FROM saved_grants WHERE (? IS NULL OR tool = ?) ORDER BY id").all(
    tool ?? null,
    tool ?? null,
  );
  // Rows as the schema (migration 2) has them.
  return (rows as unknown as SavedGrantRow[]).map(toSaved);
}

/** Removes one saved approval; returns it, or `undefined` when there is none with that id. */
export function revokeSavedGrant(db: Database, id: number): SavedGrant | undefined {
  const row = db.prepare("DELETE FROM saved_grants WHERE id = ? RETURNING *").get(id) as SavedGrantRow | undefined;
  return row && toSaved(row);
}

/** Removes every saved approval; returns how many there were. */
export function revokeAllSavedGrants(db: Database): number {
  return Number(db.prepare("DELETE FROM saved_grants").run().changes);
}

/** Approvals the user chose to keep ("always"): per tool, per permission. */
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

/** Project folders whose `.pai/policy.json` may widen the user's policy (`pai policy trust`). */
import type { Database } from "./db.ts";

export function trustedFolders(db: Database): string[] {
  return (db.prepare("SELECT path FROM trusted_folders ORDER BY path").all() as { path: string }[]).map((r) => r.path);
}

export function trustFolder(db: Database, path: string, now = new Date()): void {
  db.prepare("INSERT OR IGNORE INTO trusted_folders (path, created_at) VALUES (?, ?)").run(path, now.toISOString());
}

/** Returns whether the folder was trusted. */
export function distrustFolder(db: Database, path: string): boolean {
  return Number(db.prepare("DELETE FROM trusted_folders WHERE path = ?").run(path).changes) > 0;
}

/**
 * Project folders whose `.pai/policy.json` may widen the user's policy (`pai policy trust`), each with the
 * SHA-256 of the file as it was when trusted: trust names that content, not the folder.
 */
import type { Database } from "./db.ts";

/** A folder the user trusted, and the SHA-256 of its policy file as it was then (null: it had no file). */
export interface TrustedFolder {
  path: string;
  policyHash: string | null;
}

export function trustedFolders(db: Database): TrustedFolder[] {
  return (db.prepare("SELECT path, policy_hash FROM trusted_folders ORDER BY path").all() as {
    path: string;
    policy_hash: string | null;
  }[]).map((r) => ({ path: r.path, policyHash: r.policy_hash }));
}

/** Trusts the folder's policy as it is now (`policyHash`), replacing any earlier trust of it. */
export function trustFolder(db: Database, folder: TrustedFolder, now = new Date()): void {
  db.prepare(
    `INSERT INTO trusted_folders (path, policy_hash, created_at) VALUES (?, ?, ?)
     ON CONFLICT (path) DO UPDATE SET policy_hash = excluded.policy_hash, created_at = excluded.created_at`,
  ).run(folder.path, folder.policyHash, now.toISOString());
}

/** Returns whether the folder was trusted. */
export function distrustFolder(db: Database, path: string): boolean {
  return Number(db.prepare("DELETE FROM trusted_folders WHERE path = ?").run(path).changes) > 0;
}

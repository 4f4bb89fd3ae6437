/**
 * The chain's head, kept outside the database: `audit-head.json` beside `pai.db` names the last row appended
 * (its id and hash). The chain alone shows an edit or a deletion in the middle; it cannot show that its last
 * rows were deleted, or that the whole database was swapped for another valid chain. The head file can, as
 * long as it is not rewritten too.
 *
 * It is written after every committed append, atomically (write, fsync, rename), mode 0600, and never goes
 * backwards: several processes append at once, and one that committed row 10 may get to the file after one
 * that committed row 11. So every writer takes an exclusive lock on `audit-head.json.lock`, reads the file,
 * and writes only a newer row. The lock is the kernel's (flock): a process killed while holding it releases it.
 *
 * @example
 * ```ts
 * const path = auditHeadPath(db);
 * if (path) advanceAuditHead(path, { id: 12, hash }, { current: (head) => hashOfRow(db, head.id) === head.hash });
 * ```
 */
import { writeFileAtomic } from "../store/atomic_file.ts";
import type { Database } from "../store/db.ts";

/** The last row of the chain, as the head file names it. */
export interface AuditHead {
  id: number;
  hash: string;
}

/** What the head file holds. */
export type HeadFile =
  | { kind: "absent" }
  | { kind: "present"; head: AuditHead }
  | { kind: "unreadable"; reason: string };

/** The head file's name beside `pai.db`. */
export const HEAD_FILE = "audit-head.json";

/** The head file of a database: beside its file (`audit-head.json` for `pai.db`); none for an in-memory one. */
export function auditHeadPath(db: Database): string | undefined {
  const location = db.location();
  if (!location) return undefined;
  const slash = location.lastIndexOf("/");
  const dir = slash < 0 ? "." : location.slice(0, slash) || "/";
  const name = location.slice(slash + 1);
  return `${dir}/${name === "pai.db" ? HEAD_FILE : `${name.replace(/\.db$/, "")}.${HEAD_FILE}`}`;
}

/** Reads the head file; a file that is there but is not a head is `unreadable`, never taken for absent. */
export function readAuditHead(path: string): HeadFile {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { kind: "absent" };
    return { kind: "unreadable", reason: error instanceof Error ? error.message : String(error) };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: "unreadable", reason: `it is not JSON (${error instanceof Error ? error.message : error})` };
  }
  const { id, hash } = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 1 || typeof hash !== "string" || !HASH.test(hash)) {
    return { kind: "unreadable", reason: 'it does not name a row ({"id": N, "hash": "64 hex digits"})' };
  }
  return { kind: "present", head: { id, hash } };
}

const HASH = /^[0-9a-f]{64}$/;

/** Options for {@linkcode advanceAuditHead}. */
export interface AdvanceHeadOptions {
  /**
   * Whether the head the file names now is still this log's (the row with its id has its hash). A head that is
   * not (the database was replaced, or its last rows deleted) is left as it is: it is the evidence `verify` reports.
   */
  current(head: AuditHead): boolean;
  /**
   * Whether a missing file may be created (default: yes). Appends create it only for a log they start: a log that
   * has rows and no head file lost it (deleted, perhaps to hide rows cut from its end, or not copied with pai.db),
   * and that absence is the evidence `verify` reports until the user starts a new one.
   */
  mayCreate?: boolean;
}

/** What {@linkcode advanceAuditHead} did. */
export type AdvanceOutcome =
  /** The file now names `next`. */
  | "written"
  /** The file already named `next` or a later row (another process got there first). */
  | "newer"
  /** The file names a row that is not this log's, or cannot be read: left alone. */
  | "kept";

/**
 * Makes the head file name `next`, unless it names a later row already. Synchronous from the lock to its release,
 * so nothing else in this process runs while the lock is held (two connections of one process each lock the file
 * through their own descriptor, which would otherwise wait on each other).
 */
export function advanceAuditHead(path: string, next: AuditHead, options: AdvanceHeadOptions): AdvanceOutcome {
  const lock = Deno.openSync(`${path}.lock`, { read: true, write: true, create: true, mode: 0o600 });
  try {
    lock.lockSync(true);
    const file = readAuditHead(path);
    if (file.kind === "unreadable") return "kept";
    if (file.kind === "absent" && options.mayCreate === false) return "kept";
    if (file.kind === "present") {
      if (file.head.id >= next.id) return "newer";
      if (!options.current(file.head)) return "kept";
    }
    writeFileAtomic(path, `${JSON.stringify(next)}\n`, { createNew: false, tempPath: `${path}.tmp` });
    return "written";
  } finally {
    // Closing the descriptor releases the lock.
    lock.close();
  }
}

/** The hash of the row with this id, or `undefined` when there is none. */
export function hashOfRow(db: Database, id: number): string | undefined {
  const row = db.prepare("SELECT hash FROM audit_log WHERE id = ?").get(id);
  return typeof row?.hash === "string" ? row.hash : undefined;
}

/**
 * What `pai undo` puts back. Before a run's tool first changes a file (writes, edits or deletes it), PAI keeps the
 * file's content, or that there was none; after each change, the hash of what the run left. A run is one turn's tool
 * calls (`pai agent`, a chat or assistant turn, a task). Only the newest {@linkcode KEPT_RUNS} runs are kept.
 */
import { sha256Hex } from "../policy/load_policy.ts";
import type { Database } from "./db.ts";

/** The largest file whose previous content is kept; a larger one is changed with no way back, and undo says so. */
export const MAX_UNDO_BYTES = 16 * 1024 * 1024;
/** How many runs' changes are kept (the newest). */
export const KEPT_RUNS = 50;

/** The run a change belongs to. */
export interface UndoRun {
  id: string;
  sessionId?: string;
  mode?: string;
}

/** One file a run changed, as kept. */
export interface UndoFile {
  path: string;
  /** Whether it existed before the run changed it. */
  existed: boolean;
  /** Its content before (when it existed and was kept). */
  previous?: Uint8Array;
  /** Its permission bits before. */
  fileMode?: number;
  /** Whether the previous content was kept (false: it was larger than {@linkcode MAX_UNDO_BYTES}). */
  kept: boolean;
  /** The SHA-256 of what the run left; undefined when the run left no file there. */
  afterHash?: string;
  tool: string;
}

/** A run with kept changes, as `pai undo --list` shows it. */
export interface UndoRunSummary extends UndoRun {
  files: number;
  /** The files it changed, in the order it first changed them. */
  paths: string[];
  changedAt: string;
  undoneAt?: string;
}

/** Keeps what the files are before `tool` changes them in `run` (a file the run already changed is kept as it was). */
export async function keepBefore(db: Database, run: UndoRun, tool: string, paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    const known = db.prepare("SELECT 1 FROM undo_files WHERE run_id = ? AND path = ?").get(run.id, path);
    if (known) continue;
    const before = await fileState(path);
    if (before === "other") continue; // not a file a tool writes (a folder): nothing to put back
    const kept = before === "none" || before.size <= MAX_UNDO_BYTES;
    const previous = before !== "none" && kept ? await Deno.readFile(path) : null;
    db.prepare(
      `INSERT INTO undo_files (run_id, session_id, mode, path, existed, previous, file_mode, kept, tool, changed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      run.id,
      run.sessionId ?? null,
      run.mode ?? null,
      path,
      before === "none" ? 0 : 1,
      previous,
      before === "none" ? null : before.mode,
      kept ? 1 : 0,
      tool,
      new Date().toISOString(),
    );
  }
  forgetOldRuns(db);
}

/** Records what the run left in these files (after a change, whether the tool succeeded or not). */
export async function keepAfter(db: Database, runId: string, paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    const hash = await currentHash(path);
    db.prepare("UPDATE undo_files SET after_hash = ? WHERE run_id = ? AND path = ?").run(hash ?? null, runId, path);
  }
}

/** The SHA-256 of the file at `path` as it is now; undefined when there is no regular file there. */
export async function currentHash(path: string): Promise<string | undefined> {
  const state = await fileState(path);
  return typeof state === "object" ? await sha256Hex(await Deno.readFile(path)) : undefined;
}

/** The runs with kept changes, the newest first. */
export function undoRuns(db: Database): UndoRunSummary[] {
  return db.prepare(
    `SELECT run_id, MAX(session_id) AS session_id, MAX(mode) AS mode, COUNT(*) AS files, MAX(changed_at) AS changed_at,
            MAX(undone_at) AS undone_at, json_group_array(path) AS paths
     FROM (SELECT * FROM undo_files ORDER BY id) GROUP BY run_id ORDER BY MAX(id) DESC`,
  ).all().map((r) => ({
    id: String(r.run_id),
    ...(r.session_id ? { sessionId: String(r.session_id) } : {}),
    ...(r.mode ? { mode: String(r.mode) } : {}),
    files: Number(r.files),
    paths: JSON.parse(String(r.paths)) as string[],
    changedAt: String(r.changed_at),
    ...(r.undone_at ? { undoneAt: String(r.undone_at) } : {}),
  }));
}

/** The files a run changed, in the order it first changed them. */
export function runFiles(db: Database, runId: string): UndoFile[] {
  return db.prepare("SELECT * FROM undo_files WHERE run_id = ? ORDER BY id").all(runId).map((r) => ({
    path: String(r.path),
    existed: r.existed === 1,
    ...(r.previous instanceof Uint8Array ? { previous: r.previous } : {}),
    ...(typeof r.file_mode === "number" ? { fileMode: r.file_mode } : {}),
    kept: r.kept === 1,
    ...(typeof r.after_hash === "string" ? { afterHash: r.after_hash } : {}),
    tool: String(r.tool),
  }));
}

/** Marks a run undone: `pai undo` then takes the one before it. */
export function markUndone(db: Database, runId: string): void {
  db.prepare("UPDATE undo_files SET undone_at = ? WHERE run_id = ?").run(new Date().toISOString(), runId);
}

/** Forgets the changes of all but the newest {@linkcode KEPT_RUNS} runs. */
function forgetOldRuns(db: Database): void {
  db.prepare(
    `DELETE FROM undo_files WHERE run_id NOT IN (
       SELECT run_id FROM undo_files GROUP BY run_id ORDER BY MAX(id) DESC LIMIT ?
     )`,
  ).run(KEPT_RUNS);
}

/** What is at `path`, not following a final link: no file, a regular file (its size and mode), or something else. */
async function fileState(path: string): Promise<"none" | "other" | { size: number; mode: number | null }> {
  try {
    const info = await Deno.lstat(path);
    return info.isFile ? { size: info.size, mode: info.mode } : "other";
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "none";
    throw error;
  }
}

/**
 * `pai undo [RUN] [--list] [--json]`: puts back the files a run changed, as they were before it (`store/undo_files.ts`
 * keeps them). All or nothing: when any file was changed since the run (by you, another program, a later run) or
 * could not be kept, nothing is restored and PAI says which; a file that is now a link, or whose folder is, is not
 * written through.
 */
import type { CommandContext } from "@stricli/core";
import { appendAudit } from "../audit/log.ts";
import { EXIT, PaiError } from "../core/errors.ts";
import { withDatabase } from "../modes/session_setup.ts";
import type { Database } from "../store/db.ts";
import { currentHash, markUndone, MAX_UNDO_BYTES, runFiles, type UndoFile, undoRuns } from "../store/undo_files.ts";
import { writeFileAtomic } from "../store/atomic_file.ts";
import { stdout } from "../ui/output.ts";
import { line } from "../ui/sanitize.ts";
import { printTable } from "../ui/table.ts";

/** Flags of `pai undo`. */
export interface UndoFlags {
  list: boolean;
  json: boolean;
}

/** Undoes a run's file changes (the newest run not undone yet, when none is named), or lists the runs. */
export async function undo(this: CommandContext, flags: UndoFlags, ref?: string): Promise<void> {
  await withDatabase(async (db) => {
    if (flags.list) return list(db, flags.json);
    const run = chosenRun(db, ref);
    const files = runFiles(db, run.id);
    await refuseChanged(files, run.id);
    const restored: string[] = [];
    const removed: string[] = [];
    for (const file of files) {
      if (await putBack(file)) (file.existed ? restored : removed).push(file.path);
    }
    markUndone(db, run.id);
    await appendAudit(db, {
      kind: "user_change",
      change: "undone",
      run: run.id,
      restored,
      removed,
      ...(run.sessionId ? { sessionId: run.sessionId } : {}),
    });
    if (flags.json) return void stdout.write(`${JSON.stringify({ run: run.id, restored, removed })}\n`);
    stdout.write(
      line`Undid run ${run.id} (${run.mode ?? "a run"}, ${run.changedAt.slice(0, 19).replace("T", " ")}):` + "\n",
    );
    for (const path of restored) stdout.write(line`  restored ${path}` + "\n");
    for (const path of removed) stdout.write(line`  removed ${path} (the run had created it)` + "\n");
  });
}

function list(db: Database, json: boolean): void {
  const runs = undoRuns(db);
  if (json) return void stdout.write(`${JSON.stringify(runs)}\n`);
  if (!runs.length) return void stdout.write("No run has changed a file yet.\n");
  printTable(stdout, [
    ["RUN", "WHEN", "MODE", "STATE", "FILES"],
    ...runs.map((r) => [
      r.id,
      r.changedAt.slice(0, 19).replace("T", " "),
      r.mode ?? "-",
      r.undoneAt ? "undone" : "can undo",
      r.paths.join(", "),
    ]),
  ]);
}

/** The run named (its id or the start of it), or the newest not undone yet. */
function chosenRun(db: Database, ref: string | undefined) {
  const runs = undoRuns(db);
  if (ref === undefined) {
    const run = runs.find((r) => !r.undoneAt);
    if (!run) {
      throw new PaiError("Nothing to undo: no run has changed a file since the last undo", {
        exitCode: EXIT.FAILURE,
        hint: '"pai undo --list" lists the runs PAI keeps',
      });
    }
    return run;
  }
  const matches = runs.filter((r) => r.id.startsWith(ref));
  if (matches.length !== 1) {
    throw new PaiError(matches.length ? `"${ref}" names ${matches.length} runs` : `No run "${ref}" to undo`, {
      exitCode: EXIT.USAGE,
      hint: '"pai undo --list" lists the runs PAI keeps',
    });
  }
  if (matches[0].undoneAt) throw new PaiError(`Run ${matches[0].id} is already undone`, { exitCode: EXIT.FAILURE });
  return matches[0];
}

/** Refuses, naming each, files changed since the run or whose previous content was not kept: nothing is restored. */
async function refuseChanged(files: readonly UndoFile[], runId: string): Promise<void> {
  const problems: string[] = [];
  for (const file of files) {
    if (file.existed && !file.kept) {
      problems.push(`"${file.path}" was larger than ${MAX_UNDO_BYTES / 1024 / 1024} MiB: its content was not kept`);
    } else if (!await sameFolder(file.path)) {
      // Written or removed through, the link would change a file in another place.
      problems.push(`the folder of "${file.path}" is now a link to another place`);
    } else if (
      file.afterHash === undefined ? await present(file.path) : await currentHash(file.path) !== file.afterHash
    ) {
      // The run left no file there: whatever is there now (a file, a folder, a link) is someone else's.
      problems.push(`"${file.path}" was changed since the run`);
    }
  }
  if (problems.length) {
    throw new PaiError(`Cannot undo run ${runId}: ${problems.join("; ")}. Nothing was restored`, {
      exitCode: EXIT.FAILURE,
      hint: "Put the other changes aside (or keep them): PAI never overwrites a change it did not make",
    });
  }
}

/** Puts one file back; false when there was nothing to do (a file the run created and that is gone already). */
async function putBack(file: UndoFile): Promise<boolean> {
  if (file.existed) {
    writeFileAtomic(file.path, file.previous ?? new Uint8Array(), {
      createNew: false,
      mode: (file.fileMode ?? 0o644) & 0o7777,
    });
    return true;
  }
  try {
    await Deno.remove(file.path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * Whether the file's folder is still where the run wrote (its real path). A folder that is gone is made again: then
 * the nearest folder above it that exists must be where it was, or the new folders would be made through a link.
 */
async function sameFolder(path: string): Promise<boolean> {
  for (let dir = path.slice(0, path.lastIndexOf("/")) || "/";; dir = dir.slice(0, dir.lastIndexOf("/")) || "/") {
    try {
      return await Deno.realPath(dir) === dir;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound) || dir === "/") return false;
    }
  }
}

/** Whether anything (a file, a folder, a link, even a broken one) is at `path`. */
async function present(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

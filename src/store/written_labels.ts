/**
 * Labels of files a run wrote while it held data labelled private or secret (in a session with a local model, such a
 * run's requests go to it, and what it writes may hold that data). A written file keeps the run's label, and the
 * sources of its data, for as long as it is as the run left it: its size and modification time (`stamp`) say so. A
 * file changed since (by the user, another program) is judged by the policy and the resources again.
 */
import type { Label } from "../core/types.ts";
import type { Database } from "./db.ts";

/** A file's size and modification time, as `lstat` reports them; `undefined` when it is not a regular file. */
async function stampOf(path: string): Promise<string | undefined> {
  try {
    const info = await Deno.lstat(path);
    return info.isFile ? `${info.size}:${info.mtime?.getTime() ?? 0}` : undefined;
  } catch {
    return undefined;
  }
}

/** Records that the run wrote these files holding data with this label (a higher label already kept stays). */
export async function markWritten(
  db: Database,
  paths: readonly string[],
  written: { label: Label; sources: readonly string[]; sessionId?: string },
): Promise<void> {
  for (const path of paths) {
    const stamp = await stampOf(path);
    if (!stamp) continue;
    const kept = writtenLabels(db).get(path);
    const label = kept && kept.stamp === stamp && kept.label === "secret" ? "secret" : written.label;
    db.prepare(
      `INSERT OR REPLACE INTO written_labels (path, label, sources, stamp, session_id, written_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(path, label, JSON.stringify(written.sources), stamp, written.sessionId ?? null, new Date().toISOString());
  }
}

/** Every written file's label, by path (with the stamp it was recorded at). */
function writtenLabels(db: Database): Map<string, { label: Label; stamp: string; sources: string[] }> {
  return new Map(
    db.prepare("SELECT path, label, stamp, sources FROM written_labels").all().map((r) => [
      String(r.path),
      {
        label: r.label as Label,
        stamp: String(r.stamp),
        sources: typeof r.sources === "string" ? JSON.parse(r.sources) as string[] : [],
      },
    ]),
  );
}

/**
 * The labels that still hold: those of the written files that are as the runs left them, by path. Read once per run
 * (a file written in the run is added by `markWritten`, and the caller's map is refreshed after it).
 */
export async function liveWrittenLabels(db: Database): Promise<Map<string, Label>> {
  const live = new Map<string, Label>();
  for (const [path, kept] of writtenLabels(db)) {
    if (await stampOf(path) === kept.stamp) live.set(path, kept.label);
  }
  return live;
}

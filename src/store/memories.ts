/**
 * The assistant's working memory: short texts it saved (`memory_save`), per session, each with the label of the data
 * in the run it came from and that data's sources, so that a memory is sent only where that data may go. Found by
 * FTS5 (`memory_search`, and the context manager's pick of what is relevant to a task); kept until `pai reset` or
 * `pai memory rm`.
 */
import type { Label } from "../core/types.ts";
import type { Database } from "./db.ts";

/** One memory. */
export interface Memory {
  id: number;
  text: string;
  label: Label;
  /** The files and resources the data of the run that saved it came from. */
  sources: string[];
  createdAt: string;
}

function toMemory(r: Record<string, unknown>): Memory {
  return {
    id: Number(r.id),
    text: String(r.text),
    label: r.label as Label,
    sources: typeof r.sources === "string" ? JSON.parse(r.sources) as string[] : [],
    createdAt: String(r.created_at),
  };
}

/** What a memory is saved with. */
export interface NewMemory {
  text: string;
  label: Label;
  sources: readonly string[];
}

export function saveMemory(db: Database, sessionId: string, memory: NewMemory, now = new Date()): Memory {
  const { lastInsertRowid } = db.prepare(
    "INSERT INTO memories (session_id, text, label, sources, created_at) VALUES (?, ?, ?, ?, ?)",
  ).run(
    sessionId,
    memory.text,
    memory.label,
    memory.sources.length ? JSON.stringify(memory.sources) : null,
    now.toISOString(),
  );
  return getMemory(db, sessionId, Number(lastInsertRowid))!;
}

export function getMemory(db: Database, sessionId: string, id: number): Memory | undefined {
  const row = db.prepare("SELECT * FROM memories WHERE session_id = ? AND id = ?").get(sessionId, id);
  return row && toMemory(row);
}

/** The session's memories, oldest first. */
export function listMemories(db: Database, sessionId: string): Memory[] {
  return db.prepare("SELECT * FROM memories WHERE session_id = ? ORDER BY id").all(sessionId).map(toMemory);
}

/** Forgets one memory; whether there was one. */
export function deleteMemory(db: Database, sessionId: string, id: number): boolean {
  return Number(db.prepare("DELETE FROM memories WHERE session_id = ? AND id = ?").run(sessionId, id).changes) === 1;
}

/** Forgets every memory of the session (`pai reset`); how many there were. */
export function clearMemories(db: Database, sessionId: string): number {
  return Number(db.prepare("DELETE FROM memories WHERE session_id = ?").run(sessionId).changes);
}

/**
 * The session's memories that share words with `text`, best first (FTS5's rank), at most `limit`. Each word is
 * matched as written, quoted: what the model or a task says is never FTS5 syntax.
 */
export function searchMemories(db: Database, sessionId: string, text: string, limit: number): Memory[] {
  const words = [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? [])].slice(0, 64);
  if (!words.length) return [];
  const query = words.map((w) => `"${w}"`).join(" OR ");
  return db.prepare(
    `SELECT m.* FROM memories_fts f JOIN memories m ON m.id = f.rowid
     WHERE memories_fts MATCH ? AND m.session_id = ? ORDER BY f.rank LIMIT ?`,
  ).all(query, sessionId, limit).map(toMemory);
}

/** The session's newest memories, newest first. */
export function newestMemories(db: Database, sessionId: string, limit: number): Memory[] {
  return db.prepare("SELECT * FROM memories WHERE session_id = ? ORDER BY id DESC LIMIT ?").all(sessionId, limit)
    .map(toMemory);
}

/** A session's conversation history (what chat mode sends back with each turn). */
import type { ChatMessage, Mode } from "../core/types.ts";
import type { Database } from "./db.ts";

/** A stored message; `interrupted` marks an answer cut short by Ctrl+C. */
export interface StoredMessage extends ChatMessage {
  role: "user" | "assistant";
  mode: Mode;
  interrupted: boolean;
}

/** Appends messages to a session's history. */
export function appendMessages(
  db: Database,
  sessionId: string,
  messages: readonly StoredMessage[],
  now = new Date(),
): void {
  const insert = db.prepare(
    "INSERT INTO messages (session_id, role, content, mode, interrupted, created_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  for (const m of messages) {
    insert.run(sessionId, m.role, m.content, m.mode, m.interrupted ? 1 : 0, now.toISOString());
  }
}

/** The session's history, oldest first, optionally only one mode's messages. */
export function listMessages(db: Database, sessionId: string, mode?: Mode): StoredMessage[] {
  const rows = (mode
    ? db.prepare(
      "SELECT role, content, mode, interrupted FROM messages WHERE session_id = ? AND mode = ? ORDER BY id",
    )
      .all(sessionId, mode)
    : db.prepare("SELECT role, content, mode, interrupted FROM messages WHERE session_id = ? ORDER BY id").all(
      sessionId,
    )) as { role: "user" | "assistant"; content: string; mode: Mode; interrupted: number }[];
  return rows.map((r) => ({ role: r.role, content: r.content, mode: r.mode, interrupted: r.interrupted === 1 }));
}

/** How many messages the session's history holds. */
export function countMessages(db: Database, sessionId: string): number {
  const row = db.prepare("SELECT count(*) AS n FROM messages WHERE session_id = ?").get(sessionId);
  return Number(row?.n ?? 0);
}

/** Deletes the session's history; returns how many messages were removed. */
export function clearMessages(db: Database, sessionId: string): number {
  const result = db.prepare("DELETE FROM messages WHERE session_id = ?").run(sessionId);
  return Number(result.changes);
}

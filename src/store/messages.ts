/** A session's conversation history: what the user said, what the model answered, and what its tools returned. */
import type { ChatMessage, Label, Mode, ToolCall } from "../core/types.ts";
import type { Database } from "./db.ts";

/** A stored message; `interrupted` marks an answer cut short by Ctrl+C or a dropped stream. */
export interface StoredMessage extends ChatMessage {
  /** The row's id (set when read back). */
  id?: number;
  mode: Mode;
  interrupted: boolean;
  /** Its tokens, as estimated when stored (or as the provider reported, for an answer). */
  tokens?: number;
  /** The most sensitive label of the data in it, when known (a tool result from a labelled file). */
  label?: Label;
  /** Why sending it again taints a run (the flow rule): private data, untrusted web content. */
  taint?: string;
  /** The real paths and resources (`resource:NAME`) its data came from: its label is judged again from them. */
  sources?: string[];
  /** The payload hash of the audit row that first recorded it (its prompt, response or tool_result row). */
  auditHash?: string;
  /** On an answer: the model that wrote it (`openai:gpt-4o`, or the local model a request was routed to). */
  model?: string;
}

type Row = {
  id: number;
  role: StoredMessage["role"];
  content: string;
  mode: Mode;
  interrupted: number;
  tool_calls: string | null;
  tool_call_id: string | null;
  tokens: number | null;
  label: Label | null;
  taint: string | null;
  sources: string | null;
  audit_hash: string | null;
  model: string | null;
};

const COLUMNS =
  "id, role, content, mode, interrupted, tool_calls, tool_call_id, tokens, label, taint, sources, audit_hash, model";

function fromRow(r: Row): StoredMessage {
  return {
    id: r.id,
    role: r.role,
    content: r.content,
    mode: r.mode,
    interrupted: r.interrupted === 1,
    ...(r.tool_calls ? { toolCalls: JSON.parse(r.tool_calls) as ToolCall[] } : {}),
    ...(r.tool_call_id ? { toolCallId: r.tool_call_id } : {}),
    ...(r.tokens === null ? {} : { tokens: r.tokens }),
    ...(r.label ? { label: r.label } : {}),
    ...(r.taint ? { taint: r.taint } : {}),
    ...(r.sources ? { sources: JSON.parse(r.sources) as string[] } : {}),
    ...(r.audit_hash ? { auditHash: r.audit_hash } : {}),
    ...(r.model ? { model: r.model } : {}),
  };
}

/** Appends messages to a session's history, in one transaction: a turn is stored whole or not at all. */
export function appendMessages(
  db: Database,
  sessionId: string,
  messages: readonly StoredMessage[],
  now = new Date(),
): void {
  const insert = db.prepare(
    `INSERT INTO messages (session_id, role, content, mode, interrupted, tool_calls, tool_call_id, tokens, label,
                           taint, sources, audit_hash, model, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.exec("BEGIN IMMEDIATE");
  try {
    for (const m of messages) {
      insert.run(
        sessionId,
        m.role,
        m.content,
        m.mode,
        m.interrupted ? 1 : 0,
        m.toolCalls?.length ? JSON.stringify(m.toolCalls) : null,
        m.toolCallId ?? null,
        m.tokens ?? null,
        m.label ?? null,
        m.taint ?? null,
        m.sources?.length ? JSON.stringify(m.sources) : null,
        m.auditHash ?? null,
        m.model ?? null,
        now.toISOString(),
      );
    }
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}

/** The session's history, oldest first, optionally only one mode's messages. */
export function listMessages(db: Database, sessionId: string, mode?: Mode): StoredMessage[] {
  const rows = mode
    ? db.prepare(`SELECT ${COLUMNS} FROM messages WHERE session_id = ? AND mode = ? ORDER BY id`).all(sessionId, mode)
    : db.prepare(`SELECT ${COLUMNS} FROM messages WHERE session_id = ? ORDER BY id`).all(sessionId);
  return (rows as Row[]).map(fromRow);
}

/**
 * One mode's messages after `afterId`, newest first, read lazily: the caller stops when it has enough, so the
 * cost follows what is sent, not how long the history is.
 */
export function* newestMessages(db: Database, sessionId: string, mode: Mode, afterId = 0): Generator<StoredMessage> {
  const rows = db.prepare(
    `SELECT ${COLUMNS} FROM messages WHERE session_id = ? AND mode = ? AND id > ? ORDER BY id DESC`,
  ).iterate(sessionId, mode, afterId);
  for (const r of rows) yield fromRow(r as Row);
}

/** One mode's messages with `afterId < id <= throughId`, oldest first, read lazily (what a summary covers). */
export function* messagesBetween(
  db: Database,
  sessionId: string,
  mode: Mode,
  afterId: number,
  throughId: number,
): Generator<StoredMessage> {
  const rows = db.prepare(
    `SELECT ${COLUMNS} FROM messages WHERE session_id = ? AND mode = ? AND id > ? AND id <= ? ORDER BY id`,
  ).iterate(sessionId, mode, afterId, throughId);
  for (const r of rows) yield fromRow(r as Row);
}

/**
 * The labels, taints and sources of one mode's messages with `afterId < id <= throughId`: what a summary of them would
 * carry, known before anything is sent.
 */
export function labelsBetween(
  db: Database,
  sessionId: string,
  mode: Mode,
  afterId: number,
  throughId: number,
): { labels: Label[]; taints: string[]; sources: string[] } {
  const rows = db.prepare(
    `SELECT DISTINCT label, taint, sources FROM messages WHERE session_id = ? AND mode = ? AND id > ? AND id <= ?
       AND (label IS NOT NULL OR taint IS NOT NULL OR sources IS NOT NULL)`,
  ).all(sessionId, mode, afterId, throughId) as { label: Label | null; taint: string | null; sources: string | null }[];
  return {
    labels: [...new Set(rows.flatMap((r) => r.label ? [r.label] : []))],
    taints: [...new Set(rows.flatMap((r) => r.taint ? [r.taint] : []))],
    sources: [...new Set(rows.flatMap((r) => r.sources ? JSON.parse(r.sources) as string[] : []))],
  };
}

/** Stores the tokens of a message counted after it was kept. */
export function setMessageTokens(db: Database, id: number, tokens: number): void {
  db.prepare("UPDATE messages SET tokens = ? WHERE id = ?").run(tokens, id);
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

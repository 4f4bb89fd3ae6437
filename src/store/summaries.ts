/** The summary of a session's older turns: what the context manager sends in their place. */
import type { Label } from "../core/types.ts";
import type { Database } from "./db.ts";

/** A session's summary: it covers every message of its mode up to `throughId`. */
export interface Summary {
  throughId: number;
  text: string;
  /** The most sensitive label of what it summarises: it is sent only where that may go. */
  label: Label;
  /** Why sending it taints a run (what it summarises did, or it carries text shaped like instructions). */
  taint?: string;
  /** The files and resources what it summarises came from (its label is judged again from them). */
  sources?: string[];
  /** What names the answer that wrote it, in the audit log (`answerIdentity`): the requests that carry it say so. */
  auditHash?: string;
  tokens: number;
  /** How many times it was made (each time the history outgrew the window again). */
  made: number;
  updatedAt: string;
}

/** The session's summary, if one was made. */
export function getSummary(db: Database, sessionId: string): Summary | undefined {
  const r = db.prepare(
    `SELECT through_id, text, label, taint, sources, audit_hash, tokens, made, updated_at FROM summaries
     WHERE session_id = ?`,
  ).get(sessionId);
  if (!r) return undefined;
  return {
    throughId: Number(r.through_id),
    text: String(r.text),
    label: r.label as Label,
    ...(typeof r.taint === "string" ? { taint: r.taint } : {}),
    ...(typeof r.sources === "string" ? { sources: JSON.parse(r.sources) as string[] } : {}),
    ...(typeof r.audit_hash === "string" ? { auditHash: r.audit_hash } : {}),
    tokens: Number(r.tokens),
    made: Number(r.made),
    updatedAt: String(r.updated_at),
  };
}

/** Replaces the session's summary (counting how many were made). */
export function saveSummary(
  db: Database,
  sessionId: string,
  summary: Pick<Summary, "throughId" | "text" | "label" | "taint" | "sources" | "auditHash" | "tokens">,
  now = new Date(),
): void {
  db.prepare(
    `INSERT INTO summaries (session_id, through_id, text, label, taint, sources, audit_hash, tokens, made, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
     ON CONFLICT (session_id) DO UPDATE SET through_id = excluded.through_id, text = excluded.text,
       label = excluded.label, taint = excluded.taint, sources = excluded.sources, audit_hash = excluded.audit_hash,
       tokens = excluded.tokens, made = made + 1, updated_at = excluded.updated_at`,
  ).run(
    sessionId,
    summary.throughId,
    summary.text,
    summary.label,
    summary.taint ?? null,
    summary.sources?.length ? JSON.stringify(summary.sources) : null,
    summary.auditHash ?? null,
    summary.tokens,
    now.toISOString(),
  );
}

/** Deletes the session's summary (`pai reset`); whether there was one. */
export function clearSummary(db: Database, sessionId: string): boolean {
  return Number(db.prepare("DELETE FROM summaries WHERE session_id = ?").run(sessionId).changes) > 0;
}

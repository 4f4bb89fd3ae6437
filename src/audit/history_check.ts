/**
 * The history against the audit log. A message of the history, and the session's summary, name the row that first
 * recorded them (their `audit_hash`: a prompt's or tool result's payload hash, an answer's `answerIdentity`) and
 * the files and resources their data came from (`sources`): what a later request that sends them again records as
 * carried. The history is not chained, so `pai audit verify` holds it to what is:
 *
 * - each one made since its session sent its first request row names its row (an answer cut short before the model
 *   said anything, which PAI keeps as an empty one, excepted);
 * - the row it names is in the log (unless a prune removed rows: then it may have gone), or a request row names it;
 * - its sources are those its row recorded, or, for a row that records none (older, or pruned), those of the first
 *   request row that carried it.
 *
 * A change that breaks one of these would hide, from `pai audit where`, the requests that send the message again.
 */
import { createHash } from "node:crypto";
import { redactSecrets } from "../core/redact.ts";
import type { Database } from "../store/db.ts";
import { answerIdentity, type AuditToolCall } from "./events.ts";
import { newestPruneAnchor } from "./prune.ts";

/** What the check found wrong. */
export interface HistoryProblem {
  message: string;
}

/** A stored item that names its row: a message or the session's summary. */
interface Named {
  sessionId: string;
  what: string;
  hash: string | null;
  sources: string | null;
  /** When it was stored (UTC, ISO). */
  at: string;
  /** It may name no row: PAI's own empty answer for a turn cut short (the model said nothing). */
  exempt: boolean;
  /** Its row's sources are its own (a summary's are those of what it summarised: its requests say them). */
  rowSources: boolean;
  /** An answer (or a summary, which is one): named by `answerIdentity`, which a hash-only row cannot give. */
  answer: boolean;
}

/** The first message or summary that is not what the audit log recorded of it; `undefined` when none. */
export function historyProblem(db: Database): HistoryProblem | undefined {
  const { rows, withheld } = recordedRows(db);
  const firstRequest = new Map(
    (db.prepare("SELECT session_id, min(ts) AS ts FROM audit_log WHERE kind = 'request' GROUP BY session_id")
      .all() as { session_id: string; ts: string }[]).map((r) => [r.session_id, r.ts]),
  );
  const pruned = newestPruneAnchor(db) !== undefined;
  const pieces = db.prepare(
    "SELECT audit_id, piece, source FROM audit_carried WHERE hash = ? ORDER BY audit_id, piece, rowid",
  );
  const env = Deno.env.toObject();
  for (const item of named(db)) {
    const since = firstRequest.get(item.sessionId);
    if (item.hash === null) {
      if (!item.exempt && since !== undefined && item.at >= since) {
        return { message: `${item.what} no longer names the row that recorded it` };
      }
      continue;
    }
    const row = rows.get(`${item.sessionId} ${item.hash}`);
    const carried = pieces.all(item.hash) as { audit_id: number; piece: number; source: string | null }[];
    if (!row && !carried.length) {
      const unknowable = item.answer && withheld.has(item.sessionId);
      if (!pruned && !unknowable) return { message: `${item.what} names a row that is not in the log` };
      continue;
    }
    const first = carried.filter((p) => p.audit_id === carried[0]?.audit_id && p.piece === carried[0]?.piece);
    const expected = item.rowSources && row?.sources !== null && row?.sources !== undefined
      ? row.sources
      : first.length
      ? sorted(first.flatMap((p) => p.source === null ? [] : [p.source]))
      : null;
    if (expected === null) continue;
    // As the rows keep them: a part shaped like a secret redacted.
    const kept = item.sources ? (JSON.parse(item.sources) as string[]).map((s) => redactSecrets(s, env)) : [];
    if (sorted(kept) !== expected) {
      return { message: `${item.what} says its data came from other files or resources than the log recorded` };
    }
  }
  return undefined;
}

/** The rows a message can name, by `session hash`, with the sources each recorded (`null`: it records none). */
function recordedRows(db: Database): { rows: Map<string, { sources: string | null }>; withheld: Set<string> } {
  const rows = new Map<string, { sources: string | null }>();
  /** Sessions with answers kept as hashes only (`audit.content: "hash"`): what names them cannot be computed. */
  const withheld = new Set<string>();
  const iterate = db.prepare(
    "SELECT session_id, kind, payload, payload_hash, detail FROM audit_log WHERE kind IN ('prompt', 'tool_result', 'response')",
  ).iterate() as Iterable<
    { session_id: string | null; kind: string; payload: string | null; payload_hash: string; detail: string | null }
  >;
  for (const r of iterate) {
    let detail: { sources?: string[]; toolCalls?: AuditToolCall[] } = {};
    try {
      detail = JSON.parse(r.detail ?? "{}");
    } catch {
      // The chain walk reports a detail that does not parse.
    }
    if (r.kind === "response" && r.payload === null) {
      withheld.add(String(r.session_id));
      continue;
    }
    const hash = r.kind === "response"
      ? createHash("sha256").update(answerIdentity(r.payload ?? "", detail.toolCalls ?? []), "utf8").digest("hex")
      : r.payload_hash;
    const sources = r.kind === "response"
      ? sorted([])
      : Object.hasOwn(detail, "sources")
      ? sorted(detail.sources)
      : null;
    rows.set(`${r.session_id} ${hash}`, { sources });
  }
  return { rows, withheld };
}

/** The history's messages and the sessions' summaries, oldest first. */
function* named(db: Database): Generator<Named> {
  const messages = db.prepare(
    `SELECT id, session_id, role, content, interrupted, tool_calls, sources, audit_hash, created_at
     FROM messages ORDER BY id`,
  ).iterate() as Iterable<{
    id: number;
    session_id: string;
    role: string;
    content: string;
    interrupted: number;
    tool_calls: string | null;
    sources: string | null;
    audit_hash: string | null;
    created_at: string;
  }>;
  for (const m of messages) {
    const what = m.role === "tool" ? "a tool's result" : m.role === "assistant" ? "an answer" : "an input";
    yield {
      sessionId: m.session_id,
      what: `history message ${m.id} (${what}, session ${m.session_id.slice(0, 8)})`,
      hash: m.audit_hash,
      sources: m.sources,
      at: m.created_at,
      exempt: m.role === "assistant" && m.content === "" && m.interrupted === 1 && !m.tool_calls,
      rowSources: true,
      answer: m.role === "assistant",
    };
  }
  const summaries = db.prepare("SELECT session_id, sources, audit_hash, updated_at FROM summaries").all() as {
    session_id: string;
    sources: string | null;
    audit_hash: string | null;
    updated_at: string;
  }[];
  for (const s of summaries) {
    yield {
      sessionId: s.session_id,
      what: `the summary of session ${s.session_id.slice(0, 8)}`,
      hash: s.audit_hash,
      sources: s.sources,
      at: s.updated_at,
      exempt: false,
      rowSources: false,
      answer: true,
    };
  }
}

function sorted(sources: readonly string[] | undefined): string {
  return JSON.stringify([...sources ?? []].sort());
}

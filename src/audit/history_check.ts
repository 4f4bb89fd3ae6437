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

/**
 * The first message or summary that is not what the audit log recorded of it; `undefined` when none. Its memory
 * follows the history, not the log: each item's row is looked up by its index, and the answers of one session at a
 * time are hashed with `sha256`, the walk's own (an answer is named by `answerIdentity`, which no column holds).
 */
export function historyProblem(db: Database, sha256: (text: string) => string): HistoryProblem | undefined {
  const firstRequest = new Map(
    (db.prepare("SELECT session_id, min(ts) AS ts FROM audit_log WHERE kind = 'request' GROUP BY session_id")
      .all() as { session_id: string; ts: string }[]).map((r) => [r.session_id, r.ts]),
  );
  const pruned = newestPruneAnchor(db) !== undefined;
  const pieces = db.prepare(
    "SELECT audit_id, piece, source FROM audit_carried WHERE hash = ? ORDER BY audit_id, piece, rowid",
  );
  const recorded = db.prepare(
    "SELECT detail FROM audit_log WHERE payload_hash = ? AND session_id = ? AND kind IN ('prompt', 'tool_result') LIMIT 1",
  );
  const answers = sessionAnswers(db, sha256);
  const env = Deno.env.toObject();
  for (const item of named(db)) {
    const since = firstRequest.get(item.sessionId);
    if (item.hash === null) {
      if (!item.exempt && since !== undefined && item.at >= since) {
        return { message: `${item.what} no longer names the row that recorded it` };
      }
      continue;
    }
    const row = item.answer
      ? answers.of(item.sessionId).has(item.hash) ? { sources: sorted([]) } : undefined
      : sourcesOf(recorded.get(item.hash, item.sessionId) as { detail: string | null } | undefined);
    const carried = pieces.all(item.hash) as { audit_id: number; piece: number; source: string | null }[];
    if (!row && !carried.length) {
      const unknowable = item.answer && answers.withheld(item.sessionId);
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

/** A prompt's or tool result's recorded sources (`null`: the row records none: it is older than that). */
function sourcesOf(row: { detail: string | null } | undefined): { sources: string | null } | undefined {
  if (!row) return undefined;
  try {
    const detail = JSON.parse(row.detail ?? "{}") as { sources?: string[] };
    return { sources: Object.hasOwn(detail, "sources") ? sorted(detail.sources) : null };
  } catch {
    return { sources: null }; // the chain walk reports a detail that does not parse
  }
}

/** The answers of one session at a time, by what names them; and whether any is kept as a hash only. */
function sessionAnswers(
  db: Database,
  sha256: (text: string) => string,
): { of(sessionId: string): Set<string>; withheld(sessionId: string): boolean } {
  const rows = db.prepare("SELECT payload, detail FROM audit_log WHERE session_id = ? AND kind = 'response'");
  let cached: { sessionId: string; names: Set<string>; withheld: boolean } | undefined;
  const load = (sessionId: string) => {
    if (cached?.sessionId === sessionId) return cached;
    const names = new Set<string>();
    let withheld = false;
    for (const r of rows.iterate(sessionId) as Iterable<{ payload: string | null; detail: string | null }>) {
      // An answer kept as a hash only (`audit.content: "hash"`): what names it cannot be computed.
      if (r.payload === null) {
        withheld = true;
        continue;
      }
      let calls: AuditToolCall[] = [];
      try {
        calls = (JSON.parse(r.detail ?? "{}") as { toolCalls?: AuditToolCall[] }).toolCalls ?? [];
      } catch {
        // As above.
      }
      names.add(sha256(answerIdentity(r.payload, calls)));
    }
    return cached = { sessionId, names, withheld };
  };
  return { of: (id) => load(id).names, withheld: (id) => load(id).withheld };
}

/** The history's messages and the sessions' summaries, oldest first. */
function* named(db: Database): Generator<Named> {
  const messages = db.prepare(
    `SELECT id, session_id, role, content, interrupted, tool_calls, sources, audit_hash, created_at
     FROM messages ORDER BY session_id, id`,
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

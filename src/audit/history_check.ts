/**
 * The history against the audit log. A message of the history names the row that first recorded it (its
 * `audit_hash`), and the files and resources its data came from (`sources`): what a later request that sends it
 * again records as carried. The history is not chained, so `pai audit verify` holds it to the rows that are: a
 * user's input or a tool's result whose hash was cleared, whose row is not in its session, or whose sources are not
 * the ones its row recorded was changed — which would hide, from `pai audit where`, the requests that send it again.
 */
import type { Database } from "../store/db.ts";
import { redactSecrets } from "../core/redact.ts";

/** What the check found wrong with one message. */
export interface HistoryProblem {
  messageId: number;
  message: string;
}

/** A row a message can name (a prompt or a tool result): its session, and the sources it recorded. */
interface Recorded {
  sessionId: string;
  /** `null`: the row says nothing of sources (written before rows recorded them). */
  sources: string | undefined | null;
}

/** The first message of the history that is not what the audit log recorded of it; `undefined` when none. */
export function historyProblem(db: Database): HistoryProblem | undefined {
  const rows = new Map<string, Recorded>();
  /** Each session's tool calls that have a result row (`session callId`). */
  const results = new Set<string>();
  const iterate = db.prepare(
    "SELECT session_id, payload_hash, detail FROM audit_log WHERE kind IN ('prompt', 'tool_result')",
  ).iterate() as Iterable<{ session_id: string | null; payload_hash: string; detail: string | null }>;
  for (const r of iterate) {
    let detail: { sources?: string[]; purpose?: string; callId?: string } = {};
    try {
      detail = JSON.parse(r.detail ?? "{}");
    } catch {
      // The chain walk reports a detail that does not parse.
    }
    if (detail.purpose === "summary") continue;
    if (detail.callId) results.add(`${r.session_id} ${detail.callId}`);
    rows.set(`${r.session_id} ${r.payload_hash}`, {
      sessionId: String(r.session_id),
      sources: Object.hasOwn(detail, "sources") ? sorted(detail.sources) : null,
    });
  }
  const env = Deno.env.toObject();
  /** The sessions and modes whose messages name their rows: from the first that did on, each input and result does. */
  const naming = new Set<string>();
  const messages = db.prepare(
    `SELECT id, session_id, mode, role, tool_call_id, sources, audit_hash FROM messages
     WHERE role IN ('user', 'tool') ORDER BY id`,
  ).iterate() as Iterable<{
    id: number;
    session_id: string;
    mode: string;
    role: string;
    tool_call_id: string | null;
    sources: string | null;
    audit_hash: string | null;
  }>;
  for (const m of messages) {
    const what = m.role === "tool" ? "a tool's result" : "an input";
    const where = `history message ${m.id} (${what}, session ${m.session_id.slice(0, 8)})`;
    const thread = `${m.session_id} ${m.mode}`;
    if (m.audit_hash === null) {
      // An input always names its row once inputs do; a result, whenever its call has one (a call the loop refused
      // itself, a repeated id, has none).
      const hadRow = m.role === "tool" ? results.has(`${m.session_id} ${m.tool_call_id}`) : naming.has(thread);
      if (hadRow) return { messageId: m.id, message: `${where} no longer names the row that recorded it` };
      continue;
    }
    naming.add(thread);
    const row = rows.get(`${m.session_id} ${m.audit_hash}`);
    // A row pruned since, or one from before rows recorded sources, cannot be held to.
    if (!row || row.sources === null) continue;
    // As the rows keep them: a part shaped like a secret redacted.
    const kept = m.sources ? (JSON.parse(m.sources) as string[]).map((s) => redactSecrets(s, env)) : undefined;
    if (sorted(kept) !== row.sources) {
      return {
        messageId: m.id,
        message: `${where} says its data came from other files or resources than its row recorded`,
      };
    }
  }
  return undefined;
}

function sorted(sources: readonly string[] | undefined): string | undefined {
  return sources?.length ? JSON.stringify([...sources].sort()) : undefined;
}

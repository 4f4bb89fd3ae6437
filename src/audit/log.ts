/**
 * The audit log: one append-only row per prompt, response and session event,
 * each carrying the hash of the previous row so that an edit or a deletion
 * anywhere breaks the chain from that row on.
 */
import type { Mode, Usage } from "../core/types.ts";
import type { Database } from "../store/db.ts";

/** What kind of event a row records. More kinds arrive with resources and budgets. */
export type AuditKind =
  | "prompt"
  | "response"
  | "error"
  | "session"
  | "tool_call"
  | "policy_decision"
  | "tool_result";

/** One event to record. */
export interface AuditEntry {
  kind: AuditKind;
  sessionId?: string;
  mode?: Mode;
  provider?: string;
  model?: string;
  usage?: Usage;
  payload: string;
}

/** The hash that the first row chains to. */
export const GENESIS_HASH = "0".repeat(64);

/** SHA-256 in hex, through WebCrypto (`node:crypto` costs ~14 ms of start-up to import). */
async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The OS user PAI runs as (from the environment: no extra permission needed). */
export function osUser(env: (name: string) => string | undefined = (n) => Deno.env.get(n)): string {
  return env("USER") ?? env("LOGNAME") ?? env("USERNAME") ?? "unknown";
}

/** The columns a row's hash covers, in a fixed order (the payload through its hash). */
const CHAINED_COLUMNS = [
  "ts",
  "os_user",
  "session_id",
  "mode",
  "provider",
  "model",
  "kind",
  "input_tokens",
  "output_tokens",
  "payload_hash",
  "prev_hash",
] as const;

type ChainedFields = Record<typeof CHAINED_COLUMNS[number], string | number | null>;

function rowHash(row: ChainedFields): Promise<string> {
  return sha256(JSON.stringify(CHAINED_COLUMNS.map((c) => row[c])));
}

/**
 * Appends one row, chained to the last one. The write lock is taken before
 * the last hash is read, so rows from several processes chain in order.
 */
export async function appendAudit(db: Database, entry: AuditEntry, now = new Date()): Promise<void> {
  const payloadHash = await sha256(entry.payload);
  db.exec("BEGIN IMMEDIATE");
  try {
    const last = db.prepare("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").get();
    const prevHash = typeof last?.hash === "string" ? last.hash : GENESIS_HASH;
    const row: ChainedFields = {
      ts: now.toISOString(),
      os_user: osUser(),
      session_id: entry.sessionId ?? null,
      mode: entry.mode ?? null,
      provider: entry.provider ?? null,
      model: entry.model ?? null,
      kind: entry.kind,
      input_tokens: entry.usage?.inputTokens ?? 0,
      output_tokens: entry.usage?.outputTokens ?? 0,
      payload_hash: payloadHash,
      prev_hash: prevHash,
    };
    const hash = await rowHash(row);
    db.prepare(
      `INSERT INTO audit_log (ts, os_user, session_id, mode, provider, model, kind, input_tokens, output_tokens,
                              payload, payload_hash, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      row.ts,
      row.os_user,
      row.session_id,
      row.mode,
      row.provider,
      row.model,
      row.kind,
      row.input_tokens,
      row.output_tokens,
      entry.payload,
      row.payload_hash,
      row.prev_hash,
      hash,
    );
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}

/** Tokens used so far by a session, from its response rows. */
export function sessionUsage(db: Database, sessionId: string): Usage {
  const row = db.prepare(
    "SELECT coalesce(sum(input_tokens), 0) AS i, coalesce(sum(output_tokens), 0) AS o FROM audit_log WHERE session_id = ?",
  ).get(sessionId);
  return { inputTokens: Number(row?.i ?? 0), outputTokens: Number(row?.o ?? 0) };
}

/** The payload of a session's first `session` row (`pai init` records where it started there), if any. */
export function sessionStartPayload(db: Database, sessionId: string): string | undefined {
  const row = db.prepare("SELECT payload FROM audit_log WHERE session_id = ? AND kind = 'session' ORDER BY id LIMIT 1")
    .get(sessionId);
  return typeof row?.payload === "string" ? row.payload : undefined;
}

/**
 * Re-walks the chain; returns the id of the first row whose hash does not
 * match, or `undefined` when the whole log is intact.
 */
export async function firstBrokenRow(db: Database): Promise<number | undefined> {
  let prev = GENESIS_HASH;
  const rows = db.prepare("SELECT * FROM audit_log ORDER BY id").iterate();
  for (const r of rows) {
    const row = Object.fromEntries(CHAINED_COLUMNS.map((c) => [c, r[c]])) as unknown as ChainedFields;
    const intact = r.prev_hash === prev && await sha256(String(r.payload)) === r.payload_hash &&
      await rowHash(row) === r.hash;
    if (!intact) {
      return Number(r.id);
    }
    prev = String(r.hash);
  }
  return undefined;
}

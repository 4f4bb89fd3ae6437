/**
 * The audit log: one append-only row per typed event (`events.ts`), each
 * carrying the hash of the previous row so that an edit or a deletion
 * anywhere breaks the chain from that row on.
 */
import type { Usage } from "../core/types.ts";
import type { Database } from "../store/db.ts";
import { PaiError } from "../core/errors.ts";
import { type AuditEvent, type AuditLocality, eventOf, storedEvent } from "./events.ts";

export type { AuditEvent, AuditKind } from "./events.ts";

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

/**
 * The columns a row's hash covers, in a fixed order (the payload through its hash). A typed row's `detail`
 * follows them (see {@linkcode rowHash}).
 */
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

type ChainedFields = Record<typeof CHAINED_COLUMNS[number], string | number | null> & { detail: string | null };

/**
 * A row's hash. A row written before events were typed has no `detail` (NULL) and is hashed exactly as it was
 * then, so every old row still verifies; a typed row's hash covers its `detail` as one more value. Setting a
 * typed row's detail to NULL, or giving an old row one, changes what is hashed, so either breaks the chain.
 */
function rowHash(row: ChainedFields): Promise<string> {
  const values = CHAINED_COLUMNS.map((c) => row[c]);
  return sha256(JSON.stringify(row.detail === null ? values : [...values, row.detail]));
}

/** Writes audit rows for one database connection, one at a time. */
export interface AuditSink {
  /** Appends one row, chained to the last one; resolves once it is committed. */
  append(event: AuditEvent, now?: Date): Promise<void>;
}

/** The sink of each open connection: one per connection, so every append on it goes through the same queue. */
const SINKS = new WeakMap<Database, AuditSink>();

/**
 * How many times an append re-hashes after another process appended between
 * its read of the last hash and its write lock. Each retry means another
 * process made progress, so this only runs out under a pathological storm.
 */
const MAX_CHAIN_ATTEMPTS = 100;

/**
 * The sink that serialises the appends made through `db`.
 *
 * @example
 * ```ts
 * await auditSink(db).append({ kind: "prompt", sessionId: "s1", text: "hello" });
 * ```
 */
export function auditSink(db: Database): AuditSink {
  let sink = SINKS.get(db);
  if (!sink) {
    sink = new QueuedSink(db);
    SINKS.set(db, sink);
  }
  return sink;
}

/** Appends one row, chained to the last one, through the connection's {@linkcode auditSink}. */
export function appendAudit(db: Database, event: AuditEvent, now = new Date()): Promise<void> {
  return auditSink(db).append(event, now);
}

class QueuedSink implements AuditSink {
  readonly #db: Database;
  /** The last queued append, settled; the next one starts after it. */
  #tail: Promise<void> = Promise.resolve();

  constructor(db: Database) {
    this.#db = db;
  }

  append(event: AuditEvent, now = new Date()): Promise<void> {
    const done = this.#tail.then(() => this.#write(event, now));
    // A failed append is its caller's error; the appends queued after it still run.
    this.#tail = done.catch(() => {});
    return done;
  }

  /**
   * WebCrypto only hashes asynchronously, and nothing may be awaited while the
   * transaction is open: other code on this connection would run inside it (or
   * fail to begin its own), and other processes would wait on our hashing. So
   * the row is hashed against the last hash read *before* BEGIN IMMEDIATE; once
   * the write lock is held the last hash is read again, and the row is written
   * only if it is unchanged. The queue means it can change only when another
   * process appended in between; then the row is hashed again. Hashing inside
   * the lock would need no retry but holds every process's writes across an
   * await, and a synchronous SHA-256 would mean carrying our own implementation.
   */
  async #write(event: AuditEvent, now: Date): Promise<void> {
    const stored = storedEvent(event);
    const payloadHash = await sha256(stored.payload);
    const fields: Omit<ChainedFields, "prev_hash"> = {
      ts: now.toISOString(),
      os_user: osUser(),
      session_id: event.sessionId ?? null,
      mode: event.mode ?? null,
      provider: event.provider ?? null,
      model: event.model ?? null,
      kind: stored.kind,
      input_tokens: event.usage?.inputTokens ?? 0,
      output_tokens: event.usage?.outputTokens ?? 0,
      payload_hash: payloadHash,
      detail: stored.detail,
    };
    for (let attempt = 0; attempt < MAX_CHAIN_ATTEMPTS; attempt++) {
      const row: ChainedFields = { ...fields, prev_hash: this.#lastHash() };
      const hash = await rowHash(row);
      if (this.#insertIfLast(row, stored.payload, hash)) return;
    }
    throw new PaiError(`Cannot append to the audit log: other processes appended first ${MAX_CHAIN_ATTEMPTS} times`, {
      hint: "Retry once the other pai processes are done",
    });
  }

  #lastHash(): string {
    const last = this.#db.prepare("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").get();
    return typeof last?.hash === "string" ? last.hash : GENESIS_HASH;
  }

  /** Synchronous from BEGIN to COMMIT; false (nothing written) when the chain moved on since `row` was hashed. */
  #insertIfLast(row: ChainedFields, payload: string, hash: string): boolean {
    const db = this.#db;
    // IMMEDIATE takes the write lock (waiting up to the busy timeout) before the last hash is read again.
    db.exec("BEGIN IMMEDIATE");
    try {
      if (this.#lastHash() !== row.prev_hash) {
        db.exec("ROLLBACK");
        return false;
      }
      db.prepare(
        `INSERT INTO audit_log (ts, os_user, session_id, mode, provider, model, kind, input_tokens, output_tokens,
                                payload, detail, payload_hash, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
        payload,
        row.detail,
        row.payload_hash,
        row.prev_hash,
        hash,
      );
      db.exec("COMMIT");
      return true;
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
  }
}

/** Tokens used so far by a session, from its response rows. */
export function sessionUsage(db: Database, sessionId: string): Usage {
  const row = db.prepare(
    "SELECT coalesce(sum(input_tokens), 0) AS i, coalesce(sum(output_tokens), 0) AS o FROM audit_log WHERE session_id = ?",
  ).get(sessionId);
  return { inputTokens: Number(row?.i ?? 0), outputTokens: Number(row?.o ?? 0) };
}

/** Where a session started, as its first `session` row says (an old row may name the URL only). */
export interface SessionStart {
  baseUrl: string;
  locality?: AuditLocality;
}

/**
 * Where a session started: its first `session` row (`pai init` records the start there). A typed row is read
 * from its fields; a row from before events were typed, from the text PAI wrote then.
 */
export function sessionStart(db: Database, sessionId: string): SessionStart | undefined {
  const row = db.prepare("SELECT * FROM audit_log WHERE session_id = ? AND kind = 'session' ORDER BY id LIMIT 1")
    .get(sessionId);
  if (!row) return undefined;
  if (row.detail === null || row.detail === undefined) {
    // Those rows read "session started at URL (locality)"; the locality was never read back from them.
    const baseUrl = typeof row.payload === "string" ? row.payload.match(/^session started at (\S+)/)?.[1] : undefined;
    return baseUrl ? { baseUrl } : undefined;
  }
  const event = eventOf(row);
  return event?.kind === "session" && event.action === "started"
    ? { baseUrl: event.baseUrl, locality: event.locality }
    : undefined;
}

/**
 * Re-walks the chain; returns the id of the first row whose hash does not
 * match, or `undefined` when the whole log is intact.
 */
export async function firstBrokenRow(db: Database): Promise<number | undefined> {
  let prev = GENESIS_HASH;
  const rows = db.prepare("SELECT * FROM audit_log ORDER BY id").iterate();
  for (const r of rows) {
    const row = {
      ...Object.fromEntries(CHAINED_COLUMNS.map((c) => [c, r[c]])),
      // Any value but NULL is hashed as text: an old row given a detail no longer verifies.
      detail: r.detail === null || r.detail === undefined ? null : String(r.detail),
    } as ChainedFields;
    const intact = r.prev_hash === prev && await sha256(String(r.payload)) === r.payload_hash &&
      await rowHash(row) === r.hash;
    if (!intact) {
      return Number(r.id);
    }
    prev = String(r.hash);
  }
  return undefined;
}

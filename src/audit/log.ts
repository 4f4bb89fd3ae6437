/**
 * The audit log: one append-only row per typed event (`events.ts`), each
 * carrying the hash of the previous row (`chain.ts`) so that an edit or a
 * deletion anywhere breaks the chain from that row on. The last row is also
 * named in a file beside the database (`head.ts`), so that deleting the last
 * rows, or swapping the database for another valid chain, shows too.
 */
import type { Usage } from "../core/types.ts";
import type { Database } from "../store/db.ts";
import { PaiError } from "../core/errors.ts";
import { lazyImport } from "../core/lazy_import.ts";
import { type AuditEvent, type AuditLocality, type CarriedPiece, eventOf, storedEvent } from "./events.ts";
import { deleteCarried, indexCarried } from "./carried_index.ts";
import { type ChainedFields, chainedText, GENESIS_HASH, sha256 } from "./chain.ts";
import { type AuditContent, markWithheld, withheldFields } from "./content.ts";
import { advanceAuditHead, type AuditHead, auditHeadPath, hashOfRow } from "./head.ts";
import { pruneEvent, type PruneOutcome, type PrunePlan, prunePlan, samePlan } from "./prune.ts";

export type { AuditEvent, AuditKind } from "./events.ts";
export { GENESIS_HASH };

/** The OS user PAI runs as (from the environment: no extra permission needed). */
export function osUser(env: (name: string) => string | undefined = (n) => Deno.env.get(n)): string {
  return env("USER") ?? env("LOGNAME") ?? env("USERNAME") ?? "unknown";
}

/** A row written: its id, and the SHA-256 of its content (what a request's pieces name it by). */
export interface AppendedRow {
  id: number;
  payloadHash: string;
}

/** Writes audit rows for one database connection, one at a time. */
export interface AuditSink {
  /**
   * Appends one row, chained to the last one, after the rows held (`hold`), all in one commit; resolves once it is
   * committed and the head file names it.
   */
  append(event: AuditEvent, now?: Date): Promise<AppendedRow>;
  /**
   * Keeps a row to be written with the next append on this connection, in the same commit (one fsync, one head-file
   * update, instead of two); resolves to its payload hash, which does not depend on the chain. `flush` writes the rows
   * held when no append follows. For a row that may wait: the prompt, committed with the request that sends it.
   */
  hold(event: AuditEvent, now?: Date): Promise<string>;
  /** Writes the rows held, if any. */
  flush(): Promise<void>;
  /**
   * Appends the user's row that starts a new head file (`pai audit verify --new-head`), and creates the file naming
   * it; an append creates a missing file only for a log it starts.
   */
  startHead(event: AuditEvent, now?: Date): Promise<AppendedRow>;
  /**
   * Carries out a prune (`prune.ts`): planned again under the write lock, never past the rows `plan` removes,
   * with its `prune` row appended in the same transaction. `undefined` when no row is left to remove.
   */
  prune(plan: PrunePlan, now?: Date): Promise<PruneOutcome | undefined>;
}

/** Options for {@linkcode auditSink}. */
export interface AuditSinkOptions {
  /** What the rows keep of each event's content (`audit.content` in config.json; `content.ts`). */
  content?: AuditContent;
  /** The head file; by default the one beside the database file (`head.ts`), none for `null`. */
  headPath?: string | null;
}

/** The sink of each open connection: one per connection, so every append on it goes through the same queue. */
const SINKS = new WeakMap<Database, QueuedSink>();

/**
 * How many times an append re-hashes after another process appended between
 * its read of the last hash and its write lock. Each retry means another
 * process made progress, so this only runs out under a pathological storm.
 */
const MAX_CHAIN_ATTEMPTS = 100;

/**
 * The sink that serialises the appends made through `db`. Options given here apply to every append on the
 * connection from now on (`openState` passes what config.json says).
 *
 * @example
 * ```ts
 * await auditSink(db, { content: "hash" }).append({ kind: "prompt", sessionId: "s1", text: "hello" });
 * ```
 */
export function auditSink(db: Database, options?: AuditSinkOptions): AuditSink {
  let sink = SINKS.get(db);
  if (!sink) {
    sink = new QueuedSink(db);
    SINKS.set(db, sink);
  }
  if (options) sink.configure(options);
  return sink;
}

/** Appends one row, chained to the last one, through the connection's {@linkcode auditSink}. */
export function appendAudit(db: Database, event: AuditEvent, now = new Date()): Promise<AppendedRow> {
  return auditSink(db).append(event, now);
}

/** A row ready to chain: everything but the previous hash. */
interface PreparedRow {
  fields: Omit<ChainedFields, "prev_hash">;
  /** NULL when the content is withheld (`audit.content: "hash"`). */
  payload: string | null;
  costUsd: number | null;
  /** A request's pieces, for the index `pai audit where` reads (`where.ts`). */
  carried?: readonly CarriedPiece[];
}

class QueuedSink implements AuditSink {
  readonly #db: Database;
  #content: AuditContent = "redacted";
  #headPath: string | undefined;
  /** The connection's own `synchronous` setting, put back after each audit transaction. */
  #synchronous: number | undefined;
  /** The last queued operation, settled; the next one starts after it. */
  #tail: Promise<void> = Promise.resolve();
  /** Rows held for the next append's commit, prepared. */
  #held: PreparedRow[] = [];

  constructor(db: Database) {
    this.#db = db;
    this.#headPath = auditHeadPath(db);
  }

  configure(options: AuditSinkOptions): void {
    if (options.content) this.#content = options.content;
    if (options.headPath !== undefined) this.#headPath = options.headPath ?? undefined;
  }

  append(event: AuditEvent, now = new Date()): Promise<AppendedRow> {
    return this.#enqueue(async () => (await this.#write([await this.#prepare(event, now)])).at(-1)!);
  }

  hold(event: AuditEvent, now = new Date()): Promise<string> {
    return this.#enqueue(async () => {
      const prepared = await this.#prepare(event, now);
      this.#held.push(prepared);
      return String(prepared.fields.payload_hash);
    });
  }

  flush(): Promise<void> {
    return this.#enqueue(async () => void await this.#write([]));
  }

  startHead(event: AuditEvent, now = new Date()): Promise<AppendedRow> {
    return this.#enqueue(async () => (await this.#write([await this.#prepare(event, now)], true)).at(-1)!);
  }

  prune(plan: PrunePlan, now = new Date()): Promise<PruneOutcome | undefined> {
    return this.#enqueue(() => this.#prune(plan, now));
  }

  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    const done = this.#tail.then(work);
    // A failed operation is its caller's error; the ones queued after it still run.
    this.#tail = done.then(() => {}, () => {});
    return done;
  }

  /**
   * Writes the rows held and then `rows`, chained in order, in one transaction. WebCrypto only hashes
   * asynchronously, and nothing may be awaited while the transaction is open: other code on this connection would
   * run inside it (or fail to begin its own), and other processes would wait on our hashing. So the rows are hashed
   * against the last hash read *before* BEGIN IMMEDIATE; once the write lock is held the last hash is read again,
   * and the rows are written only if it is unchanged. The queue means it can change only when another process
   * appended in between; then the rows are hashed again. Hashing inside the lock would need no retry but holds every
   * process's writes across an await, and a synchronous SHA-256 would mean carrying our own implementation.
   */
  async #write(rows: PreparedRow[], startHead = false): Promise<AppendedRow[]> {
    const prepared = [...this.#held, ...rows];
    this.#held = [];
    if (!prepared.length) return [];
    for (let attempt = 0; attempt < MAX_CHAIN_ATTEMPTS; attempt++) {
      const first = this.#lastHash();
      const chained: { row: ChainedFields; hash: string }[] = [];
      for (const p of prepared) {
        const row: ChainedFields = { ...p.fields, prev_hash: chained.at(-1)?.hash ?? first };
        chained.push({ row, hash: await sha256(chainedText(row)) });
      }
      const ids: number[] = [];
      this.#transaction(() => {
        if (this.#lastHash() !== first) return 0;
        chained.forEach((c, i) => ids.push(this.#insert(c.row, prepared[i], c.hash)));
        return ids.length;
      });
      if (ids.length) {
        // Only a commit that starts the log (or the user's `--new-head`) creates a missing head file.
        this.#advanceHead({ id: ids.at(-1)!, hash: chained.at(-1)!.hash }, {
          mayCreate: first === GENESIS_HASH || startHead,
        });
        return ids.map((id, i) => ({ id, payloadHash: String(chained[i].row.payload_hash) }));
      }
    }
    throw new PaiError(`Cannot append to the audit log: other processes appended first ${MAX_CHAIN_ATTEMPTS} times`, {
      hint: "Retry once the other pai processes are done",
    });
  }

  /** As an append: planned and hashed before the lock, planned again under it, written only if nothing moved. */
  async #prune(plan: PrunePlan, now: Date): Promise<PruneOutcome | undefined> {
    for (let attempt = 0; attempt < MAX_CHAIN_ATTEMPTS; attempt++) {
      const current = prunePlan(this.#db, plan.before, plan.lastRemovedId);
      if (!current) return undefined;
      const prepared = await this.#prepare(pruneEvent(current), now);
      const row: ChainedFields = { ...prepared.fields, prev_hash: current.prevHash };
      const hash = await sha256(chainedText(row));
      const id = this.#transaction(() => {
        if (!samePlan(prunePlan(this.#db, plan.before, plan.lastRemovedId), current)) return 0;
        this.#db.prepare("DELETE FROM audit_log WHERE id <= ?").run(current.lastRemovedId);
        deleteCarried(this.#db, current.lastRemovedId);
        return this.#insert(row, prepared, hash, current.pruneId);
      });
      if (id) {
        this.#advanceHead({ id, hash }, { prunedThrough: current.lastRemovedId, mayCreate: false });
        return { ...current, hash };
      }
    }
    throw new PaiError(`Cannot prune the audit log: other processes appended first ${MAX_CHAIN_ATTEMPTS} times`, {
      hint: "Retry once the other pai processes are done",
    });
  }

  /** The row's fields, with its content as `audit.content` says to keep it. */
  async #prepare(event: AuditEvent, now: Date): Promise<PreparedRow> {
    const withheld = this.#content === "hash";
    const stored = storedEvent(withheld ? await withheldFields(event) : event);
    return {
      fields: {
        ts: now.toISOString(),
        os_user: osUser(),
        session_id: event.sessionId ?? null,
        mode: event.mode ?? null,
        provider: event.provider ?? null,
        model: event.model ?? null,
        kind: stored.kind,
        input_tokens: event.usage?.inputTokens ?? 0,
        output_tokens: event.usage?.outputTokens ?? 0,
        // The hash of the content is kept whatever is stored of it: whoever holds the text can prove it.
        payload_hash: await sha256(stored.payload),
        detail: withheld ? markWithheld(stored.detail) : stored.detail,
      },
      payload: withheld ? null : stored.payload,
      costUsd: costOf(event),
      ...(event.kind === "request" ? { carried: event.carried } : {}),
    };
  }

  #lastHash(): string {
    const last = this.#db.prepare("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").get();
    return typeof last?.hash === "string" ? last.hash : GENESIS_HASH;
  }

  /**
   * Runs `work` between BEGIN IMMEDIATE and COMMIT, synchronously; a `work` that returns 0 (the chain moved on)
   * is rolled back. IMMEDIATE takes the write lock (waiting up to the busy timeout) before anything is read
   * again. `synchronous = FULL` for these commits only: SQLite then syncs the WAL at each commit, so a committed
   * audit row survives a power cut, not only a crash (the connection's other writes keep its own setting).
   */
  #transaction(work: () => number): number {
    const db = this.#db;
    this.#synchronous ??= Number(db.prepare("PRAGMA synchronous").get()?.synchronous ?? 1);
    db.exec("PRAGMA synchronous = FULL");
    try {
      db.exec("BEGIN IMMEDIATE");
      try {
        const id = work();
        db.exec(id ? "COMMIT" : "ROLLBACK");
        return id;
      } catch (error) {
        db.exec("ROLLBACK");
        throw error;
      }
    } finally {
      db.exec(`PRAGMA synchronous = ${this.#synchronous}`);
    }
  }

  /** Inserts the row (with `id` when the id must be the one planned); returns its id. */
  #insert(row: ChainedFields, prepared: PreparedRow, hash: string, id?: number): number {
    const result = this.#db.prepare(
      `INSERT INTO audit_log (id, ts, os_user, session_id, mode, provider, model, kind, input_tokens, output_tokens,
                              payload, detail, payload_hash, prev_hash, hash, cost_usd)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id ?? null,
      row.ts,
      row.os_user,
      row.session_id,
      row.mode,
      row.provider,
      row.model,
      row.kind,
      row.input_tokens,
      row.output_tokens,
      prepared.payload,
      row.detail,
      row.payload_hash,
      row.prev_hash,
      hash,
      prepared.costUsd,
    );
    const rowId = Number(result.lastInsertRowid);
    if (prepared.carried) indexCarried(this.#db, rowId, prepared.carried);
    return rowId;
  }

  /**
   * After the commit: the head file names the new row, unless another process already named a later one, or
   * the file names a row that is not this log's any more (evidence for `verify`, never overwritten). A head that
   * names a row this prune removed (`prunedThrough`) cannot be compared any more: it was this log's, as the
   * verify that `pai audit prune` runs first showed.
   */
  #advanceHead(next: AuditHead, options: { prunedThrough?: number; mayCreate: boolean }): void {
    const path = this.#headPath;
    if (!path) return;
    const { prunedThrough, mayCreate } = options;
    try {
      advanceAuditHead(path, next, {
        current: (head) =>
          (prunedThrough !== undefined && head.id <= prunedThrough) || hashOfRow(this.#db, head.id) === head.hash,
        mayCreate,
      });
    } catch (error) {
      throw new PaiError(
        `Cannot update the audit log's head file "${path}": ${error instanceof Error ? error.message : error}`,
        {
          hint: `Row ${next.id} is recorded; until the file can be written, "pai audit verify" cannot tell whether ` +
            "the last rows were deleted. Check the folder's permissions and free space",
          cause: error,
        },
      );
    }
  }
}

/**
 * A response row's `cost_usd` column: the event's cost (its `detail` keeps it too, under the chain's hash), or
 * NULL: unknown, or a row of another kind.
 */
function costOf(event: AuditEvent): number | null {
  return event.kind === "response" ? event.costUsd ?? null : null;
}

/** What a session used so far: tokens, and the cost of its answers (`costUsd`). */
export interface SessionUsage extends Usage {
  /** USD of the answers whose cost is known; `null` when none is (a model without a price). */
  costUsd: number | null;
  /** Answers whose cost is unknown (not in `costUsd`). */
  unpricedResponses: number;
}

/** Tokens used so far by a session, from its response rows, and what they cost. */
export function sessionUsage(db: Database, sessionId: string): SessionUsage {
  return usageRows(db, sessionId, "")[0] ?? { inputTokens: 0, outputTokens: 0, costUsd: null, unpricedResponses: 0 };
}

/** What a session used, per provider and model (its main one and those of its roles), most tokens first. */
export function sessionUsageByModel(
  db: Database,
  sessionId: string,
): (SessionUsage & { provider: string; model: string })[] {
  return usageRows(db, sessionId, "GROUP BY provider, model ORDER BY sum(input_tokens + output_tokens) DESC");
}

/** The tokens and cost of a session's answers (only response rows carry them), grouped as `grouping` says. */
function usageRows(db: Database, sessionId: string, grouping: string) {
  return db.prepare(
    `SELECT provider, model, coalesce(sum(input_tokens), 0) AS i, coalesce(sum(output_tokens), 0) AS o,
            sum(cost_usd) AS usd, count(CASE WHEN kind = 'response' AND cost_usd IS NULL THEN 1 END) AS unpriced
     FROM audit_log WHERE session_id = ? AND kind = 'response' ${grouping}`,
  ).all(sessionId).map((row) => ({
    provider: String(row.provider ?? ""),
    model: String(row.model ?? ""),
    inputTokens: Number(row.i ?? 0),
    outputTokens: Number(row.o ?? 0),
    // Rounded to a billionth of a dollar, as each row's cost is: a sum of binary fractions is not.
    costUsd: row.usd === null || row.usd === undefined ? null : Math.round(Number(row.usd) * 1e9) / 1e9,
    unpricedResponses: Number(row.unpriced ?? 0),
  }));
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
 * Re-walks the chain (not the head file: `verify.ts` checks both); returns the id of the first row that is not
 * intact, or `undefined` when every row is.
 */
export async function firstBrokenRow(db: Database): Promise<number | undefined> {
  const { verifyAuditLog } = await lazyImport<typeof import("./verify.ts")>("./verify.ts", import.meta.url);
  return (await verifyAuditLog(db, { headPath: null })).break?.id ?? undefined;
}

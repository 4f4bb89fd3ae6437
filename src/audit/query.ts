/**
 * Reading the audit log: one filter for every command (`pai audit list`, `search`, `stats`, `export`), pages
 * newest first, full-text search over what the rows store (FTS5, migration 12), one row whole with what its hashes
 * say, and a streaming walk for exports (the counts are in `stats.ts`). Nothing here writes: appends are `log.ts`'s.
 *
 * @example
 * ```ts
 * const filter = { kinds: ["tool_call"], since: parseTime("7d", { flag: "--since" }) };
 * const { records, total } = listRecords(db, filter, { limit: 50 });
 * ```
 */
import { clip } from "../core/clip.ts";
import { EXIT, PaiError } from "../core/errors.ts";
import type { Database } from "../store/db.ts";
import { AUDIT_KINDS, type AuditEvent, type AuditKind, type AuditRow, eventOf, summary } from "./events.ts";
import { chainedFieldsOf, chainedText, GENESIS_HASH, isWithheld, sha256 } from "./chain.ts";

export { AUDIT_KINDS };

/** Which rows a command reads; every field narrows, none set means every row. */
export interface AuditFilter {
  /** A session id, or the start of one (the table shows the first 8 characters). */
  session?: string;
  kinds?: readonly AuditKind[];
  /** Rows whose event names this tool (`tool` field: calls, grants, denials, approvals, results, accesses). */
  tool?: string;
  provider?: string;
  /** From this instant on (inclusive). */
  since?: Date;
  /** Before this instant (exclusive). */
  until?: Date;
  /** Rows with an id below this one (the next page, newest first). */
  beforeId?: number;
  /** Rows with an id above this one (the next page, oldest first). */
  afterId?: number;
}

/**
 * A row as `--json` prints it: every column but `detail` (its fields are in `event`), the one-line summary, and
 * the typed event. The keys and their order are stable.
 */
export interface AuditRecord {
  id: number;
  /** When, in UTC, as stored (ISO 8601). */
  ts: string;
  osUser: string;
  sessionId: string | null;
  mode: string | null;
  provider: string | null;
  model: string | null;
  kind: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  /** The line `pai audit list` shows (from the event; for an old row, from its payload). */
  summary: string;
  /** The typed event (`AuditEvent`), content included; `null` for a row written before events were typed. */
  event: AuditEvent | null;
  /** The stored content: what the event's content field holds, or an old row's whole meaning. */
  payload: string | null;
  payloadHash: string;
  prevHash: string;
  hash: string;
}

/** Builds the WHERE clause for `filter` on the audit log named `table` (an alias in a join), with bound values. */
export function whereOf(filter: AuditFilter, table = "audit_log"): { sql: string; params: (string | number)[] } {
  const parts: string[] = [];
  const params: (string | number)[] = [];
  if (filter.session !== undefined) {
    parts.push(`substr(${table}.session_id, 1, ?) = ?`);
    params.push(filter.session.length, filter.session);
  }
  if (filter.kinds?.length) {
    parts.push(`${table}.kind IN (${filter.kinds.map(() => "?").join(", ")})`);
    params.push(...filter.kinds);
  }
  if (filter.tool !== undefined) {
    // CASE, not AND: SQLite does not promise to short-circuit, and json_extract throws on text that is not JSON
    // (an edited row must not make the log unreadable; `pai audit verify` reports it).
    parts.push(`(CASE WHEN json_valid(${table}.detail) THEN json_extract(${table}.detail, '$.tool') END) = ?`);
    params.push(filter.tool);
  }
  if (filter.provider !== undefined) {
    parts.push(`${table}.provider = ?`);
    params.push(filter.provider);
  }
  // Rows store `toISOString()` (UTC, fixed width), so text order is time order.
  if (filter.since) {
    parts.push(`${table}.ts >= ?`);
    params.push(filter.since.toISOString());
  }
  if (filter.until) {
    parts.push(`${table}.ts < ?`);
    params.push(filter.until.toISOString());
  }
  if (filter.beforeId !== undefined) {
    parts.push(`${table}.id < ?`);
    params.push(filter.beforeId);
  }
  if (filter.afterId !== undefined) {
    parts.push(`${table}.id > ?`);
    params.push(filter.afterId);
  }
  return { sql: parts.length ? `WHERE ${parts.join(" AND ")}` : "", params };
}

const LEGACY_SUMMARY = 100;

/**
 * The row's one line: its event's summary; for an old row its text (cut short); for a row PAI cannot read, say so.
 * `event` is the row's, when the caller has it already.
 */
export function summaryOf(row: AuditRow, event: AuditEvent | undefined = eventOf(row)): string {
  if (event) {
    try {
      const line = summary(event);
      // `audit.content: "hash"`: the content field reads empty; say why rather than show an empty prompt.
      return row.payload === null && isWithheld(row.detail)
        ? `${line.trimEnd()} [content not stored: hash only]`
        : line;
    } catch {
      // A detail that parses but lacks its kind's fields (an edited row, or a kind newer than this PAI).
      return `(a ${String(row.kind)} row this PAI cannot read: its detail is not a ${String(row.kind)} event)`;
    }
  }
  if (row.detail !== null && row.detail !== undefined) return "(its detail is not JSON)";
  return clip(String(row.payload ?? ""), LEGACY_SUMMARY);
}

/** A column's text, or `null` for NULL. */
export function textOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** The `--json` form of a row. */
export function recordOf(row: AuditRow): AuditRecord {
  const event = eventOf(row);
  return {
    id: Number(row.id),
    ts: String(row.ts),
    osUser: String(row.os_user),
    sessionId: textOrNull(row.session_id),
    mode: textOrNull(row.mode),
    provider: textOrNull(row.provider),
    model: textOrNull(row.model),
    kind: String(row.kind),
    inputTokens: Number(row.input_tokens ?? 0),
    outputTokens: Number(row.output_tokens ?? 0),
    costUsd: row.cost_usd === null || row.cost_usd === undefined ? null : Number(row.cost_usd),
    summary: summaryOf(row, event),
    event: event ?? null,
    payload: textOrNull(row.payload),
    payloadHash: String(row.payload_hash),
    prevHash: String(row.prev_hash),
    hash: String(row.hash),
  };
}

/** Which end of the log a page starts from. */
export type AuditOrder = "newest" | "oldest";

/** Options for {@linkcode listRecords} and {@linkcode searchRecords}. */
export interface PageOptions {
  /** How many rows at most. */
  limit: number;
  /** Newest first unless told otherwise. */
  order?: AuditOrder;
}

/** A page of rows and how many rows match in all. */
export interface AuditPage {
  records: AuditRecord[];
  total: number;
}

function orderBy(order: AuditOrder | undefined, column: string): string {
  return `ORDER BY ${column} ${order === "oldest" ? "ASC" : "DESC"}`;
}

/** The rows that match `filter`: a page of them (newest first by default), and how many match in all. */
export function listRecords(db: Database, filter: AuditFilter, options: PageOptions): AuditPage {
  const where = whereOf(filter);
  const rows = db.prepare(`SELECT * FROM audit_log ${where.sql} ${orderBy(options.order, "id")} LIMIT ?`)
    .all(...where.params, options.limit);
  const total = db.prepare(`SELECT count(*) AS n FROM audit_log ${where.sql}`).get(...where.params);
  return { records: rows.map(recordOf), total: Number(total?.n ?? 0) };
}

/** A row found by {@linkcode searchRecords}, with a few words around what matched. */
export interface SearchHit {
  record: AuditRecord;
  /** Text around the match; each matched part is between {@linkcode MATCH_START} and {@linkcode MATCH_END}. */
  snippet: string;
}

/** Marks where a match starts in {@linkcode SearchHit.snippet}. */
export const MATCH_START = "\u0002";
/** Marks where a match ends in {@linkcode SearchHit.snippet}. */
export const MATCH_END = "\u0003";

/**
 * The FTS5 query for what a user typed: every word must be there (in the content or the detail), the last one may
 * be the start of a word. A word is quoted, so nothing the user types is FTS5 syntax, and a word with several
 * tokens in it (a path, `fs_read`) matches them in order.
 *
 * @example
 * ```ts
 * ftsQuery('renew pass'); // '"renew" "pass"*'
 * ```
 */
export function ftsQuery(text: string): string {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (!words.length) throw new PaiError("Give the text to search for", { exitCode: EXIT.USAGE });
  return words.map((w, i) => `"${w.replaceAll('"', '""')}"${i === words.length - 1 ? "*" : ""}`).join(" ");
}

/**
 * The rows whose stored content (payload) or detail has every word of `text` (see {@linkcode ftsQuery}), newest
 * first. It reads the index of what the rows store: a row that keeps only a hash of its content is not found by
 * that content.
 */
export function searchRecords(
  db: Database,
  text: string,
  filter: AuditFilter,
  options: PageOptions,
): { hits: SearchHit[]; total: number } {
  const query = ftsQuery(text);
  const where = whereOf(filter, "a");
  const match = where.sql ? `${where.sql} AND audit_fts MATCH ?` : "WHERE audit_fts MATCH ?";
  const from = "FROM audit_fts JOIN audit_log AS a ON a.id = audit_fts.rowid";
  // Ordered by the index's own rowid (not a.id), FTS5 yields its matches newest first and the query stops at the
  // limit, so snippets are made for the rows shown only; sorted afterwards, every match got one (~1 s per 20,000).
  const rows = db.prepare(
    `SELECT a.*, snippet(audit_fts, -1, '${MATCH_START}', '${MATCH_END}', '…', 12) AS snippet
     ${from} ${match} ${orderBy(options.order, "audit_fts.rowid")} LIMIT ?`,
  ).all(...where.params, query, options.limit);
  const hits = rows.map((row) => ({ record: recordOf(row), snippet: String(row.snippet ?? "") }));
  const total = where.sql
    ? db.prepare(`SELECT count(*) AS n ${from} ${match}`).get(...where.params, query)
    : db.prepare("SELECT count(*) AS n FROM audit_fts WHERE audit_fts MATCH ?").get(query);
  return { hits, total: Number(total?.n ?? 0) };
}

/** A row whole, as `pai audit show` prints it: its record, its raw detail, and what its hashes say. */
export interface AuditRowDetail extends AuditRecord {
  /** The event's fields other than the common columns and the content, as stored (JSON text); null in an old row. */
  detail: string | null;
  check: RowCheck;
}

/** What one row's hashes say, short of walking the chain (`pai audit verify` does that, and checks the head). */
export interface RowCheck {
  /**
   * `match`: the SHA-256 of the stored content is its `payload_hash`; `mismatch`: it is not (the content was
   * edited, or cleared); `not_stored`: the row was written keeping only the hash (`audit.content: "hash"`).
   */
  payload: "match" | "mismatch" | "not_stored";
  /** Whether the row's `hash` is the hash of its columns as they are now (any edit of a covered column shows). */
  row: "match" | "mismatch";
  /**
   * `linked`: `prev_hash` is the hash of the row before; `first`: it is the first row, chained to the genesis
   * hash; `broken`: it is not the hash of the row before (a row between was deleted, or one was edited);
   * `unanchored`: no row before it and not the genesis hash (the rows before were pruned or deleted).
   */
  link: "linked" | "first" | "broken" | "unanchored";
  /** The id of the row before it, if any. */
  previousId: number | null;
}

/** One row whole, or `undefined` when there is none with that id. */
export async function showRecord(db: Database, id: number): Promise<AuditRowDetail | undefined> {
  const row = db.prepare("SELECT * FROM audit_log WHERE id = ?").get(id);
  if (!row) return undefined;
  const before = db.prepare("SELECT id, hash FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT 1").get(id);
  const payload = row.payload === null || row.payload === undefined
    ? isWithheld(row.detail) ? "not_stored" : "mismatch"
    : await sha256(String(row.payload)) === row.payload_hash
    ? "match"
    : "mismatch";
  const own = await sha256(chainedText(chainedFieldsOf(row))) === row.hash ? "match" : "mismatch";
  const link = before
    ? before.hash === row.prev_hash ? "linked" : "broken"
    : row.prev_hash === GENESIS_HASH
    ? "first"
    : "unanchored";
  return {
    ...recordOf(row),
    detail: textOrNull(row.detail),
    check: { payload, row: own, link, previousId: before ? Number(before.id) : null },
  };
}

/** The first and last row ids, or `undefined` for an empty log (for "no row 9: the log has rows 1 to 5"). */
export function idRange(db: Database): { first: number; last: number } | undefined {
  const r = db.prepare("SELECT min(id) AS first, max(id) AS last FROM audit_log").get();
  return r?.first === null || r?.first === undefined ? undefined : { first: Number(r.first), last: Number(r.last) };
}

/**
 * Every row that matches, oldest first, one at a time from SQLite (a million rows are never all in memory), as the
 * columns store them.
 */
export function* iterateRows(db: Database, filter: AuditFilter): Generator<AuditRow> {
  const { sql, params } = whereOf(filter);
  yield* db.prepare(`SELECT * FROM audit_log ${sql} ORDER BY id`).iterate(...params);
}

/** Options for {@linkcode parseTime}. */
export interface ParseTimeOptions {
  /** The flag, for the message (`--since`). */
  flag: string;
  /** A bare date means the end of that day (for `--until`: the whole day is included). */
  endOfDay?: boolean;
  now?: Date;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * A time as users type it: `YYYY-MM-DD` (local midnight; with `endOfDay`, the next midnight), an ISO timestamp
 * (`2026-05-01T09:30:00Z`; with no offset it is local time, and a space may stand for the `T`, as the table
 * shows times), or a time ago (`30m`, `24h`, `7d`, `2w`).
 *
 * @example
 * ```ts
 * parseTime("7d", { flag: "--since", now: new Date("2026-05-08T00:00:00Z") }); // 2026-05-01T00:00:00.000Z
 * ```
 */
export function parseTime(text: string, options: ParseTimeOptions): Date {
  const now = options.now ?? new Date();
  const input = text.trim();
  const ago = input.match(/^(\d+)\s*([mhdw])$/);
  if (ago) return new Date(now.getTime() - Number(ago[1]) * UNIT_MS[ago[2]]);
  const day = input.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const date = new Date(y, m - 1, d + (options.endOfDay ? 1 : 0));
    // The Date constructor rolls 2026-02-30 over to March: refuse it rather than search the wrong days.
    const check = new Date(y, m - 1, d);
    if (check.getFullYear() === y && check.getMonth() === m - 1 && check.getDate() === d) return date;
  } else if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(input)) {
    const date = new Date(input.replace(" ", "T").replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new PaiError(
    `Invalid ${options.flag} "${text}": use a date (2026-05-01), an ISO timestamp (2026-05-01T09:30:00Z, ` +
      `local time without an offset) or a time ago (30m, 24h, 7d, 2w)`,
    { exitCode: EXIT.USAGE },
  );
}

/**
 * The kinds named by `--kind` values (each may list several, comma-separated; `tool-call` is `tool_call`).
 * An unknown one is a usage error that lists the kinds.
 */
export function parseKinds(values: readonly string[]): AuditKind[] {
  const kinds: AuditKind[] = [];
  for (const value of values.flatMap((v) => v.split(","))) {
    const name = value.trim().toLowerCase().replaceAll("-", "_");
    if (!name) continue;
    if (!AUDIT_KINDS.includes(name as AuditKind)) {
      throw new PaiError(`Unknown --kind "${value.trim()}": choose from ${AUDIT_KINDS.join(", ")}`, {
        exitCode: EXIT.USAGE,
      });
    }
    if (!kinds.includes(name as AuditKind)) kinds.push(name as AuditKind);
  }
  return kinds;
}

/**
 * Drops what an FTS5 index keeps of deleted rows (a deleted row's words stay in its segments until they are merged):
 * to be run after rows are deleted on purpose (`pai audit prune`), so that pruned content is gone from the index too.
 */
export function compactSearchIndex(db: Database): void {
  db.exec("INSERT INTO audit_fts(audit_fts) VALUES ('optimize')");
}

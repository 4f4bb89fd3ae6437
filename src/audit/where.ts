/**
 * `pai audit where`: every request that carried data from a file, a resource or a text, from the request rows and
 * their index (`carried_index.ts`). A file or resource is found by the sources each piece names (the real paths
 * the tools read, `resource:NAME` for what was attached or read through a resource); a text is found in the rows
 * that recorded content (prompts, tool results, answers), and then in every request that carried those rows —
 * in the turn that recorded them, and each later turn that sent them again from the history.
 *
 * @example
 * ```ts
 * const { flows } = await whereData(db, { kind: "path", paths: ["/home/me/notes.md"], sources: [] }, { limit: 50 });
 * // flows[0]: { requestId: 12, provider: "openai", locality: "remote", via: "tool_result", tool: "fs_read", … }
 * ```
 */
import type { Database } from "../store/db.ts";
import type { Carried, MessageSent, Mode } from "../core/types.ts";
import { lazyImport } from "../core/lazy_import.ts";
import {
  answerIdentity,
  type AuditLocality,
  type AuditToolCall,
  type CarriedPiece,
  eventOf,
  type RequestEvent,
} from "./events.ts";

/** What to look for. */
export type WhereTarget =
  /**
   * Data from files: each of `paths` (a real path, or a folder: everything under it), and the `sources` that name
   * the same data otherwise (`resource:NAME` of a resource registered at it).
   */
  | { kind: "path" | "resource"; paths: readonly string[]; sources: readonly string[] }
  /** A text, as the rows that recorded content store it. */
  | { kind: "text"; text: string };

/** One piece of data that left PAI in one request. */
export interface Flow {
  /** The request row. */
  requestId: number;
  /** When (UTC, ISO), as the row stores it. */
  ts: string;
  sessionId: string | null;
  mode: Mode | null;
  provider: string | null;
  model: string | null;
  baseUrl: string;
  locality: AuditLocality;
  /** `summary` for a request that asked the model to summarise older turns, `plan` for a planner's. */
  purpose?: RequestEvent["purpose"];
  via: Carried["via"];
  /** Sent again from the history of an earlier turn. */
  earlier: boolean;
  sent: MessageSent;
  /** The sources of the piece that matched (all of them, for a text). */
  sources: string[];
  /** The row that recorded the piece's content (`prompt`, `tool_result`, `response`), when it is in the log. */
  origin?: { id: number; kind: string; tool?: string };
  callId?: string;
}

/** Options for {@linkcode whereData}. */
export interface WhereOptions {
  limit: number;
  /** Only requests from then on (UTC ISO). */
  since?: string;
}

/** What {@linkcode whereData} found. */
export interface WhereResult {
  flows: Flow[];
  /** Requests that carried it, in all (the flows are of the newest `limit`). */
  requests: number;
  /** For a text: rows that hold it (its origins). */
  origins?: number;
}

/** The kinds of rows whose content is what a request carries, as SQL. */
const CONTENT_KINDS = "'prompt', 'tool_result', 'response'";

/** Every request that carried the target, newest first: one flow per matching piece, of the newest `limit`. */
export async function whereData(db: Database, target: WhereTarget, options: WhereOptions): Promise<WhereResult> {
  const match = target.kind === "text" ? await textMatch(db, target.text) : sourceMatch(target);
  // Each look-up is one range of an index of audit_carried; the requests are gathered here, not by an OR or an IN
  // over a subquery, which SQLite answers by scanning the whole index.
  const join = options.since ? " JOIN audit_log AS a ON a.id = c.audit_id" : "";
  const since = options.since ? " AND a.ts >= ?" : "";
  const requests = new Set<number>();
  for (const lookup of match.lookups) {
    const rows = db.prepare(`SELECT c.audit_id AS id FROM audit_carried AS c${join} WHERE (${lookup.sql})${since}`)
      .all(...lookup.params, ...options.since ? [options.since] : []) as { id: number }[];
    for (const { id } of rows) requests.add(id);
  }
  const newest = [...requests].sort((a, b) => b - a).slice(0, options.limit);
  const row = db.prepare("SELECT * FROM audit_log WHERE id = ?");
  // The nearest row before the request that recorded the content: the same content read twice names two rows,
  // and the request carried the one recorded last (an earlier turn's, sent again, has no later twin in between
  // unless the same content was recorded again, which is then as true an answer).
  const origin = db.prepare(
    `SELECT id, kind, detail FROM audit_log WHERE payload_hash = ? AND id < ? AND kind IN (${CONTENT_KINDS})
     ORDER BY id DESC LIMIT 1`,
  );
  const flows = newest.flatMap((id) => flowsOf(row.get(id)!, match.piece, origin));
  return { flows, requests: requests.size, ...(match.origins === undefined ? {} : { origins: match.origins }) };
}

/** How the index is searched, and which pieces of a request row match. */
interface Match {
  /** Conditions on audit_carried (`c`), each answered by one of its indexes. */
  lookups: { sql: string; params: string[] }[];
  piece: (p: CarriedPiece) => string[] | undefined;
  origins?: number;
}

/** Pieces whose sources name a path (or one under it, for a folder) or one of the other sources. */
function sourceMatch(target: { paths: readonly string[]; sources: readonly string[] }): Match {
  const paths = target.paths.map((p) => p.replace(/(?<=.)\/+$/, ""));
  const lookups = [
    ...paths.flatMap((p) => [
      { sql: "c.source = ?", params: [p] },
      // A folder's contents sort between "folder/" and "folder0" ("0" follows "/"): one range of the index.
      { sql: "c.source >= ? AND c.source < ?", params: [under(p), `${under(p).slice(0, -1)}0`] },
    ]),
    ...target.sources.map((source) => ({ sql: "c.source = ?", params: [source] })),
  ];
  const matches = (source: string) =>
    target.sources.includes(source) || paths.some((p) => source === p || source.startsWith(under(p)));
  return {
    lookups,
    piece: (p) => {
      const hit = p.sources?.filter(matches);
      return hit?.length ? hit : undefined;
    },
  };
}

function under(path: string): string {
  return path.endsWith("/") ? path : `${path}/`;
}

/** Hashes per look-up: well under SQLite's limit of bound parameters. */
const HASHES_PER_LOOKUP = 500;

/**
 * Pieces that name a row holding the text: a prompt, a tool result or an answer (its text, or its tool calls'
 * arguments: what the model copies into a call is sent again with it). The full-text index finds the rows that may
 * hold it (each word, as written or glued to the letter of a JSON escape, `\n128` for a line break before "128"),
 * then each is held to the text itself: as stored and with JSON escapes undone (a tool result is JSON), case
 * aside (Unicode's), and any run of white space as one space. Rows that keep only a hash of their content
 * (`audit.content: "hash"`) cannot be found by a text.
 */
async function textMatch(db: Database, text: string): Promise<Match> {
  const needle = comparable(text);
  const words = needle.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  // A word glued to an escape's letter is one token to the index: each word is also looked for so.
  const term = (w: string, last: boolean) => {
    const q = (t: string) => `"${t.replaceAll('"', '""')}"${last ? "*" : ""}`;
    return `(${[w, `n${w}`, `t${w}`, `r${w}`].map(q).join(" OR ")})`;
  };
  if (!words.length) return { lookups: [], piece: () => undefined, origins: 0 };
  const query = words.map((w, i) => term(w, i === words.length - 1)).join(" AND ");
  const rows = db.prepare(
    `SELECT a.kind, a.payload, a.detail, a.payload_hash AS hash FROM audit_fts JOIN audit_log AS a ON a.id = audit_fts.rowid
     WHERE audit_fts MATCH ? AND a.kind IN (${CONTENT_KINDS})`,
  ).all(`{payload detail} : ${query}`) as {
    kind: string;
    payload: string | null;
    detail: string | null;
    hash: string;
  }[];
  // An answer is named by its text and calls together (`answerIdentity`); a prompt or a result by its payload hash.
  // (`node:crypto` loads only for a text: ~14 ms of start-up that a file or a resource never needs.)
  const { createHash } = await lazyImport<typeof import("node:crypto")>("node:crypto");
  const named = (r: (typeof rows)[number]) => r.kind === "response" ? answerHash(r, createHash) : r.hash;
  const hashes = [...new Set(rows.filter((r) => holds(r, needle)).map(named))];
  const found = new Set(hashes);
  const lookups = [];
  for (let at = 0; at < hashes.length; at += HASHES_PER_LOOKUP) {
    const part = hashes.slice(at, at + HASHES_PER_LOOKUP);
    lookups.push({ sql: `c.hash IN (${part.map(() => "?").join(", ")})`, params: part });
  }
  return {
    lookups,
    piece: (p) => p.hash && found.has(p.hash) ? p.sources ?? [] : undefined,
    origins: found.size,
  };
}

/** What names an answer's row in the requests that send it again (`answerIdentity`), from its columns. */
function answerHash(
  row: { payload: string | null; detail: string | null },
  createHash: typeof import("node:crypto").createHash,
): string {
  let calls: AuditToolCall[] = [];
  try {
    calls = (JSON.parse(row.detail ?? "{}") as { toolCalls?: AuditToolCall[] }).toolCalls ?? [];
  } catch {
    // As in `holds`.
  }
  return createHash("sha256").update(answerIdentity(row.payload ?? "", calls), "utf8").digest("hex");
}

/** Whether a content row holds the text: its content, or an answer's tool-call arguments. */
function holds(row: { kind: string; payload: string | null; detail: string | null }, needle: string): boolean {
  const texts = [row.payload ?? ""];
  if (row.kind === "response" && row.detail) {
    try {
      const calls = (JSON.parse(row.detail) as { toolCalls?: { arguments?: unknown }[] }).toolCalls ?? [];
      texts.push(...calls.map((c) => String(c.arguments ?? "")));
    } catch {
      // A detail that does not parse holds no arguments to search (verify reports the row).
    }
  }
  return texts.some((t) => comparable(t).includes(needle) || comparable(unescapeJson(t)).includes(needle));
}

/** A text as `where` compares it: lower case (Unicode's), each run of white space one space, trimmed. */
function comparable(text: string): string {
  return text.toLowerCase().replace(/\s+/gu, " ").trim();
}

/** The text with JSON string escapes undone (`\n`, `\"`, `\u00e4` …), as a tool result's JSON held it. */
function unescapeJson(text: string): string {
  return text.replace(/\\(?:u([0-9a-fA-F]{4})|(["\\/bfnrt]))/g, (_, hex: string | undefined, c: string | undefined) => {
    if (hex) return String.fromCharCode(parseInt(hex, 16));
    return ({ b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" } as Record<string, string>)[c!] ?? c!;
  });
}

/** The flows of one request row: its matching pieces, with the rows that recorded them. */
function flowsOf(
  row: Record<string, unknown>,
  piece: Match["piece"],
  origin: ReturnType<Database["prepare"]>,
): Flow[] {
  const event = eventOf(row);
  if (event?.kind !== "request") return [];
  return event.carried.flatMap((p) => {
    const sources = piece(p);
    if (!sources) return [];
    const found = p.hash ? origin.get(p.hash, Number(row.id)) : undefined;
    const tool = found?.kind === "tool_result" ? toolOf(found.detail) : undefined;
    return [{
      requestId: Number(row.id),
      ts: String(row.ts),
      sessionId: event.sessionId ?? null,
      mode: event.mode ?? null,
      provider: event.provider ?? null,
      model: event.model ?? null,
      baseUrl: event.baseUrl,
      locality: event.locality,
      ...(event.purpose ? { purpose: event.purpose } : {}),
      via: p.via,
      earlier: p.earlier === true,
      sent: p.sent,
      sources,
      ...(found ? { origin: { id: Number(found.id), kind: String(found.kind), ...(tool ? { tool } : {}) } } : {}),
      ...(p.callId ? { callId: p.callId } : {}),
    }];
  });
}

function toolOf(detail: unknown): string | undefined {
  try {
    const tool = (JSON.parse(String(detail)) as { tool?: unknown }).tool;
    return typeof tool === "string" ? tool : undefined;
  } catch {
    return undefined;
  }
}

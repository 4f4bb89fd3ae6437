/**
 * How `pai audit` shows rows in a terminal: the table (local time, short session ids, cut to the terminal's width,
 * dropping the less telling columns first), one row whole, a search's snippets, the counts. Every cell and value
 * goes through `inline` (through `tableLines` or the `line` tag) and the content through `neutralizeControls`: rows
 * hold what models and tools chose.
 */
import { type AuditRecord, type AuditRowDetail, MATCH_END, MATCH_START } from "../audit/query.ts";
import type { AuditStats } from "../audit/stats.ts";
import { inline, line, neutralizeControls } from "../ui/sanitize.ts";
import { tableLines } from "../ui/table.ts";

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/** `2026-05-01 14:03:22`, in the local time zone (rows store UTC). */
export function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** A session id as the table shows it: its first 8 characters, which `--session` takes. */
function shortSession(id: string | null): string {
  return id ? id.slice(0, 8) : "-";
}

function modelOf(r: AuditRecord): string {
  if (!r.provider && !r.model) return "-";
  return `${r.provider ?? "?"}/${r.model ?? "?"}`;
}

function tokensOf(r: AuditRecord): string {
  return r.inputTokens || r.outputTokens ? `${r.inputTokens}/${r.outputTokens}` : "";
}

const HEADER = ["ID", "TIME", "SESSION", "MODE", "PROVIDER/MODEL", "KIND", "IN/OUT", "SUMMARY"];

function cells(r: AuditRecord): string[] {
  return [
    String(r.id),
    localTime(r.ts),
    shortSession(r.sessionId),
    r.mode ?? "-",
    modelOf(r),
    r.kind,
    tokensOf(r),
    r.summary,
  ];
}

/** Cuts a line (already neutralised) to `columns` characters, marking the cut. */
function fit(text: string, columns: number | undefined): string {
  if (!columns) return text;
  const chars = Array.from(text);
  return chars.length <= columns ? text : `${chars.slice(0, Math.max(1, columns - 1)).join("")}…`;
}

/** The columns a narrow terminal drops first, so that what happened (the summary) keeps room. */
const DROPPED_FIRST = ["IN/OUT", "PROVIDER/MODEL", "MODE", "SESSION"];
/** The summary's room, in characters, that a terminal's width must leave before columns are dropped. */
const SUMMARY_ROOM = 32;

/** The indexes of the columns to show at `width` (all of them in a pipe, where lines are not cut). */
function shownColumns(rows: readonly string[][], width: number | undefined): number[] {
  let keep = HEADER.map((_, i) => i);
  if (!width) return keep;
  for (const name of [undefined, ...DROPPED_FIRST]) {
    if (name) keep = keep.filter((i) => HEADER[i] !== name);
    const before = tableLines(rows.map((row) => keep.slice(0, -1).map((i) => row[i])));
    if (Math.max(...before.map((l) => l.length)) + 2 + SUMMARY_ROOM <= width) break;
  }
  return keep;
}

/** Options for {@linkcode tableText}. */
export interface TextOptions {
  /** The terminal's width (`terminalColumns` in `ui/output.ts`); lines are cut to it. None: whole lines, for a pipe. */
  width?: number;
  /** Lines to write under row `i` (a search's snippets). */
  after?: (i: number) => string | undefined;
}

/** Options for {@linkcode snippetLine}. */
export interface SnippetOptions {
  width?: number;
  /** Mark matches in bold (`useColor`) rather than between « and ». */
  color?: boolean;
}

/** The rows as a table, with `after(i)` lines under row `i` (a search's snippets); cut to a terminal's width. */
export function tableText(records: readonly AuditRecord[], options: TextOptions = {}): string {
  const { width, after } = options;
  const rows = [HEADER, ...records.map(cells)];
  const keep = shownColumns(rows, width);
  const lines = tableLines(rows.map((row) => keep.map((i) => row[i])));
  let text = `${fit(lines[0], width)}\n`;
  records.forEach((_, i) => {
    text += `${fit(lines[i + 1], width)}\n`;
    const extra = after?.(i);
    if (extra !== undefined) text += `${extra}\n`;
  });
  return text;
}

/** `1 row`, `2 rows`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

const PAYLOAD_CHECK: Record<AuditRowDetail["check"]["payload"], string> = {
  match: "matches the content",
  mismatch: "DOES NOT MATCH the content: it was changed after it was written",
  not_stored: "the content is not stored, only this hash",
};

const ROW_CHECK: Record<AuditRowDetail["check"]["row"], string> = {
  match: "matches the row's columns",
  mismatch: "DOES NOT MATCH the row's columns: the row was changed after it was written",
};

function linkText(row: AuditRowDetail): string {
  const before = row.check.previousId;
  switch (row.check.link) {
    case "linked":
      return `the hash of row ${before}, the row before`;
    case "first":
      return "the genesis hash: the first row of the log";
    case "broken":
      return `NOT the hash of row ${before}, the row before: a row between was deleted, or one was changed`;
    case "unanchored":
      return "no row before it: the rows before were pruned or deleted";
    default:
      return row.check.link satisfies never;
  }
}

/** The event's own fields (the detail), one line each; objects as JSON. */
function eventFields(detail: string | null): string[][] | string {
  if (detail === null) return "none (a row written before events were typed: its content says what it was)";
  let parsed: unknown;
  try {
    parsed = JSON.parse(detail);
  } catch {
    return `not JSON: ${detail}`;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return `not an object: ${detail}`;
  const entries = Object.entries(parsed);
  if (!entries.length) return "none";
  return entries.map(([key, value]) => [`  ${key}`, typeof value === "string" ? value : JSON.stringify(value)]);
}

/** `pai audit show` as text. */
export function showText(row: AuditRowDetail): string {
  const rows: string[][] = [
    ["id", String(row.id)],
    ["time", `${localTime(row.ts)} local time (${row.ts})`],
    ["os user", row.osUser],
    ["session", row.sessionId ?? "-"],
    ["mode", row.mode ?? "-"],
    ["provider", row.provider ?? "-"],
    ["model", row.model ?? "-"],
    ["kind", row.kind],
    ["tokens", `${row.inputTokens} in, ${row.outputTokens} out`],
    ["cost", row.costUsd === null ? "not recorded" : `${row.costUsd} USD`],
    ["summary", row.summary],
    ["payload hash", `${row.payloadHash}: ${PAYLOAD_CHECK[row.check.payload]}`],
    ["prev hash", `${row.prevHash}: ${linkText(row)}`],
    ["hash", `${row.hash}: ${ROW_CHECK[row.check.row]} (the whole chain: pai audit verify)`],
  ];
  const fields = eventFields(row.detail);
  let text = tableLines(rows).join("\n") + "\n\n";
  if (typeof fields === "string") text += line`event fields: ${fields}\n`;
  else text += `event fields:\n${tableLines(fields).join("\n")}\n`;
  if (row.payload === null) return `${text}\ncontent: not stored (only its hash)\n`;
  if (!row.payload) return `${text}\ncontent: none\n`;
  const content = neutralizeControls(row.payload);
  text += `\ncontent (${plural(row.payload.length, "character")}):\n${content}`;
  return content.endsWith("\n") ? text : `${text}\n`;
}

/**
 * A snippet with its matches marked: bold where colour is allowed, else between « and ». Cut to the terminal's
 * width before it is styled, so a cut never splits PAI's own escape sequence.
 */
export function snippetLine(snippet: string, options: SnippetOptions = {}): string {
  const color = options.color ?? false;
  let room = (options.width ?? Infinity) - 5;
  let text = "    ";
  let inMatch = false;
  for (const part of snippet.split(new RegExp(`([${MATCH_START}${MATCH_END}])`))) {
    if (part === MATCH_START) inMatch = true;
    else if (part === MATCH_END) inMatch = false;
    else if (part && room > 0) {
      const chars = Array.from(inline(part));
      const shown = chars.slice(0, room).join("");
      room -= chars.length + (inMatch && !color ? 2 : 0);
      text += !inMatch ? shown : color ? `\x1b[1m${shown}\x1b[22m` : `«${shown}»`;
      if (room < 0) text += "…";
    }
  }
  return text;
}

/** A table's text, each line ended. */
function table(rows: readonly (readonly string[])[]): string {
  return tableLines(rows).map((l) => `${l}\n`).join("");
}

/** `pai audit stats` as text: the totals, then a table per kind, per provider and model, and per session. */
export function statsText(s: AuditStats): string {
  if (!s.rows) return "No audit rows match.\n";
  const cost = s.costUsd === null
    ? "not recorded"
    : `${s.costUsd} USD (${plural(s.rowsWithCost, "row")} with a cost recorded)`;
  const top = s.bySession.length < s.sessions ? ` (the ${s.bySession.length} with the most rows)` : "";
  return [
    table([
      ["rows", String(s.rows)],
      ["from", `${localTime(s.first!)} to ${localTime(s.last!)} (local time)`],
      ["sessions", String(s.sessions)],
      ["tokens", `${s.inputTokens} in, ${s.outputTokens} out`],
      ["cost", cost],
    ]),
    table([["KIND", "ROWS"], ...s.byKind.map((k) => [k.kind, String(k.rows)])]),
    table([
      ["PROVIDER/MODEL", "ROWS", "IN", "OUT"],
      ...s.byModel.map((m) => [
        m.provider || m.model ? `${m.provider ?? "?"}/${m.model ?? "?"}` : "-",
        String(m.rows),
        String(m.inputTokens),
        String(m.outputTokens),
      ]),
    ]),
    table([
      [`SESSION${top}`, "ROWS", "IN", "OUT", "FIRST", "LAST"],
      ...s.bySession.map((x) => [
        x.sessionId ?? "-",
        String(x.rows),
        String(x.inputTokens),
        String(x.outputTokens),
        localTime(x.first),
        localTime(x.last),
      ]),
    ]),
  ].join("\n");
}

/**
 * `pai audit list|show|search|stats|export`: the audit log read back, as a table in local time, as stable JSON, or
 * as an export of the stored columns. Every text a row holds may have been chosen by a model or a tool (a prompt,
 * an answer, a path, an argument, an error message), so what reaches the terminal is neutralised: table cells and
 * lines through `line`/`inline` (`audit_text.ts`), the content through `neutralizeControls`, JSON through
 * `jsonForTerminal`.
 */
import type { CommandContext } from "@stricli/core";
import { EXPORT_FORMATS, type ExportFormat, exportLines } from "../audit/export.ts";
import {
  type AuditFilter,
  type AuditOrder,
  idRange,
  iterateRows,
  listRecords,
  parseKinds,
  parseTime,
  searchRecords,
  showRecord,
} from "../audit/query.ts";
import { auditStats } from "../audit/stats.ts";
import { EXIT, PaiError } from "../core/errors.ts";
import { paiPaths } from "../core/paths.ts";
import { type Database, openDatabase } from "../store/db.ts";
import { currentSession } from "../store/sessions.ts";
import { stdout, terminalColumns, useColor } from "../ui/output.ts";
import { jsonForTerminal, line, neutralizeControls } from "../ui/sanitize.ts";
import { plural, showText, snippetLine, statsText, tableText } from "./audit_text.ts";

/** The flags that choose rows, shared by `list`, `search` and `export` (`stats` takes the times). */
export interface FilterFlags {
  session?: string;
  kind?: string[];
  tool?: string;
  provider?: string;
  since?: string;
  until?: string;
}

/** Flags of `pai audit list`. */
export interface ListFlags extends FilterFlags {
  limit: number;
  order: AuditOrder;
  beforeId?: number;
  afterId?: number;
  json: boolean;
}

/** Flags of `pai audit search`. */
export interface SearchFlags extends FilterFlags {
  limit: number;
  json: boolean;
}

/** Flags of `pai audit show`. */
export interface ShowFlags {
  json: boolean;
}

/** Flags of `pai audit stats`. */
export interface StatsFlags {
  since?: string;
  until?: string;
  top: number;
  json: boolean;
}

/** Flags of `pai audit export`. */
export interface ExportFlags extends FilterFlags {
  format: ExportFormat;
}

/** The state database, without the config: reading the log must work even when config.json does not parse. */
function openLog(): Database {
  return openDatabase(paiPaths().dataDir);
}

/** Runs `work` on the database and closes it. */
async function withLog<T>(work: (db: Database) => T | Promise<T>): Promise<T> {
  const db = openLog();
  try {
    return await work(db);
  } finally {
    db.close();
  }
}

/** The filter the flags describe; a flag that does not parse is a usage error saying what it takes. */
function filterOf(db: Database, flags: FilterFlags, now = new Date()): AuditFilter {
  const since = flags.since === undefined ? undefined : parseTime(flags.since, { flag: "--since", now });
  const until = flags.until === undefined
    ? undefined
    : parseTime(flags.until, { flag: "--until", endOfDay: true, now });
  if (since && until && since >= until) {
    throw new PaiError(`--since "${flags.since}" is not before --until "${flags.until}": no row can match`, {
      exitCode: EXIT.USAGE,
    });
  }
  const kinds = flags.kind?.length ? parseKinds(flags.kind) : undefined;
  return {
    session: flags.session === undefined ? undefined : sessionOf(db, flags.session),
    kinds,
    tool: flags.tool,
    provider: flags.provider,
    since,
    until,
  };
}

/** `current` is the current session's id; anything else is an id or the start of one. */
function sessionOf(db: Database, value: string): string {
  if (value !== "current") {
    if (!value.trim()) {
      throw new PaiError("--session is empty: give a session id, or current", { exitCode: EXIT.USAGE });
    }
    return value;
  }
  const session = currentSession(db);
  if (!session) {
    throw new PaiError("--session current: there is no current session", {
      exitCode: EXIT.USAGE,
      hint: 'Give a session id ("pai audit stats" lists the sessions with the most rows)',
    });
  }
  return session.id;
}

/** JSON on one line, safe for a terminal, parsing back to exactly `value`. */
function writeJson(value: unknown): void {
  stdout.write(`${jsonForTerminal(JSON.stringify(value))}\n`);
}

/** Lists rows, newest first (or oldest first), with how many more match. */
export async function list(this: CommandContext, flags: ListFlags): Promise<void> {
  await withLog((db) => {
    const filter = { ...filterOf(db, flags), beforeId: flags.beforeId, afterId: flags.afterId };
    const { records, total } = listRecords(db, filter, { limit: flags.limit, order: flags.order });
    const more = total - records.length;
    if (flags.json) {
      writeJson({ rows: records, total, more });
      return;
    }
    if (!records.length) {
      stdout.write(total ? "No rows on this page.\n" : "No audit rows match.\n");
      return;
    }
    stdout.write(tableText(records, { width: terminalColumns(stdout) }));
    if (more > 0) {
      const last = records[records.length - 1].id;
      const next = flags.order === "oldest" ? `--after-id ${last}` : `--before-id ${last}`;
      stdout.write(
        `${flags.order === "oldest" ? "Oldest" : "Newest"} ${records.length} of ${total} rows; ` +
          `${plural(more, "more row")}: add ${next} for the next page, or raise --limit\n`,
      );
    }
  });
}

/** Shows one row whole: every column, the event's fields, the content, and what its hashes say. */
export async function show(this: CommandContext, flags: ShowFlags, id: number): Promise<void> {
  await withLog(async (db) => {
    const row = await showRecord(db, id);
    if (!row) {
      const range = idRange(db);
      throw new PaiError(
        range ? `No audit row ${id}: the log has rows ${range.first} to ${range.last}` : "The audit log is empty",
        { exitCode: EXIT.USAGE, hint: '"pai audit list" shows the rows with their ids' },
      );
    }
    if (flags.json) {
      writeJson(row);
      return;
    }
    stdout.write(showText(row));
  });
}

/** Searches the stored content and detail (FTS5), newest first. */
export async function search(this: CommandContext, flags: SearchFlags, ...words: string[]): Promise<void> {
  await withLog((db) => {
    const text = words.join(" ");
    const { hits, total } = searchRecords(db, text, filterOf(db, flags), { limit: flags.limit });
    const more = total - hits.length;
    if (flags.json) {
      writeJson({ rows: hits.map((h) => h.record), total, more });
      return;
    }
    if (!hits.length) {
      stdout.write(line`No audit rows hold ${JSON.stringify(text)}.\n`);
      return;
    }
    const width = terminalColumns(stdout);
    const snippets = { width, color: useColor(stdout) };
    const after = (i: number) => snippetLine(hits[i].snippet, snippets);
    stdout.write(tableText(hits.map((h) => h.record), { width, after }));
    if (more > 0) {
      stdout.write(`Newest ${hits.length} of ${total} rows found; ${plural(more, "more row")}: raise --limit\n`);
    }
  });
}

/** Counts per kind, per provider and model, per session; tokens and the time span. */
export async function stats(this: CommandContext, flags: StatsFlags): Promise<void> {
  await withLog((db) => {
    const s = auditStats(db, filterOf(db, { since: flags.since, until: flags.until }), { top: flags.top });
    if (flags.json) {
      writeJson(s);
      return;
    }
    stdout.write(statsText(s));
  });
}

/**
 * Writes the rows, oldest first, as JSON lines or CSV, streamed from SQLite. JSON lines parse to the stored values
 * exactly; CSV is exact when written to a file or a pipe, and neutralised when stdout is a terminal.
 */
export async function exportRows(this: CommandContext, flags: ExportFlags): Promise<void> {
  if (!EXPORT_FORMATS.includes(flags.format)) {
    throw new PaiError(`Invalid --format "${flags.format}": choose one of ${EXPORT_FORMATS.join(", ")}`, {
      exitCode: EXIT.USAGE,
    });
  }
  await withLog((db) => {
    const rows = iterateRows(db, filterOf(db, flags));
    const toTerminal = stdout.isTerminal;
    for (const chunk of exportLines(rows, flags.format)) {
      stdout.write(
        flags.format === "jsonl" ? jsonForTerminal(chunk) : toTerminal ? neutralizeControls(chunk) : chunk,
      );
    }
  });
}

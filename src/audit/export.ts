/**
 * `pai audit export`: rows as the columns store them, one line (or CSV record) at a time, so that another program
 * can read the log, or check its hashes, without PAI. The columns and their order are stable.
 *
 * @example
 * ```ts
 * for (const text of exportLines(iterateRows(db, {}), "csv")) out.write(text);
 * ```
 */
import type { AuditRow } from "./events.ts";
import { summaryOf } from "./query.ts";

/** What `--format` takes. */
export const EXPORT_FORMATS = ["jsonl", "csv"] as const;
export type ExportFormat = typeof EXPORT_FORMATS[number];

/**
 * The stored columns, in their order in every export, then `summary`, the line `pai audit list` shows. Values are
 * exactly as stored (`detail` is the JSON text the row's hash covers), so the hashes can be checked from an export.
 */
export const EXPORT_COLUMNS = [
  "id",
  "ts",
  "os_user",
  "session_id",
  "mode",
  "provider",
  "model",
  "kind",
  "input_tokens",
  "output_tokens",
  "cost_usd",
  "payload",
  "payload_hash",
  "prev_hash",
  "hash",
  "detail",
  "summary",
] as const;

type ExportValue = string | number | null;

/** The line `pai audit list` shows, or `null` for a row written before events were typed (its payload says it). */
function summaryOrNull(row: AuditRow): string | null {
  return row.detail === null || row.detail === undefined ? null : summaryOf(row);
}

/** A row's values in {@linkcode EXPORT_COLUMNS} order. */
export function exportValues(row: AuditRow): ExportValue[] {
  return EXPORT_COLUMNS.map((column) => {
    if (column === "summary") return summaryOrNull(row);
    const value = row[column];
    if (value === null || value === undefined) return null;
    return typeof value === "number" || typeof value === "bigint" ? Number(value) : String(value);
  });
}

/**
 * One CSV field as RFC 4180 has it: quoted when it holds a comma, a quote, CR or LF (or starts or ends with a space,
 * which some readers trim), a quote doubled inside; `null` is an empty field.
 */
export function csvField(value: ExportValue): string {
  if (value === null) return "";
  const text = String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record, ended by CRLF (RFC 4180). */
export function csvRecord(values: readonly ExportValue[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}

/** One JSON line: an object with {@linkcode EXPORT_COLUMNS} as keys, in order. */
export function jsonLine(row: AuditRow): string {
  const values = exportValues(row);
  return `${JSON.stringify(Object.fromEntries(EXPORT_COLUMNS.map((c, i) => [c, values[i]])))}\n`;
}

/** How much text is gathered before it is handed on: one write per row would be a system call per row. */
const CHUNK = 64 * 1024;

/** The export's text, in chunks of about 64 KiB: a CSV header then one record per row, or one JSON line per row. */
export function* exportLines(rows: Iterable<AuditRow>, format: ExportFormat): Generator<string> {
  let chunk = format === "csv" ? csvRecord(EXPORT_COLUMNS) : "";
  for (const row of rows) {
    chunk += format === "csv" ? csvRecord(exportValues(row)) : jsonLine(row);
    if (chunk.length >= CHUNK) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk) yield chunk;
}

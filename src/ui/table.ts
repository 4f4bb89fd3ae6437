/** Plain aligned tables (no borders: easy to read, easy to grep). */
import type { Output } from "./output.ts";
import { inline } from "./sanitize.ts";

/**
 * Prints rows with each column padded to its widest cell; the last column is not padded. Each cell is neutralised
 * (see `sanitize.ts`): cells hold names, paths and models that the user, a definition file or a server chose, and a
 * newline or escape sequence in one would break the row or redraw the table.
 */
export function printTable(out: Output, rows: readonly (readonly string[])[]): void {
  for (const text of tableLines(rows)) out.write(`${text}\n`);
}

/** The lines {@linkcode printTable} prints (without their newlines), for a caller that adds lines between rows. */
export function tableLines(rows: readonly (readonly string[])[]): string[] {
  const shown = rows.map((row) => row.map(inline));
  const widths: number[] = [];
  for (const row of shown) row.forEach((cell, i) => widths[i] = Math.max(widths[i] ?? 0, cell.length));
  return shown.map((row) => row.map((cell, i) => i === row.length - 1 ? cell : cell.padEnd(widths[i])).join("  "));
}

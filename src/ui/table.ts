/** Plain aligned tables (no borders: easy to read, easy to grep). */
import { clip, fitWidths, textWidth } from "./text_width.ts";
import { type Output, terminalColumns } from "./output.ts";
import { inline } from "./sanitize.ts";

/**
 * Prints rows with each column padded to its widest cell; the last column is not padded. Each cell is neutralised
 * (see `sanitize.ts`): cells hold names, paths and models that the user, a definition file or a server chose, and a
 * newline or escape sequence in one would break the row or redraw the table. On a terminal the table fits its width:
 * the widest columns are cut, with an ellipsis (a pipe gets whole cells).
 */
export function printTable(out: Output, rows: readonly (readonly string[])[]): void {
  for (const text of tableLines(rows, terminalColumns(out))) out.write(`${text}\n`);
}

/**
 * The lines {@linkcode printTable} prints (without their newlines), for a caller that adds lines between rows;
 * within `columns` cells when given.
 */
export function tableLines(rows: readonly (readonly string[])[], columns?: number): string[] {
  const shown = rows.map((row) => row.map(inline));
  const widths: number[] = [];
  for (const row of shown) row.forEach((cell, i) => widths[i] = Math.max(widths[i] ?? 0, textWidth(cell)));
  if (columns) fitWidths(widths, columns - 2 * (widths.length - 1));
  return shown.map((row) =>
    row.map((cell, i) => {
      const fitted = columns ? clip(cell, widths[i]) : cell;
      return i === row.length - 1 ? fitted : fitted + " ".repeat(Math.max(0, widths[i] - textWidth(fitted)));
    }).join("  ")
  );
}

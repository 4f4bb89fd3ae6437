/** Plain aligned tables (no borders: easy to read, easy to grep). */
import type { Output } from "./output.ts";

/** Prints rows with each column padded to its widest cell; the last column is not padded. */
export function printTable(out: Output, rows: readonly (readonly string[])[]): void {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => widths[i] = Math.max(widths[i] ?? 0, cell.length));
  for (const row of rows) {
    out.write(`${row.map((cell, i) => i === row.length - 1 ? cell : cell.padEnd(widths[i])).join("  ")}\n`);
  }
}

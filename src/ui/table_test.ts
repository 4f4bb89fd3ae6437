import assert from "node:assert/strict";
import type { Output } from "./output.ts";
import { printTable, tableLines } from "./table.ts";

function collect(): Output & { text: string } {
  const out = { text: "", isTerminal: false, write: (t: string) => void (out.text += t) };
  return out;
}

Deno.test("printTable() pads each column to its widest cell and leaves the last one unpadded", () => {
  const out = collect();
  printTable(out, [["NAME", "KIND"], ["notes", "file"], ["a", "folder"]]);
  assert.equal(out.text, "NAME   KIND\nnotes  file\na      folder\n");
});

Deno.test("printTable() shows a newline or escape sequence in a cell instead of breaking the row with it", () => {
  const out = collect();
  printTable(out, [["r\n  forged  row", "/x\x1b[2J"], ["b", "c"]]);
  assert.equal(out.text, "r␊  forged  row  /x␛[2J\nb                c\n");
});

Deno.test("tableLines() fits a table to a terminal's width by cutting its widest columns", () => {
  const lines = tableLines([["ID", "TEXT"], ["1", "a very long line of text that does not fit"]], 24);
  assert.deepEqual(lines, ["ID  TEXT", "1   a very long line of…"]);
  assert.ok(lines.every((l) => l.length <= 24));
});

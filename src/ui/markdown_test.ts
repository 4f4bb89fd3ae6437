import assert from "node:assert/strict";
import { highlightCode, MarkdownStream, renderInline, renderTable } from "./markdown.ts";
import { clip, fitWidths, textWidth } from "./text_width.ts";
import { neutralizeControls } from "./sanitize.ts";

/** A cursor movement, an erase, or a carriage return. */
const MOVES = new RegExp("\x1b\\[\\d*[ABCDJK]|\r");

const plain = (text: string) => text.replace(new RegExp("\x1b\\[[0-9;]*m", "g"), "");

/** Streams `pieces` through a MarkdownStream and returns what the terminal was sent. */
function streamed(pieces: string[], columns = 80): string {
  let out = "";
  const md = new MarkdownStream({ write: (t) => out += t, columns });
  for (const piece of pieces) md.push(neutralizeControls(piece));
  md.end();
  return out;
}

Deno.test("renderInline() styles bold, italics and code, and shows a link as its text and its URL", () => {
  const out = renderInline("**bold**, *it*, `x*y*z` and [docs](https://example.com/a)");
  assert.equal(plain(out), "bold, it, x*y*z and docs (https://example.com/a)");
  assert.ok(out.includes("\x1b[1mbold\x1b[22m"));
  assert.ok(!out.includes("\x1b]8;"), "never an OSC 8 hyperlink");
});

Deno.test("a model's escape sequences stay visible marks: rendering adds only PAI's own styles", () => {
  const out = streamed(["# Title \x1b]8;;https://evil\x07click\x1b]8;;\x07\n", "text \x1b[2J\n"]);
  assert.ok(!out.includes("\x1b]"), "an OSC sequence reached the terminal");
  assert.ok(!out.includes("\x1b[2J"), "a screen clear reached the terminal");
  assert.match(plain(out), /␛\]8;;https:\/\/evil␇click/);
});

Deno.test("MarkdownStream writes a line's text as soon as nothing in it is still open, and never moves the cursor", () => {
  let out = "";
  const md = new MarkdownStream({ write: (t) => out += t, columns: 80 });
  md.push("- it");
  assert.equal(plain(out), "• it", "the bullet and the text so far are written at once");
  md.push("em **on");
  assert.equal(plain(out), "• item ", "an emphasis still open waits for its end");
  md.push("e** and `co");
  assert.equal(plain(out), "• item one and ");
  md.push("de`\n> quoted\n---\n1. first\n");
  md.end();
  assert.ok(!MOVES.test(out), "a cursor movement or erase was written");
  const lines = plain(out).split("\n");
  assert.deepEqual(lines.slice(0, 2), ["• item one and code", "│ quoted"]);
  assert.ok(lines[2].startsWith("─".repeat(10)));
  assert.equal(lines[3], "1. first");
});

Deno.test("characters whose width terminals disagree on cannot make the renderer erase what is on the screen", () => {
  // U+1160 is one column to PAI's count and none to some terminals: a redraw by counted rows would go up too far.
  const out = streamed(["x" + "\u1160".repeat(240) + " **bold**\n", "next line\n"], 80);
  assert.ok(!MOVES.test(out), "the renderer moved up or erased");
});

Deno.test("MarkdownStream holds a table until it ends, then draws it aligned within the terminal's width", () => {
  const out = streamed([
    "| name | note |\n|---|---|\n",
    "| a | short |\n| bb | a much longer cell than fits here |\n",
    "done\n",
  ], 30);
  const rows = plain(out).split("\n").filter((l) => l.includes("│"));
  assert.equal(rows.length, 3);
  assert.ok(rows.every((r) => textWidth(r) <= 30), rows.join("\n"));
  assert.equal(rows[0].indexOf("│"), rows[1].indexOf("│"));
  assert.match(rows[2], /…$/);
  assert.ok(!out.includes("| name |"), "a table row was shown raw");
});

Deno.test("code blocks are framed and highlighted, their contents never read as Markdown", () => {
  const out = streamed(["```ts\n", "const x = 1; // **not bold**\n", "```\n"]);
  assert.ok(plain(out).includes("┌ ts"));
  assert.ok(plain(out).includes("│ const x = 1; // **not bold**"));
  assert.ok(out.includes("\x1b[34mconst\x1b[39m"));
  assert.equal(plain(highlightCode("echo 'hi' # note", "sh")), "echo 'hi' # note");
});

Deno.test("fitWidths() and clip() keep a row within the room it has", () => {
  const widths = [10, 40, 5];
  fitWidths(widths, 30);
  assert.equal(widths.reduce((a, b) => a + b, 0), 30);
  assert.equal(clip("abcdefgh", 5), "abcd…");
  assert.equal(textWidth(clip("日本語テキスト", 6)), 5);
  assert.deepEqual(renderTable([["a"], ["b"]], 10).map(plain), ["a", "b"]);
});

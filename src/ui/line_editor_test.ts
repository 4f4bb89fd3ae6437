import assert from "node:assert/strict";
import { blockOpen, drawFrame, type Key, LineEditor, messageOf, readKey } from "./line_editor.ts";
import { cellWidth } from "./text_width.ts";

/** The keys in raw input, read as the terminal driver reads them (typed characters in a row as one text). */
function decodeKeys(input: string, final = false): { keys: Key[]; rest: string } {
  const options = { waited: final, ended: final };
  const keys: Key[] = [];
  let at = 0;
  while (at < input.length) {
    const { key, length } = readKey(input.slice(at), options);
    if (!length) break;
    at += length;
    const last = keys.at(-1);
    if (key?.kind === "text" && last?.kind === "text") last.text += key.text;
    else if (key) keys.push(key);
  }
  return { keys, rest: input.slice(at) };
}

/** Types raw terminal input into an editor; returns the editor and what the last key asked for. */
function typed(input: string, history: string[] = []) {
  const editor = new LineEditor(history);
  let result;
  for (const key of decodeKeys(input, true).keys) result = editor.apply(key);
  return { editor, result };
}

const kinds = (keys: Key[]) => keys.map((k) => k.kind === "text" ? `text:${k.text}` : k.kind);

Deno.test("readKey() keeps a bracketed paste whole, its line breaks as text, not as Enter", () => {
  const { keys, rest } = decodeKeys("\x1b[200~line one\rline two\r\nthree\x1b[201~\r");
  assert.deepEqual(kinds(keys), ["text:line one\nline two\nthree", "enter"]);
  assert.equal(rest, "");
});

Deno.test("readKey() waits for the end of a paste, or of a sequence, split across reads", () => {
  assert.deepEqual(decodeKeys("ab\x1b[200~half of"), {
    keys: [{ kind: "text", text: "ab" }],
    rest: "\x1b[200~half of",
  });
  assert.deepEqual(decodeKeys("x\x1b["), { keys: [{ kind: "text", text: "x" }], rest: "\x1b[" });
  assert.deepEqual(decodeKeys("\x1b"), { keys: [], rest: "\x1b" });
  // With no more input coming, a lone ESC is dropped and an unended paste taken as it is.
  assert.deepEqual(decodeKeys("\x1b", true), { keys: [], rest: "" });
  assert.deepEqual(kinds(decodeKeys("\x1b[200~tail", true).keys), ["text:tail"]);
  // A pause in a paste (a slow link) is no end of it: its line breaks stay text, never Enter.
  assert.deepEqual(readKey("\x1b[200~line one\rline two", { waited: true }), { length: 0 });
  assert.deepEqual(readKey("\x1b[20", { waited: true }), { length: 0 });
});

Deno.test("readKey() reads arrows, Alt+Enter, controls, and ignores sequences it has no use for", () => {
  const { keys } = decodeKeys("a\x1b[D\x1bOC\x1b\r\x03\x04\x7f\x1b[1;5C\x1b[15~\x1b[?1;2c\x07b");
  assert.deepEqual(kinds(keys), [
    "text:a",
    "left",
    "right",
    "newline",
    "interrupt",
    "eof",
    "backspace",
    "wordRight",
    "text:b",
  ]);
});

Deno.test("Enter sends; Alt+Enter, Ctrl+J and a trailing backslash start a new line instead", () => {
  assert.equal(typed("hello\r").result, "submit");
  const { editor, result } = typed("one\x1b\rtwo\nthree\\\rfour\r");
  assert.equal(result, "submit");
  assert.equal(editor.text, "one\ntwo\nthree\nfour");
});

Deno.test('a block opened by """ takes Enter as a line break until """ closes it', () => {
  const { editor, result } = typed('"""\rdef f():\r    return 1\r"""\r');
  assert.equal(result, "submit");
  assert.equal(editor.text, '"""\ndef f():\n    return 1\n"""');
  assert.equal(messageOf(editor.text), "def f():\n    return 1");
  assert.equal(blockOpen('"""\nopen'), true);
  assert.equal(messageOf("plain\ntext"), "plain\ntext");
});

Deno.test("Ctrl+C clears a message being typed, and on an empty one asks the driver to end", () => {
  const { editor, result } = typed("some text\x03");
  assert.equal(result, "cleared");
  assert.equal(editor.text, "");
  assert.equal(typed("\x03").result, "interrupt");
  assert.equal(typed("\x04").result, "eof");
  // Ctrl+D on a message deletes the character under the cursor, as in readline.
  assert.equal(typed("ab\x1b[D\x04").editor.text, "a");
});

Deno.test("editing keys move and delete by character (an emoji is one), word and line", () => {
  assert.equal(typed("a😀b\x1b[D\x7f").editor.text, "ab");
  assert.equal(typed("hello big world\x17").editor.text, "hello big ");
  assert.equal(typed("hello world\x01\x0b").editor.text, "");
  const { editor } = typed("hello world\x1b[1;5D\x15");
  assert.equal(editor.text, "world");
  assert.equal(editor.cursor, 0);
});

Deno.test("Up and Down move between a message's lines, then through earlier messages, keeping the draft", () => {
  const { editor } = typed("ab\x1b\rcd\x1b[A", ["first", "second"]);
  assert.equal(editor.cursor, 2); // end of "ab"
  editor.apply({ kind: "up" });
  assert.equal(editor.text, "second");
  editor.apply({ kind: "up" });
  editor.apply({ kind: "up" });
  assert.equal(editor.text, "first");
  editor.apply({ kind: "down" });
  editor.apply({ kind: "down" });
  assert.equal(editor.text, "ab\ncd");
});

const PROMPTS = { first: { text: "you› ", width: 5 }, rest: { text: "  …  ", width: 5 } };

Deno.test("drawFrame() draws each line after its prompt and puts the cursor back where it is in the text", () => {
  const frame = drawFrame({ text: "ab\ncdef", cursor: 1 }, PROMPTS, 80);
  assert.equal(frame.output, "you› ab\r\n  …  cdef\x1b[1A\r\x1b[6C");
  assert.equal(frame.cursorRow, 0);
});

Deno.test("drawFrame() cuts rows itself, moves a wide character that does not fit to the next row", () => {
  // 5 + 5 = 10 cells in a 10-column terminal: the row is full, and the cursor stands at the start of the next one.
  const full = drawFrame({ text: "abcde", cursor: 5 }, PROMPTS, 10);
  assert.equal(full.output, "you› abcde\r\n\r");
  assert.deepEqual([full.cursorRow, full.rows], [1, 2]);
  // 5 + 2 cells, then 本 would end past column 8: it starts the next row.
  const wide = drawFrame({ text: "日本語", cursor: 3 }, PROMPTS, 8);
  assert.equal(wide.output, "you› 日\r\n本語\r\x1b[4C");
  assert.equal(wide.cursorRow, 1);
  assert.equal(cellWidth("é"), 1);
  assert.equal(cellWidth("\u0301"), 0);
  for (const emoji of ["🚀", "✅", "🫠", "😀"]) assert.equal(cellWidth(emoji), 2, emoji);
});

Deno.test("drawFrame() shows a message taller than the screen as the rows around the cursor", () => {
  const text = Array.from({ length: 30 }, (_, i) => `line ${i}`).join("\n");
  const frame = drawFrame({ text, cursor: text.length }, PROMPTS, 80, 10);
  assert.equal(frame.rows, 10);
  assert.equal(frame.cursorRow, 9);
  assert.ok(frame.output.startsWith("  … 21 rows above\r\n"));
  assert.ok(frame.output.includes("line 29") && !frame.output.includes("line 20\r"));
});

Deno.test("drawFrame() shows control characters of a pasted text as visible marks, never raw", () => {
  const frame = drawFrame({ text: "a\x1b[2Jb\tc", cursor: 0 }, PROMPTS, 80);
  assert.ok(!frame.output.includes("\x1b[2J"));
  assert.ok(frame.output.includes("a␛[2Jb    c"));
});

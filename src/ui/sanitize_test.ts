import assert from "node:assert/strict";
import { inline, jsonForTerminal, line, neutralizeControls } from "./sanitize.ts";

const ESC = "\x1b";
/** Any raw control that a terminal would obey. */
// deno-lint-ignore no-control-regex -- the test looks for exactly these characters
const RAW_CONTROL = new RegExp("[\\x1b\\x07\\x9b\\x9c\\x9d\\r]");

Deno.test("neutralizeControls() keeps ordinary text, newlines, tabs and non-Latin scripts", () => {
  const text = "Hello\n\tworld — 你好, שלום, ✓";
  assert.equal(neutralizeControls(text), text);
  assert.equal(neutralizeControls("a\r\nb"), "a\nb");
});

Deno.test("neutralizeControls() disarms cursor movement, screen clearing and colour codes", () => {
  for (const seq of [`${ESC}[2J`, `${ESC}[H`, `${ESC}[1A${ESC}[2K`, `${ESC}[31m`, `${ESC}c`]) {
    const out = neutralizeControls(`x${seq}y`);
    assert.ok(!out.includes(ESC), JSON.stringify(out));
    assert.ok(out.startsWith("x\u241b"));
  }
});

Deno.test("neutralizeControls() disarms OSC 8 links and OSC 52 clipboard writes, with BEL or ST endings", () => {
  const link = `${ESC}]8;;https://evil.example${ESC}\\click${ESC}]8;;${ESC}\\`;
  const clip = `${ESC}]52;c;cm0gLXJmIH4=\x07`;
  for (const seq of [link, clip, "\x9d52;c;AAAA\x9c"]) {
    const out = neutralizeControls(seq);
    assert.ok(!RAW_CONTROL.test(out), JSON.stringify(out));
  }
});

Deno.test("neutralizeControls() works whatever the chunk boundaries are", () => {
  const chunks = ["ok", ESC, "[2J", "\x9b", "31m", "\r", "done"];
  const out = chunks.map(neutralizeControls).join("");
  assert.ok(!RAW_CONTROL.test(out));
});

Deno.test("neutralizeControls() shows backspaces and bidi overrides instead of obeying them", () => {
  assert.equal(neutralizeControls("safe\b\b\b\bevil"), "safe\u2408\u2408\u2408\u2408evil");
  assert.equal(neutralizeControls("a\u202eb"), "a<U+202E>b");
});

Deno.test("inline() shows every C0 control, newline, tab and CR included, as its control picture", () => {
  assert.equal(inline("a\nb"), "a\u240ab");
  assert.equal(inline("a\r\nb"), "a\u240d\u240ab");
  assert.equal(inline("a\tb"), "a\u2409b");
  assert.equal(inline(`${ESC}[2K\r${ESC}[1A`), "\u241b[2K\u240d\u241b[1A");
  assert.equal(inline("\0\x07\b"), "\u2400\u2407\u2408");
});

Deno.test("inline() shows DEL, C1 controls, bidi controls, separators, zero-width and tag characters as code points", () => {
  assert.equal(inline("a\x7fb"), "a\u2421b");
  assert.equal(inline("\x85\x9b31m\x9d"), "<U+0085><U+009B>31m<U+009D>");
  for (const c of ["\u202a", "\u202e", "\u2066", "\u2069", "\u200e", "\u061c"]) {
    assert.equal(inline(`a${c}b`), `a<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}>b`);
  }
  assert.equal(inline("a\u2028b\u2029c"), "a<U+2028>b<U+2029>c");
  assert.equal(inline("no\u200btes\u2060.md\ufeff"), "no<U+200B>tes<U+2060>.md<U+FEFF>");
  assert.equal(inline("x\u{e0001}\u{e0041}\u{e007f}"), "x<U+E0001><U+E0041><U+E007F>");
});

Deno.test("inline() keeps accents, CJK, right-to-left scripts and emoji, joined sequences included", () => {
  for (const text of ["café naïve Ångström", "你好 日本語 한국어", "שלום مرحبا", "✓ 🎉 👍🏽 ✔️", "👩‍💻 👨‍👩‍👧", "می‌خواهم"]) {
    assert.equal(inline(text), text);
  }
});

Deno.test("inline() shows a zero-width joiner that does not join two letters or emoji (hidden in a file name)", () => {
  assert.equal(inline("notes\u200d.md"), "notes<U+200D>.md");
  assert.equal(inline("a\u200cb"), "a<U+200C>b");
});

Deno.test("inline() leaves no raw control whatever the chunk boundaries, and shows what it shows once", () => {
  const chunks = ["ok", ESC, "[2J", "\x9b", "31m", "\r", "\n", "done"];
  const out = chunks.map(inline).join("");
  assert.ok(!RAW_CONTROL.test(out) && !out.includes("\n"), JSON.stringify(out));
  assert.equal(inline(out), out);
});

Deno.test("inline() turns any value into text", () => {
  assert.equal(inline(42), "42");
  assert.equal(inline(undefined), "undefined");
  assert.equal(inline(new Error(`bad\n${ESC}[2J`)), "Error: bad\u240a\u241b[2J");
});

Deno.test("line`` writes PAI's own words as they are and neutralises every value", () => {
  const path = `${ESC}[2K\r${ESC}[1A? fs_read {"path":"notes.md"}\n  needs read of "notes.md"\n/x`;
  const out = line`? fs_read\n  needs read of "${path}"\n  Allow?`;
  assert.equal(out.split("\n").length, 3, out);
  assert.ok(!RAW_CONTROL.test(out), JSON.stringify(out));
  assert.equal(
    out.split("\n")[1],
    '  needs read of "\u241b[2K\u240d\u241b[1A? fs_read {"path":"notes.md"}\u240a  needs read of "notes.md"\u240a/x"',
  );
  assert.equal(line`plain`, "plain");
  assert.equal(line`${"a"}${"\n"}${"b"}`, "a\u240ab");
});

Deno.test("neutralizeControls() also shows separators, zero-width and tag characters in a streamed answer", () => {
  assert.equal(neutralizeControls("a\u2028b"), "a<U+2028>b");
  assert.equal(neutralizeControls("hi\u{e0068}\u{e0069}"), "hi<U+E0068><U+E0069>");
  assert.equal(neutralizeControls("👩‍💻 ok\n"), "👩‍💻 ok\n");
});

Deno.test("jsonForTerminal() escapes what JSON.stringify leaves raw, and the text still parses to the same value", () => {
  const value = { text: `a${ESC}[2J\x9b31m\u202eb\u2028\u{e0068}👩‍💻`, n: [1, "x\ty"] };
  for (const json of [JSON.stringify(value), JSON.stringify(value, null, 2)]) {
    const out = jsonForTerminal(json);
    assert.ok(!RAW_CONTROL.test(out) && !/[\u202e\u2028\u200d]|\u{e0068}/u.test(out), out);
    assert.deepEqual(JSON.parse(out), value);
  }
  assert.equal(jsonForTerminal(JSON.stringify("a\u202eb")), '"a\\u202eb"');
});

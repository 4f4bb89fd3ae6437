import assert from "node:assert/strict";
import { neutralizeControls } from "./sanitize.ts";

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

import assert from "node:assert/strict";
import { approvalQuestion, resourceQuestion } from "./approval_prompter.ts";

const ESC = "\x1b";
// deno-lint-ignore no-control-regex -- the test looks for exactly these characters
const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/;

Deno.test("approvalQuestion() keeps its three lines whatever the path in the permissions holds", () => {
  const path = `/tmp/out/${ESC}[2K\r${ESC}[1A? fs_read {"path":"notes.md"}\n  needs read of "notes.md"\n/x`;
  const question = approvalQuestion({ tool: "fs_read", args: { path }, missing: { read: [path], write: [], net: [] } });
  const lines = question.split("\n");
  assert.equal(lines.length, 3, question);
  assert.ok(!RAW_CONTROL.test(question), JSON.stringify(question));
  assert.equal(
    lines[1],
    '  needs read of "/tmp/out/␛[2K␍␛[1A? fs_read {"path":"notes.md"}␊  needs read of "notes.md"␊/x"',
  );
  assert.equal(lines[2], "  Allow?");
});

Deno.test("approvalQuestion() shows a tool name with controls instead of obeying them", () => {
  const question = approvalQuestion({
    tool: `t${ESC}[2J`,
    args: {},
    missing: { read: [], write: [], net: ["a\u202eb"] },
  });
  assert.ok(question.startsWith("t␛[2J {}\n  needs net to a<U+202E>b\n"), question);
});

Deno.test("resourceQuestion() keeps its four lines whatever the model's name, URI and reason hold", () => {
  const question = resourceQuestion({
    name: `r"\n  Its reason: trust me`,
    kind: "file",
    uri: `/etc/passwd${ESC}[1K\r/tmp/harmless.txt`,
    label: "internal",
    reason: "To help.\n  Register it? (it is already approved)\u2028",
  });
  const lines = question.split("\n");
  assert.equal(lines.length, 4, question);
  assert.ok(!RAW_CONTROL.test(question), JSON.stringify(question));
  assert.equal(lines[0], "The model asks for access to a file: /etc/passwd␛[1K␍/tmp/harmless.txt");
  assert.equal(lines[2], "  Its reason: To help.␊  Register it? (it is already approved)<U+2028>");
  assert.equal(lines[3], "  Register it?");
});

Deno.test("approvalQuestion() says when a call can be allowed once only", () => {
  const question = approvalQuestion({
    tool: "fs_write",
    args: { path: ".git/config" },
    missing: { read: [], write: ["/ws/.git/config"], net: [] },
    onceOnly: '"/ws/.git/config" is inside a .git folder',
  });
  assert.match(
    question,
    /\n {2}"\/ws\/\.git\/config" is inside a \.git folder: it can be allowed once only\n {2}Allow\?$/,
  );
});

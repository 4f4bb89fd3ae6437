import assert from "node:assert/strict";
import { changeDiff } from "./change_diff.ts";

Deno.test("changeDiff() shows an edit as a unified diff with its context", async () => {
  const diff = await changeDiff({ path: "plan.md", before: "a\nb\nc\n", after: "a\nB\nc\n" }, { color: false });
  assert.equal(diff, "  --- plan.md\n  +++ plan.md\n  @@ -1,3 +1,3 @@\n   a\n  -b\n  +B\n   c");
});

Deno.test("changeDiff() says a file is new, and shows no escape sequence of the model's raw", async () => {
  const diff = await changeDiff({ path: "x.sh", after: "echo hi\x1b[2J\n" }, { color: false });
  assert.match(diff, /--- \/dev\/null \(a new file\)/);
  assert.ok(!diff.includes("\x1b"));
  assert.match(diff, /\+echo hi␛\[2J/);
});

Deno.test("changeDiff() cuts a long diff and counts what it left out", async () => {
  const after = Array.from({ length: 100 }, (_, i) => `line ${i}`).join("\n");
  const diff = await changeDiff({ path: "big.txt", before: "", after }, { color: false, maxLines: 10 });
  assert.equal(diff.split("\n").length, 10);
  assert.match(diff, /… 94 more lines$/);
});

Deno.test("changeDiff() cuts every line to the terminal's width: no line of the model's wraps into more rows", async () => {
  const diff = await changeDiff({ path: "a.md", before: "", after: `${"x".repeat(500)}\n` }, {
    color: true,
    width: 40,
  });
  for (const row of diff.split("\n")) {
    assert.ok(row.replace(new RegExp("\x1b\\[[0-9;]*m", "g"), "").length <= 40, row);
  }
});

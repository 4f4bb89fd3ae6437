import assert from "node:assert/strict";
import { contextMessages, INTERRUPTED_MARK } from "./history.ts";

Deno.test("contextMessages() sends the whole history, then the new message", () => {
  const out = contextMessages([
    { role: "user", content: "a", mode: "chat", interrupted: false },
    { role: "assistant", content: "b", mode: "chat", interrupted: false },
  ], "c");
  assert.deepEqual(out.map((m) => m.content), ["a", "b", "c"]);
});

Deno.test("contextMessages() marks an interrupted answer and never sends it empty", () => {
  const out = contextMessages([
    { role: "user", content: "a", mode: "chat", interrupted: false },
    { role: "assistant", content: "", mode: "chat", interrupted: true },
    { role: "user", content: "b", mode: "chat", interrupted: false },
    { role: "assistant", content: "half", mode: "chat", interrupted: true },
  ], "c");
  assert.equal(out[1].content, INTERRUPTED_MARK);
  assert.equal(out[3].content, `half\n\n${INTERRUPTED_MARK}`);
});

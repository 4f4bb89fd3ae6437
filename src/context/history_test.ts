import assert from "node:assert/strict";
import { historyMessage, INTERRUPTED_MARK } from "./history.ts";

Deno.test("historyMessage() marks an interrupted answer and never sends it empty", () => {
  assert.equal(
    historyMessage({ role: "assistant", content: "", mode: "chat", interrupted: true }).content,
    INTERRUPTED_MARK,
  );
  assert.equal(
    historyMessage({ role: "assistant", content: "half", mode: "chat", interrupted: true }).content,
    `half\n\n${INTERRUPTED_MARK}`,
  );
  assert.equal(historyMessage({ role: "user", content: "a", mode: "chat", interrupted: false }).content, "a");
});

Deno.test("historyMessage() keeps a turn's tool calls and the call each result answers", () => {
  const calls = [{ id: "c1", name: "fs_read", arguments: "{}" }];
  assert.deepEqual(
    historyMessage({ role: "assistant", content: "", toolCalls: calls, mode: "chat", interrupted: false }),
    {
      role: "assistant",
      content: "",
      toolCalls: calls,
    },
  );
  assert.deepEqual(historyMessage({ role: "tool", content: "r", toolCallId: "c1", mode: "chat", interrupted: false }), {
    role: "tool",
    content: "r",
    toolCallId: "c1",
  });
});

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
      carries: [{ via: "answer", earlier: true }],
    },
  );
  assert.deepEqual(historyMessage({ role: "tool", content: "r", toolCallId: "c1", mode: "chat", interrupted: false }), {
    role: "tool",
    content: "r",
    toolCallId: "c1",
    carries: [{ via: "tool_result", callId: "c1", earlier: true }],
  });
});

Deno.test("historyMessage() carries what the message carried when new: the row that recorded it, its sources", () => {
  const stored = { mode: "chat" as const, interrupted: false, auditHash: "h1" };
  assert.deepEqual(
    historyMessage({ ...stored, role: "user", content: "q", sources: ["resource:notes", "/n.md"] }).carries,
    [
      { via: "attachment", hash: "h1", sources: ["resource:notes", "/n.md"], earlier: true },
    ],
  );
  assert.deepEqual(historyMessage({ ...stored, role: "user", content: "q" }).carries, [
    { via: "input", hash: "h1", earlier: true },
  ]);
  assert.deepEqual(
    historyMessage({ ...stored, role: "tool", content: "r", toolCallId: "c2", sources: ["/etc/hosts"] }).carries,
    [{ via: "tool_result", hash: "h1", sources: ["/etc/hosts"], callId: "c2", earlier: true }],
  );
});

import assert from "node:assert/strict";
import type { StreamEvent } from "../core/types.ts";
import { readEvents } from "./anthropic_messages.ts";
import { readChunks } from "./openai_chat.ts";

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

// deno-lint-ignore no-explicit-any -- test fixtures are partial wire objects, shaped as the servers send them
async function* from<T>(items: any[]): AsyncIterable<T> {
  for (const item of items) yield item as T;
}

const chunk = (delta: unknown, finish_reason: string | null = null) => ({
  choices: [{ index: 0, delta, finish_reason }],
});

Deno.test("readChunks() assembles a tool call from pieces and emits it when the turn finishes", async () => {
  const events = await collect(readChunks(from([
    chunk({ content: "Let me look." }),
    chunk({ tool_calls: [{ index: 0, id: "c1", function: { name: "fs_read", arguments: "" } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"path":' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '"a.md"}' } }] }),
    chunk({}, "tool_calls"),
    { choices: [], usage: { prompt_tokens: 9, completion_tokens: 4 } },
  ])));
  assert.deepEqual(events, [
    { type: "text", text: "Let me look." },
    { type: "tool_call", call: { id: "c1", name: "fs_read", arguments: '{"path":"a.md"}' } },
    { type: "usage", usage: { inputTokens: 9, outputTokens: 4 } },
    { type: "stop", reason: "tool_calls" },
  ]);
});

Deno.test("readChunks() never emits a tool call whose stream broke off mid-arguments", async () => {
  const events = await collect(readChunks(from([
    chunk({ tool_calls: [{ index: 0, id: "c1", function: { name: "fs_write", arguments: '{"path":"a' } }] }),
  ])));
  assert.deepEqual(events, [{ type: "stop", reason: "incomplete" }]);
});

Deno.test("readEvents() assembles Anthropic tool_use blocks and usage", async () => {
  const events = await collect(readEvents(from([
    { type: "message_start", message: { usage: { input_tokens: 12, output_tokens: 1 } } },
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Reading." } },
    {
      type: "content_block_start",
      index: 1,
      content_block: { type: "tool_use", id: "t1", name: "fs_read", input: {} },
    },
    { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"path":"b"}' } },
    { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 6 } },
    { type: "message_stop" },
  ])));
  assert.deepEqual(events, [
    { type: "text", text: "Reading." },
    { type: "tool_call", call: { id: "t1", name: "fs_read", arguments: '{"path":"b"}' } },
    { type: "usage", usage: { inputTokens: 12, outputTokens: 6 } },
    { type: "stop", reason: "tool_use" },
  ]);
});

Deno.test("readEvents() drops tool calls of a message that never stopped", async () => {
  const events = await collect(readEvents(from([
    { type: "message_start", message: { usage: { input_tokens: 3, output_tokens: 1 } } },
    {
      type: "content_block_start",
      index: 0,
      content_block: { type: "tool_use", id: "t1", name: "fs_write", input: {} },
    },
    { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '{"pa' } },
  ])));
  assert.deepEqual(events.map((e) => e.type), ["usage", "stop"]);
  assert.deepEqual(events.at(-1), { type: "stop", reason: "incomplete" });
});

import assert from "node:assert/strict";
import { countChatCompletionTokens } from "gpt-tokenizer/model/gpt-4o";
import type { ChatMessage, ToolDefinition } from "../core/types.ts";
import {
  CLAUDE_MARGIN,
  countByBytes,
  fallbackTokenCounter,
  loadTokenCounter,
  LOCAL_MARGIN,
  openAIEncoding,
  SMALL_VOCABULARY_MARGIN,
  utf8Length,
} from "./tokens.ts";

/** gpt-tokenizer's own count of a chat request, per OpenAI's cookbook: the reference for PAI's framing. */
function referenceCount(request: Parameters<NonNullable<typeof countChatCompletionTokens>>[0]): number {
  assert.ok(countChatCompletionTokens, "gpt-tokenizer counts chat requests for gpt-4o");
  return countChatCompletionTokens(request);
}

const CHINESE = "你好，世界。今天天气很好。";

const TOOLS: ToolDefinition[] = [{
  name: "fs_read",
  description: "Read a text file in the workspace.",
  parameters: {
    type: "object",
    required: ["path"],
    properties: { path: { type: "string", description: "Relative to the workspace" } },
  },
}];

Deno.test("openAIEncoding() gives o200k to gpt-4o, gpt-4.1, gpt-5 and the o-series, cl100k to gpt-4 and gpt-3.5", () => {
  for (const model of ["gpt-4o", "gpt-4o-2024-08-06", "gpt-4o-mini", "gpt-4.1-mini", "gpt-4.5-preview", "gpt-5"]) {
    assert.equal(openAIEncoding(model), "o200k_base", model);
  }
  for (const model of ["gpt-5-mini-2025-08-07", "o1", "o3-mini", "o4-mini", "chatgpt-4o-latest", "gpt-oss:20b"]) {
    assert.equal(openAIEncoding(model), "o200k_base", model);
  }
  for (const model of ["gpt-4", "gpt-4-0613", "gpt-4-turbo", "gpt-4-32k", "gpt-3.5-turbo", "gpt-3.5-turbo-0125"]) {
    assert.equal(openAIEncoding(model), "cl100k_base", model);
  }
  assert.equal(openAIEncoding("openai/gpt-4o"), "o200k_base", "a vendor prefix (OpenRouter) is not part of the name");
  for (const model of ["claude-sonnet-4-5", "llama3.2:3b", "qwen2.5:7b", "mistral"]) {
    assert.equal(openAIEncoding(model), undefined, model);
  }
});

Deno.test("an OpenAI model's counter is exact and uses the model's own encoding", async () => {
  const gpt4o = await loadTokenCounter("openai", "gpt-4o");
  const gpt4 = await loadTokenCounter("openai", "gpt-4");
  assert.deepEqual([gpt4o.encoding, gpt4o.exact, gpt4o.approximation], ["o200k_base", true, undefined]);
  assert.deepEqual([gpt4.encoding, gpt4.exact], ["cl100k_base", true]);
  // OpenAI's cookbook: "tiktoken is great!" is 6 tokens in both; o200k is denser on other scripts.
  assert.equal(gpt4.count("tiktoken is great!"), 6);
  assert.equal(gpt4o.count("tiktoken is great!"), 6);
  assert.equal(gpt4o.count(CHINESE), 9);
  assert.equal(gpt4.count(CHINESE), 16);
});

Deno.test("count() counts a special-token string as the plain text it is, instead of throwing", async () => {
  const counter = await loadTokenCounter("openai", "gpt-4o");
  assert.equal(counter.count("<|endoftext|>"), 7);
  assert.equal(counter.count(""), 0);
});

Deno.test("countMessages() frames messages as OpenAI does (gpt-tokenizer's reference count), tools no lower", async () => {
  const counter = await loadTokenCounter("openai", "gpt-4o");
  const messages: ChatMessage[] = [
    { role: "user", content: "What is in notes/todo.md?" },
    { role: "assistant", content: "Let me look." },
    { role: "user", content: "Thanks, and be brief." },
  ];
  const system = "You are PAI, a personal assistant.";
  const reference = referenceCount({ messages: [{ role: "system", content: system }, ...messages] });
  assert.equal(counter.countMessages(messages, { system }), reference);
  assert.equal(counter.countMessages([]), 3, "the reply is primed with 3 tokens");
  // OpenAI renders tools as TypeScript-like text; PAI counts the JSON sent, which is longer: never an under-count.
  const withTools = referenceCount({
    messages: [{ role: "system", content: system }, ...messages],
    functions: [{
      name: "fs_read",
      description: "Read a text file in the workspace.",
      parameters: {
        type: "object",
        required: ["path"],
        properties: { path: { type: "string", description: "Relative to the workspace" } },
      },
    }],
  });
  const counted = counter.countMessages(messages, { system, tools: TOOLS });
  assert.ok(counted >= withTools && counted < withTools + 40, `${counted} against ${withTools}`);
});

Deno.test("countMessages() counts an assistant's tool calls, their names and arguments", async () => {
  const counter = await loadTokenCounter("openai", "gpt-4o");
  const call = { id: "call_1", name: "fs_read", arguments: '{"path":"notes/todo.md"}' };
  const plain: ChatMessage[] = [{ role: "assistant", content: "" }];
  const calling: ChatMessage[] = [{ role: "assistant", content: "", toolCalls: [call] }];
  assert.equal(
    counter.countMessages(calling) - counter.countMessages(plain),
    3 + counter.count(call.name) + counter.count(call.arguments),
  );
});

Deno.test("a Claude model's counter is o200k scaled by the Claude margin, and says so", async () => {
  const exact = await loadTokenCounter("openai", "gpt-4o");
  const claude = await loadTokenCounter("anthropic", "claude-sonnet-4-5");
  assert.equal(claude.exact, false);
  assert.equal(claude.encoding, "o200k_base");
  assert.match(claude.approximation ?? "", /o200k_base tokens × 1\.3 .*Anthropic's tokenizer/);
  const text = "The quick brown fox jumps over the lazy dog. ".repeat(20);
  assert.equal(claude.count(text), Math.ceil(exact.count(text) * CLAUDE_MARGIN));
  // Claude through an OpenAI-compatible gateway is still Claude.
  assert.equal(
    (await loadTokenCounter("openai-compatible", "anthropic/claude-3.5-haiku")).count(text),
    claude.count(text),
  );
});

Deno.test("Anthropic's own tool-use system prompt is counted when tools are offered", async () => {
  const claude = await loadTokenCounter("anthropic", "claude-sonnet-4-5");
  const gateway = await loadTokenCounter("openai-compatible", "claude-sonnet-4-5");
  const messages: ChatMessage[] = [{ role: "user", content: "Read notes/todo.md" }];
  assert.equal(claude.countMessages(messages), gateway.countMessages(messages));
  const added = claude.countMessages(messages, { tools: TOOLS }) - gateway.countMessages(messages, { tools: TOOLS });
  assert.ok(added >= 530, `only ${added} more`);
});

Deno.test("a local model's counter is o200k scaled by its tokenizer's margin; gpt-oss on Ollama counts exactly", async () => {
  const exact = await loadTokenCounter("openai", "gpt-4o");
  const llama = await loadTokenCounter("ollama", "llama3.2:3b");
  assert.equal(llama.exact, false);
  assert.match(llama.approximation ?? "", /× 1\.25 \(llama3\.2:3b uses its own tokenizer/);
  const text = "export function add(a: number, b: number): number {\n  return a + b;\n}\n";
  assert.equal(llama.count(text), Math.ceil(exact.count(text) * LOCAL_MARGIN));
  for (const model of ["mistral:7b", "llama2", "phi3:mini", "mixtral:8x7b", "codellama:13b"]) {
    const counter = await loadTokenCounter("ollama", model);
    assert.equal(counter.count(text), Math.ceil(exact.count(text) * SMALL_VOCABULARY_MARGIN), model);
  }
  for (const model of ["mistral-nemo", "mistral-small3.1:24b", "qwen3:8b", "gemma3"]) {
    assert.equal((await loadTokenCounter("ollama", model)).count(text), llama.count(text), model);
  }
  const gptOss = await loadTokenCounter("ollama", "gpt-oss:20b");
  assert.deepEqual([gptOss.exact, gptOss.count(text)], [true, exact.count(text)]);
});

Deno.test("the byte-count fallback never counts fewer tokens than o200k, in English, code, Chinese or emoji", async () => {
  const o200k = await loadTokenCounter("openai", "gpt-4o");
  const code = await Deno.readTextFile(new URL("./tokens.ts", import.meta.url));
  for (const text of ["The quick brown fox jumps over the lazy dog.", code, CHINESE, "🙂🙂🙂 ok", "नमस्ते दुनिया"]) {
    assert.ok(countByBytes(text) >= o200k.count(text), `${countByBytes(text)} < ${o200k.count(text)} for ${text}`);
  }
  for (const text of ["abc", "é", CHINESE, "🙂🙂🙂 ok", "lone \ud800é surrogate", "\udc00 and \ud800"]) {
    assert.equal(utf8Length(text), new TextEncoder().encode(text).length, text);
  }
  assert.equal(countByBytes("abc"), 1);
  assert.equal(countByBytes("🙂"), 2, "an emoji is 4 bytes");
  assert.equal(countByBytes(""), 0);
});

Deno.test("fallbackTokenCounter() is synchronous, inexact and says why it is used", () => {
  const counter = fallbackTokenCounter("openai", "gpt-4o", { why: "the tokenizer could not be loaded: offline" });
  assert.deepEqual([counter.encoding, counter.exact], ["utf8_bytes", false]);
  assert.equal(counter.approximation, "UTF-8 bytes ÷ 3 for gpt-4o, the tokenizer could not be loaded: offline");
  assert.equal(counter.count("a".repeat(30)), 10);
  // Framing: 3 for the reply, 3 per message, the role ("user": 4 bytes) and the text.
  assert.equal(counter.countMessages([{ role: "user", content: "a".repeat(30) }]), Math.ceil(3 + 3 + 4 / 3 + 10));
});

Deno.test("fallbackTokenCounter() keeps the margin of a model that is not OpenAI's", () => {
  const mistral = fallbackTokenCounter("ollama", "mistral:7b");
  assert.equal(mistral.approximation, "UTF-8 bytes ÷ 3 × 1.4 for mistral:7b, no tokenizer");
  assert.equal(mistral.count("a".repeat(30)), 14);
  assert.equal(fallbackTokenCounter("anthropic", "claude-haiku-4-5").count("a".repeat(30)), 13);
});

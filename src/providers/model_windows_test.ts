import assert from "node:assert/strict";
import {
  lookupModelWindow,
  MODEL_WINDOWS,
  OLLAMA_DEFAULT_NUM_CTX,
  resolveModelWindow,
  UNKNOWN_MODEL,
} from "./model_windows.ts";

const limits = (model: string) => {
  const { contextWindow, maxOutputTokens, known } = lookupModelWindow(model);
  return [contextWindow, maxOutputTokens, known];
};

Deno.test("lookupModelWindow() matches OpenAI's dated snapshots by the longest prefix of their name", () => {
  assert.deepEqual(limits("gpt-4o"), [128_000, 16_384, true]);
  assert.deepEqual(limits("gpt-4o-2024-08-06"), [128_000, 16_384, true]);
  assert.deepEqual(limits("gpt-4o-2024-05-13"), [128_000, 4096, true], "the first gpt-4o wrote at most 4096");
  assert.deepEqual(limits("gpt-4o-mini-2024-07-18"), [128_000, 16_384, true]);
  assert.deepEqual(limits("gpt-4.1-nano-2025-04-14"), [1_047_576, 32_768, true]);
  assert.deepEqual(limits("gpt-5-mini-2025-08-07"), [400_000, 128_000, true]);
  assert.deepEqual(limits("gpt-5-chat-latest"), [128_000, 16_384, true]);
  assert.deepEqual(limits("o1-mini-2024-09-12"), [128_000, 65_536, true]);
  assert.deepEqual(limits("o3-mini-2025-01-31"), [200_000, 100_000, true]);
  assert.deepEqual(limits("o4-mini"), [200_000, 100_000, true]);
  assert.deepEqual(limits("gpt-4-turbo-2024-04-09"), [128_000, 4096, true]);
  assert.deepEqual(limits("gpt-4-0613"), [8192, 8192, true]);
  assert.deepEqual(limits("gpt-3.5-turbo-0125"), [16_385, 4096, true]);
  assert.deepEqual(limits("openai/gpt-4o"), [128_000, 16_384, true], "a gateway's vendor prefix is ignored");
});

Deno.test("lookupModelWindow() gives every Claude 200k, with the output limit of its generation", () => {
  assert.deepEqual(limits("claude-3-haiku-20240307"), [200_000, 4096, true]);
  assert.deepEqual(limits("claude-3-opus-20240229"), [200_000, 4096, true]);
  assert.deepEqual(limits("claude-3-5-sonnet-20241022"), [200_000, 8192, true]);
  assert.deepEqual(limits("claude-3-5-haiku-latest"), [200_000, 8192, true]);
  assert.deepEqual(limits("claude-3-7-sonnet-20250219"), [200_000, 64_000, true]);
  assert.deepEqual(limits("claude-sonnet-4-20250514"), [200_000, 64_000, true]);
  assert.deepEqual(limits("claude-opus-4-20250514"), [200_000, 32_000, true]);
  assert.deepEqual(limits("claude-opus-4-1-20250805"), [200_000, 32_000, true]);
  assert.deepEqual(limits("claude-sonnet-4-5-20250929"), [200_000, 64_000, true]);
  assert.deepEqual(limits("claude-haiku-4-5"), [200_000, 64_000, true]);
  assert.deepEqual(limits("claude-opus-4-5"), [200_000, 64_000, true]);
  assert.deepEqual(limits("anthropic/claude-3.5-sonnet"), [200_000, 8192, true], "OpenRouter's dotted names");
  assert.deepEqual(limits("claude-next"), [200_000, 4096, false], "an unknown Claude: 200k, the oldest output limit");
});

Deno.test("lookupModelWindow() matches Ollama's names with their tags and registry", () => {
  // A local model has no output limit of its own: its answer is given a quarter of the window.
  assert.deepEqual(limits("llama3.2:3b"), [131_072, 32_768, true]);
  assert.deepEqual(limits("llama3:8b"), [8192, 2048, true], "llama3 is not llama3.2");
  assert.deepEqual(limits("registry.ollama.ai/library/llama3.1:latest"), [131_072, 32_768, true]);
  assert.deepEqual(limits("qwen2.5:7b"), [32_768, 8192, true]);
  assert.deepEqual(limits("qwen2.5-coder:14b"), [32_768, 8192, true]);
  assert.deepEqual(limits("qwen3:8b"), [40_960, 10_240, true]);
  assert.deepEqual(limits("mistral:7b"), [32_768, 8192, true]);
  assert.deepEqual(limits("mistral-nemo"), [1_024_000, 256_000, true]);
  assert.deepEqual(limits("gemma2:9b"), [8192, 2048, true]);
  assert.deepEqual(limits("gemma3:1b"), [32_768, 8192, true], "a tag with its own limit");
  assert.deepEqual(limits("gemma3:12b"), [131_072, 32_768, true]);
  assert.deepEqual(limits("phi4:14b"), [16_384, 4096, true]);
  assert.deepEqual(limits("phi3:mini-128k"), [131_072, 32_768, true]);
  assert.deepEqual(limits("deepseek-r1:7b"), [131_072, 32_768, true]);
  assert.deepEqual(limits("gpt-oss:20b"), [131_072, 32_768, true]);
});

Deno.test("lookupModelWindow() flags a model it does not know and gives it the conservative default", () => {
  const unknown = lookupModelWindow("my-finetune:q8");
  assert.deepEqual(unknown, { ...UNKNOWN_MODEL, known: false });
  assert.ok(UNKNOWN_MODEL.contextWindow <= 8192);
});

Deno.test("no entry of the table writes more than it reads", () => {
  for (const [name, { contextWindow, maxOutputTokens }] of Object.entries(MODEL_WINDOWS)) {
    assert.ok(Number.isSafeInteger(contextWindow) && contextWindow > 0, name);
    assert.ok(maxOutputTokens <= contextWindow, name);
  }
});

Deno.test("resolveModelWindow() takes the table for OpenAI and Anthropic, and says so", () => {
  assert.deepEqual(resolveModelWindow("openai", "gpt-4o"), {
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    known: true,
    reason: "PAI's table of models",
  });
  const unknown = resolveModelWindow("openai-compatible", "mystery-model");
  assert.deepEqual([unknown.contextWindow, unknown.known], [UNKNOWN_MODEL.contextWindow, false]);
  assert.match(unknown.reason, /conservative default/);
});

Deno.test("resolveModelWindow() lets config.json win, field by field, by exact name or the longest prefix", () => {
  const models = {
    "gpt-4o": { maxOutputTokens: 2000 },
    "gpt-4o-mini": { contextWindow: 64_000 },
    "my-finetune": { contextWindow: 32_768, maxOutputTokens: 1024 },
  };
  assert.deepEqual(resolveModelWindow("openai", "gpt-4o-2024-08-06", { models }), {
    contextWindow: 128_000,
    maxOutputTokens: 2000,
    known: true,
    reason: "PAI's table of models",
  });
  const mini = resolveModelWindow("openai", "gpt-4o-mini", { models });
  assert.deepEqual([mini.contextWindow, mini.maxOutputTokens], [64_000, 16_384], "only the window is overridden");
  assert.equal(mini.reason, "config.json sets 64000 for gpt-4o-mini");
  const own = resolveModelWindow("openai-compatible", "my-finetune:v2", { models });
  assert.deepEqual([own.contextWindow, own.maxOutputTokens, own.known], [32_768, 1024, true]);
});

Deno.test("resolveModelWindow() never lets an answer be longer than the window", () => {
  const window = resolveModelWindow("openai", "gpt-4o", { models: { "gpt-4o": { contextWindow: 8000 } } });
  assert.deepEqual([window.contextWindow, window.maxOutputTokens], [8000, 8000]);
});

Deno.test("for Ollama, resolveModelWindow() assumes Ollama's default num_ctx, not the model's larger maximum", () => {
  const window = resolveModelWindow("ollama", "llama3.2:3b");
  // The answer's quarter of the window leaves three quarters for the prompt.
  assert.deepEqual([window.contextWindow, window.maxOutputTokens, window.known], [OLLAMA_DEFAULT_NUM_CTX, 1024, true]);
  assert.equal(
    window.reason,
    "Ollama's default num_ctx (4096), below the model's own maximum (131072, as PAI's table gives)",
  );
  const probed = resolveModelWindow("ollama", "llama3.2:3b", { ollama: { contextLength: 131_072 } });
  assert.match(probed.reason, /131072, as Ollama reports/);
});

Deno.test("for Ollama, a model whose maximum is below num_ctx keeps its maximum", () => {
  const tiny = resolveModelWindow("ollama", "tinyllama");
  assert.equal(tiny.contextWindow, 2048);
  assert.equal(
    tiny.reason,
    "the model's own maximum (2048, as PAI's table gives), within Ollama's default num_ctx (4096)",
  );
  const probed = resolveModelWindow("ollama", "custom:latest", { ollama: { contextLength: 1024 } });
  assert.deepEqual([probed.contextWindow, probed.known], [1024, true]);
});

Deno.test("for Ollama, a Modelfile's num_ctx or the server's default replaces 4096, within the model's maximum", () => {
  const modelfile = resolveModelWindow("ollama", "llama3.2", { ollama: { contextLength: 131_072, numCtx: 16_384 } });
  assert.equal(modelfile.contextWindow, 16_384);
  assert.match(modelfile.reason, /^the num_ctx of llama3\.2's Modelfile \(16384\)/);
  const server = resolveModelWindow("ollama", "llama3.2", { ollamaDefaultNumCtx: 32_768 });
  assert.equal(server.contextWindow, 32_768);
  assert.equal(resolveModelWindow("ollama", "llama3", { ollamaDefaultNumCtx: 32_768 }).contextWindow, 8192);
});

Deno.test("for Ollama, an unknown model not probed gets num_ctx, flagged unknown", () => {
  const window = resolveModelWindow("ollama", "my-finetune:q8");
  assert.deepEqual([window.contextWindow, window.known], [4096, false]);
  assert.equal(window.reason, "Ollama's default num_ctx (4096); the model's own maximum is not known");
});

Deno.test("for Ollama, config.json wins, naming the model as Ollama does", () => {
  const models = { "llama3.2:latest": { contextWindow: 32_768 } };
  const window = resolveModelWindow("ollama", "llama3.2", { models, ollama: { contextLength: 131_072 } });
  assert.deepEqual([window.contextWindow, window.maxOutputTokens], [32_768, 8192], "the answer's share follows");
  assert.equal(window.reason, "config.json sets 32768 for llama3.2");
  const both = resolveModelWindow("ollama", "llama3.2", { models: { llama3: { maxOutputTokens: 512 } } });
  assert.deepEqual([both.contextWindow, both.maxOutputTokens], [4096, 512]);
});

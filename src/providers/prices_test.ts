import assert from "node:assert/strict";
import { costUsd, formatUsd, lookupPrice, MODEL_PRICES, resolvePrice } from "./prices.ts";

const remote = (name: "openai" | "anthropic" | "openai-compatible" | "ollama", model: string) => ({
  spec: { name },
  locality: "remote" as const,
  model,
});

Deno.test("lookupPrice() finds a model by its name, its dated snapshots and aliases, and a vendor's prefix", () => {
  assert.deepEqual(lookupPrice("gpt-4o-mini-2024-07-18"), MODEL_PRICES["gpt-4o-mini"]);
  assert.deepEqual(lookupPrice("gpt-4o-2024-08-06"), MODEL_PRICES["gpt-4o"]);
  assert.deepEqual(lookupPrice("gpt-4o-2024-05-13"), MODEL_PRICES["gpt-4o-2024-05-13"]);
  assert.deepEqual(lookupPrice("gpt-4-1106-preview"), MODEL_PRICES["gpt-4-1106"]);
  assert.deepEqual(lookupPrice("gpt-4-0613"), MODEL_PRICES["gpt-4"]);
  assert.deepEqual(lookupPrice("chatgpt-4o-latest"), MODEL_PRICES["chatgpt-4o"]);
  assert.deepEqual(lookupPrice("claude-3-5-sonnet-20241022"), MODEL_PRICES["claude-3-5-sonnet"]);
  assert.deepEqual(lookupPrice("claude-sonnet-4-5-20250929"), MODEL_PRICES["claude-sonnet-4-5"]);
  assert.deepEqual(lookupPrice("anthropic/claude-3.5-sonnet"), MODEL_PRICES["claude-3-5-sonnet"]);
  assert.deepEqual(lookupPrice("openai/GPT-4o-mini"), MODEL_PRICES["gpt-4o-mini"]);
});

Deno.test("lookupPrice() does not lend a family's price to a newer model of it, nor price what it does not list", () => {
  for (const model of ["gpt-5.4", "gpt-4o-mini-search-preview-x", "claude-opus-4-6", "o3-deep-research", "m"]) {
    assert.equal(lookupPrice(model), undefined, model);
  }
});

Deno.test("resolvePrice(): local endpoints, Ollama and LM Studio are free; an unknown remote model's price is unknown", () => {
  assert.deepEqual(resolvePrice({ spec: { name: "openai" }, locality: "local", model: "m" }), {
    price: { inputPerMillion: 0, outputPerMillion: 0 },
    source: "local",
  });
  assert.equal(resolvePrice(remote("ollama", "llama3.2:latest")).source, "local");
  assert.deepEqual(resolvePrice(remote("openai-compatible", "some-model")), { price: null, source: "unknown" });
  assert.deepEqual(resolvePrice(remote("openai", "gpt-4o")), { price: MODEL_PRICES["gpt-4o"], source: "table" });
});

Deno.test("resolvePrice(): config.json's models win, field by field, for remote and local models alike", () => {
  const models = {
    "some-model": { inputPerMillion: 1, outputPerMillion: 2 },
    "gpt-4o": { outputPerMillion: 12 },
    "llama3.2": { inputPerMillion: 0.01, outputPerMillion: 0.02 },
  };
  assert.deepEqual(resolvePrice(remote("openai-compatible", "some-model-v2"), models), {
    price: { inputPerMillion: 1, outputPerMillion: 2 },
    source: "config",
  });
  // The table's input and cached prices stay; only the output is the user's.
  assert.deepEqual(resolvePrice(remote("openai", "gpt-4o"), models).price, {
    inputPerMillion: 2.5,
    outputPerMillion: 12,
    cachedInputPerMillion: 1.25,
  });
  assert.deepEqual(resolvePrice(remote("ollama", "llama3.2"), models).price, {
    inputPerMillion: 0.01,
    outputPerMillion: 0.02,
  });
  // Half a price is no price.
  assert.equal(resolvePrice(remote("openai-compatible", "x"), { x: { inputPerMillion: 1 } }).price, null);
});

Deno.test("costUsd() prices input, cached input and output per million tokens; null when the price is unknown", () => {
  const price = { inputPerMillion: 2.5, outputPerMillion: 10, cachedInputPerMillion: 1.25 };
  assert.equal(costUsd(price, { inputTokens: 1_000_000, outputTokens: 100_000 }), 3.5);
  assert.equal(costUsd(price, { inputTokens: 1_000_000, outputTokens: 0, cachedInputTokens: 400_000 }), 2);
  assert.equal(
    costUsd({ inputPerMillion: 3, outputPerMillion: 15 }, { inputTokens: 10, outputTokens: 0, cachedInputTokens: 10 }),
    0.00003,
  );
  assert.equal(costUsd(null, { inputTokens: 1, outputTokens: 1 }), null);
  assert.equal(costUsd(undefined, { inputTokens: 1, outputTokens: 1 }), null);
  assert.equal(costUsd({ inputPerMillion: 0.1, outputPerMillion: 0.2 }, { inputTokens: 1, outputTokens: 1 }), 3e-7);
});

Deno.test("formatUsd() writes costs for people, never in exponent notation", () => {
  assert.deepEqual(
    [0, 3e-7, 0.00045, 0.0041, 0.0123, 1.5, 12, null].map(formatUsd),
    ["$0", "$0.0000003", "$0.00045", "$0.0041", "$0.0123", "$1.50", "$12.00", "unknown"],
  );
});

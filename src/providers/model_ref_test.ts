import assert from "node:assert/strict";
import type { PaiError } from "../core/errors.ts";
import { formatModelRef, parseFullModelRef, parseModelRef } from "./model_ref.ts";

Deno.test("a model is PROVIDER:MODEL, or bare; only a known provider before the first colon is one", () => {
  assert.deepEqual(parseModelRef("ollama:qwen2.5:7b", "--model"), { provider: "ollama", model: "qwen2.5:7b" });
  assert.deepEqual(parseModelRef(" openai:gpt-4o ", "--model"), { provider: "openai", model: "gpt-4o" });
  assert.deepEqual(parseModelRef("llama3.2:latest", "--model"), { model: "llama3.2:latest" });
  assert.deepEqual(parseModelRef("gpt-4o", "--model"), { model: "gpt-4o" });
  assert.equal(formatModelRef({ provider: "ollama", model: "qwen2.5:7b" }), "ollama:qwen2.5:7b");
});

Deno.test("a model that names nothing, or no provider where one is needed, is a usage error naming the flag", () => {
  for (const [input, why] of [["ollama:", /names no model/], ["  ", /is empty/]] as const) {
    assert.throws(() => parseModelRef(input, "--model"), (e: PaiError) => e.exitCode === 2 && why.test(e.message));
  }
  assert.throws(
    () => parseModelRef("olama:llama3.2", "--model"),
    (e: PaiError) => e.exitCode === 2 && /"olama" is not a provider; did you mean ollama:llama3\.2\?/.test(e.message),
  );
  assert.deepEqual(parseModelRef("qwen2.5:7b", "--model"), { model: "qwen2.5:7b" }, "a model's own tag is no typo");
  assert.throws(
    () => parseFullModelRef("llama3.2", "--local-model"),
    (e: PaiError) => e.exitCode === 2 && /^--local-model "llama3.2": it names no provider$/.test(e.message),
  );
});

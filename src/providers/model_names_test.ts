import assert from "node:assert/strict";
import { findOfferedModel } from "./model_names.ts";

const OLLAMA_LIST = ["llama3.2:latest", "nomic-embed-text:latest", "qwen2.5:7b", "hf.co/bartowski/Phi-4-GGUF:Q4_K_M"];

Deno.test("findOfferedModel() finds an Ollama model typed without its tag as its :latest", () => {
  assert.equal(findOfferedModel("ollama", "llama3.2", OLLAMA_LIST), "llama3.2:latest");
  assert.equal(findOfferedModel("ollama", "llama3.2:latest", OLLAMA_LIST), "llama3.2:latest");
  assert.equal(findOfferedModel("ollama", "llama3.2:", OLLAMA_LIST), "llama3.2:latest");
});

Deno.test("findOfferedModel() treats Ollama's library/ and registry.ollama.ai/library/ prefixes as the same model", () => {
  for (
    const typed of [
      "library/llama3.2",
      "registry.ollama.ai/library/llama3.2:latest",
      "registry.ollama.ai/library/llama3.2",
    ]
  ) {
    assert.equal(findOfferedModel("ollama", typed, OLLAMA_LIST), "llama3.2:latest", typed);
  }
  // And the other way round: Ollama may list the qualified name of a model pulled by it.
  assert.equal(
    findOfferedModel("ollama", "llama3.2", ["registry.ollama.ai/library/llama3.2:latest"]),
    "registry.ollama.ai/library/llama3.2:latest",
  );
});

Deno.test("findOfferedModel() compares Ollama names without regard to case, and returns the name as listed", () => {
  assert.equal(findOfferedModel("ollama", "Llama3.2", OLLAMA_LIST), "llama3.2:latest");
  assert.equal(findOfferedModel("ollama", "QWEN2.5:7B", OLLAMA_LIST), "qwen2.5:7b");
  assert.equal(
    findOfferedModel("ollama", "hf.co/bartowski/phi-4-gguf:q4_k_m", OLLAMA_LIST),
    "hf.co/bartowski/Phi-4-GGUF:Q4_K_M",
  );
});

Deno.test("findOfferedModel() keeps apart Ollama models that differ in tag, namespace or registry", () => {
  assert.equal(findOfferedModel("ollama", "llama3.2:1b", OLLAMA_LIST), undefined);
  assert.equal(findOfferedModel("ollama", "qwen2.5", OLLAMA_LIST), undefined, "qwen2.5 means qwen2.5:latest, not :7b");
  assert.equal(findOfferedModel("ollama", "someone/llama3.2", OLLAMA_LIST), undefined);
  assert.equal(findOfferedModel("ollama", "example.com/library/llama3.2", OLLAMA_LIST), undefined);
  assert.equal(findOfferedModel("ollama", "llama3", OLLAMA_LIST), undefined);
  // A registry with a port: its colon is not a tag.
  assert.equal(
    findOfferedModel("ollama", "localhost:5000/team/model", ["localhost:5000/team/model:latest"]),
    "localhost:5000/team/model:latest",
  );
});

Deno.test("findOfferedModel() matches OpenAI, Anthropic and other providers' ids exactly", () => {
  const openai = ["gpt-4o-mini", "gpt-4o", "o3-mini"];
  assert.equal(findOfferedModel("openai", "gpt-4o-mini", openai), "gpt-4o-mini");
  assert.equal(findOfferedModel("openai", "GPT-4o-mini", openai), undefined);
  assert.equal(findOfferedModel("openai", "gpt-4o-mini:latest", openai), undefined);
  assert.equal(findOfferedModel("anthropic", "claude-sonnet-4-5", ["claude-sonnet-4-5"]), "claude-sonnet-4-5");
  assert.equal(findOfferedModel("anthropic", "Claude-Sonnet-4-5", ["claude-sonnet-4-5"]), undefined);
  for (const provider of ["lmstudio", "openai-compatible"] as const) {
    assert.equal(findOfferedModel(provider, "llama3.2", ["llama3.2:latest"]), undefined, provider);
    assert.equal(findOfferedModel(provider, "llama3.2:latest", ["llama3.2:latest"]), "llama3.2:latest", provider);
  }
});

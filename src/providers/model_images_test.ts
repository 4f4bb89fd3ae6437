import assert from "node:assert/strict";
import { resolveProvider } from "./registry.ts";
import { takesImages } from "./model_images.ts";

const resolved = (provider: "openai" | "anthropic" | "lmstudio", model: string) =>
  resolveProvider({ provider, model }, {
    env: (name) => name.endsWith("_API_KEY") ? "sk-test-0123456789abcdef" : undefined,
  });

Deno.test("takesImages() knows OpenAI's and Anthropic's models that take images, and those that do not", async () => {
  for (const model of ["gpt-4o", "gpt-4o-mini", "gpt-4.1-nano", "gpt-5", "o3", "o4-mini", "o1"]) {
    assert.equal((await takesImages(resolved("openai", model), undefined)).images, true, model);
  }
  for (const model of ["gpt-3.5-turbo", "gpt-4", "o1-mini", "o3-mini"]) {
    assert.equal((await takesImages(resolved("openai", model), undefined)).images, false, model);
  }
  assert.equal((await takesImages(resolved("anthropic", "claude-sonnet-4-5"), undefined)).images, true);
  assert.equal((await takesImages(resolved("anthropic", "claude-3-haiku-20240307"), undefined)).images, true);
  assert.equal((await takesImages(resolved("anthropic", "claude-2.1"), undefined)).images, false);
});

Deno.test("takesImages() takes config.json's word over the table, and says no where nothing says yes", async () => {
  const said = await takesImages(resolved("lmstudio", "qwen2-vl"), undefined);
  assert.deepEqual(said, { images: false, source: "nothing says so for lmstudio" });
  const configured = await takesImages(resolved("lmstudio", "qwen2-vl"), { "qwen2-vl": { images: true } });
  assert.deepEqual(configured, { images: true, source: "config.json's models" });
  assert.equal((await takesImages(resolved("openai", "gpt-4o"), { "gpt-4o": { images: false } })).images, false);
});

/** The fake lists models the way the real servers do, so that tests exercise the names users type. */
import assert from "node:assert/strict";
import { FakeModelServer } from "./fake_model_server.ts";

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.json() };
}

Deno.test("the fake's /api/tags lists models as Ollama does: tagged names and Ollama's fields", async () => {
  const server = FakeModelServer.start({
    models: ["llama3.2", "qwen2.5:7b", "nomic-embed-text"],
    embeddingModels: ["nomic-embed-text"],
  });
  try {
    const { body } = await getJson(`${server.url}/api/tags`);
    const models = body.models as Record<string, unknown>[];
    assert.deepEqual(models.map((m) => m.name), ["llama3.2:latest", "qwen2.5:7b", "nomic-embed-text:latest"]);
    for (const m of models) {
      assert.equal(m.model, m.name);
      assert.match(m.modified_at as string, /^\d{4}-\d\d-\d\dT/);
      assert.equal(typeof m.size, "number");
      assert.match(m.digest as string, /^[0-9a-f]{64}$/);
      const details = m.details as Record<string, unknown>;
      for (const field of ["format", "family", "parameter_size", "quantization_level"]) {
        assert.equal(typeof details[field], "string", field);
      }
    }
    assert.equal((models[2].details as { family: string }).family, "nomic-bert");
  } finally {
    await server.close();
  }
});

Deno.test("the fake's /api/show reports capabilities per model, resolving names as Ollama does", async () => {
  const server = FakeModelServer.start({
    models: ["llama3.2", "nomic-embed-text"],
    embeddingModels: ["nomic-embed-text"],
  });
  try {
    const show = (model: string) =>
      getJson(`${server.url}/api/show`, { method: "POST", body: JSON.stringify({ model }) });
    assert.deepEqual((await show("llama3.2")).body.capabilities, ["completion", "tools"]);
    assert.deepEqual((await show("registry.ollama.ai/library/llama3.2:latest")).body.capabilities, [
      "completion",
      "tools",
    ]);
    assert.deepEqual((await show("nomic-embed-text:latest")).body.capabilities, ["embedding"]);
    const missing = await show("mistral");
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error, "model 'mistral' not found");
    assert.equal(server.chatRequests.length, 0, "a probe is not a chat request");
  } finally {
    await server.close();
  }
});

Deno.test("the fake's /v1/models lists OpenAI's ids as given, or Ollama's tagged ids owned by library", async () => {
  const openai = FakeModelServer.start({ models: ["gpt-4o-mini"] });
  const ollama = FakeModelServer.start({ models: ["llama3.2"], ollama: true });
  try {
    const plain = (await getJson(`${openai.url}/v1/models`)).body.data as Record<string, unknown>[];
    assert.deepEqual(plain.map((m) => [m.id, m.object]), [["gpt-4o-mini", "model"]]);
    const tagged = (await getJson(`${ollama.url}/v1/models`)).body.data as Record<string, unknown>[];
    assert.deepEqual(tagged.map((m) => [m.id, m.object, m.owned_by]), [["llama3.2:latest", "model", "library"]]);
  } finally {
    await openai.close();
    await ollama.close();
  }
});

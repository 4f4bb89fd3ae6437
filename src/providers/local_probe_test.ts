import assert from "node:assert/strict";
import { chooseChatModel, probeCapabilities } from "./local_probe.ts";
import { resolveProvider } from "./registry.ts";

const CHAT = ["completion", "tools"];
const EMBEDDING = ["embedding"];

Deno.test("chooseChatModel() takes the first model whose capabilities include completion, naming those skipped", () => {
  assert.deepEqual(chooseChatModel(["llama3.2:latest", "qwen2.5:7b"], [CHAT, CHAT]), {
    kind: "chosen",
    model: "llama3.2:latest",
    why: "the first chat model Ollama lists",
  });
  assert.deepEqual(chooseChatModel(["nomic-embed-text:latest", "llama3.2:latest"], [EMBEDDING, CHAT]), {
    kind: "chosen",
    model: "llama3.2:latest",
    why: "the first chat model Ollama lists (nomic-embed-text:latest is an embedding model)",
  });
  assert.deepEqual(
    chooseChatModel(["a:latest", "b:latest", "c:latest", "d:latest"], [EMBEDDING, EMBEDDING, ["vision"], CHAT]),
    {
      kind: "chosen",
      model: "d:latest",
      why: "the first chat model Ollama lists (a:latest and b:latest are embedding models; " +
        "c:latest is not a chat model: it reports vision)",
    },
  );
});

Deno.test("chooseChatModel() prefers a model known to chat over one Ollama said nothing about", () => {
  assert.deepEqual(chooseChatModel(["slow:latest", "llama3.2:latest"], [undefined, CHAT]), {
    kind: "chosen",
    model: "llama3.2:latest",
    why: "the first chat model Ollama lists",
  });
  // An Ollama too old to report capabilities: the first model, as before, saying that it could not tell.
  assert.deepEqual(chooseChatModel(["nomic-embed-text:latest", "llama3.2:latest"], [undefined, undefined]), {
    kind: "chosen",
    model: "nomic-embed-text:latest",
    why: "the first model Ollama lists (it did not say which of its models chat)",
  });
  assert.deepEqual(chooseChatModel(["nomic-embed-text:latest", "x:latest"], [EMBEDDING, undefined]), {
    kind: "chosen",
    model: "x:latest",
    why: "the first model Ollama lists that may chat " +
      "(nomic-embed-text:latest is an embedding model; it did not say which of its models chat)",
  });
});

Deno.test("chooseChatModel() finds none when every model asked about does not chat, and says why", () => {
  assert.deepEqual(chooseChatModel(["nomic-embed-text:latest"], [EMBEDDING]), {
    kind: "none",
    why: "no chat model (nomic-embed-text:latest is an embedding model)",
  });
  assert.deepEqual(chooseChatModel(["a:latest", "b:latest"], [EMBEDDING, EMBEDDING], 3), {
    kind: "none",
    why: "no chat model among the first 2 it lists (a:latest and b:latest are embedding models)",
  });
});

Deno.test("probeCapabilities() asks /api/show for each model at once and gives up on all within the time limit", async () => {
  const hung: Promise<void>[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    const { model } = await request.json();
    if (model === "silent:latest") {
      // Never answers while the client waits; ends when the client goes away.
      const gone = new Promise<void>((resolve) => request.signal.addEventListener("abort", () => resolve()));
      hung.push(gone);
      await gone;
      return new Response(null, { status: 499 });
    }
    if (model === "old:latest") return Response.json({ details: {}, modelfile: "" });
    if (model === "missing:latest") {
      return Response.json({ error: "model 'missing:latest' not found" }, { status: 404 });
    }
    return Response.json({ capabilities: model.startsWith("embed") ? EMBEDDING : CHAT });
  });
  try {
    const ollama = resolveProvider({ provider: "ollama", model: "" }, {
      env: (n) => n === "OLLAMA_HOST" ? `http://127.0.0.1:${server.addr.port}` : undefined,
    });
    const started = performance.now();
    const caps = await probeCapabilities(
      ollama,
      ["llama3.2:latest", "silent:latest", "embed:latest", "old:latest", "missing:latest"],
      { timeoutMs: 300 },
    );
    const took = performance.now() - started;
    assert.deepEqual(caps, [CHAT, undefined, EMBEDDING, undefined, undefined]);
    assert.ok(took < 1000, `took ${took} ms`);
  } finally {
    await server.shutdown();
  }
});

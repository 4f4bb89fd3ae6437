import assert from "node:assert/strict";
import { FakeModelServer } from "../../tests/fakes/fake_model_server.ts";
import { chooseChatModel, ollamaContextLength, probeCapabilities } from "./local_probe.ts";
import { resolveModelWindow } from "./model_windows.ts";
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

Deno.test("ollamaContextLength() reads the model's <arch>.context_length and its Modelfile's num_ctx from /api/show", async () => {
  const server = FakeModelServer.start({
    models: ["llama3.2", "qwen2.5:7b", "nomic-embed-text"],
    embeddingModels: ["nomic-embed-text"],
    contextLengths: { "qwen2.5:7b": 32_768 },
    numCtx: { "qwen2.5:7b": 8192 },
  });
  try {
    assert.deepEqual(await ollamaContextLength(server.url, "llama3.2"), { contextLength: 131_072 });
    // The base URL PAI keeps for Ollama is its /v1; the probe goes to the native API beside it.
    assert.deepEqual(await ollamaContextLength(`${server.url}/v1`, "qwen2.5:7b"), {
      contextLength: 32_768,
      numCtx: 8192,
    });
    assert.deepEqual(await ollamaContextLength(`${server.url}/`, "nomic-embed-text:latest"), { contextLength: 2048 });
    assert.equal(await ollamaContextLength(server.url, "mistral"), undefined, "a model Ollama does not have");
    assert.deepEqual(server.requests.map((r) => [r.method, r.path]).at(-1), ["POST", "/api/show"]);
    assert.equal(server.chatRequests.length, 0);
  } finally {
    await server.close();
  }
});

Deno.test("the probed facts give the window PAI assumes: Ollama's num_ctx, within the model's maximum", async () => {
  const server = FakeModelServer.start({ models: ["llama3.2", "custom"], contextLengths: { custom: 2048 } });
  try {
    const window = async (model: string) =>
      resolveModelWindow("ollama", model, { ollama: await ollamaContextLength(server.url, model) }).contextWindow;
    assert.equal(await window("llama3.2"), 4096);
    assert.equal(await window("custom"), 2048);
  } finally {
    await server.close();
  }
});

Deno.test("ollamaContextLength() uses the fetch it is given, and gives up when its signal aborts", async () => {
  const asked: string[] = [];
  const fetchShow: typeof fetch = (input, init) => {
    asked.push(`${init?.method} ${input}`);
    return Promise.resolve(
      Response.json({ model_info: { "general.architecture": "gemma3", "gemma3.context_length": 131_072 } }),
    );
  };
  assert.deepEqual(await ollamaContextLength("http://ollama.lan:11434/v1", "gemma3", { fetch: fetchShow }), {
    contextLength: 131_072,
  });
  assert.deepEqual(asked, ["POST http://ollama.lan:11434/api/show"]);
  const never: typeof fetch = (_input, init) =>
    new Promise((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
  const controller = new AbortController();
  const pending = ollamaContextLength("http://127.0.0.1:9", "llama3.2", { fetch: never, signal: controller.signal });
  controller.abort();
  assert.equal(await pending, undefined);
});

Deno.test("ollamaContextLength() ignores a model_info without a usable context_length", async () => {
  const answering = (body: unknown): typeof fetch => () => Promise.resolve(Response.json(body));
  const probe = (body: unknown) => ollamaContextLength("http://127.0.0.1:11434", "m", { fetch: answering(body) });
  assert.deepEqual(await probe({ details: {} }), {}, "an Ollama too old to report model_info");
  assert.deepEqual(await probe({ model_info: { "general.architecture": "llama", "llama.context_length": "big" } }), {});
  assert.deepEqual(await probe({ model_info: { "llama.context_length": 8192 } }), {}, "no architecture to read it by");
  assert.deepEqual(await probe({ parameters: 'num_ctx 0\nstop "x"' }), {});
  assert.equal(await probe(["not", "an", "object"]), undefined);
});

/**
 * End to end: a fresh machine with a real-looking Ollama and a new user. The names users type (`llama3.2`) against
 * what servers list (`llama3.2:latest`), the model PAI picks when there is no session (a chat model, not the
 * embedding model Ollama happens to list first), and what the SDKs print reaching the user only through PAI.
 */
import assert from "node:assert/strict";
import { FakeModelServer } from "./fakes/fake_model_server.ts";
import { makePaiHome, runPai } from "./helpers/run_pai.ts";

Deno.test("pai init ollama --model llama3.2 starts a session on llama3.2:latest, the name Ollama lists", async () => {
  const server = FakeModelServer.start({
    models: ["nomic-embed-text", "llama3.2"],
    embeddingModels: ["nomic-embed-text"],
  });
  const home = makePaiHome();
  const env = { OLLAMA_HOST: server.url };
  try {
    const init = await runPai(["init", "ollama", "--model", "llama3.2"], { home, env });
    assert.equal(init.code, 0, init.stderr);
    assert.match(
      init.stdout,
      /Started session .*: ollama, model "llama3\.2:latest" at http:\/\/127\.0\.0\.1:\d+\/v1 \(local\)/,
    );
    assert.equal(init.stderr, 'Note: "llama3.2" is "llama3.2:latest" at Ollama: the session uses that name.\n');

    const prompt = await runPai(["prompt", "--no-tools", "hi"], { home, env });
    assert.equal(prompt.code, 0, prompt.stderr);
    assert.equal(prompt.stdout, "echo: hi\n");
    assert.equal(server.chatRequests.at(-1)!.body!.model, "llama3.2:latest");
    const status = JSON.parse((await runPai(["status", "--json"], { home, env })).stdout);
    assert.equal(status.session.model, "llama3.2:latest");
  } finally {
    await server.close();
    home.cleanup();
  }
});

Deno.test("pai init ollama accepts the names Ollama treats as one model, and refuses another tag", async () => {
  const server = FakeModelServer.start({ models: ["llama3.2"] });
  const home = makePaiHome();
  const env = { OLLAMA_HOST: server.url };
  try {
    for (
      const typed of ["llama3.2:latest", "library/llama3.2", "registry.ollama.ai/library/llama3.2:latest", "Llama3.2"]
    ) {
      const init = await runPai(["init", "ollama", "--model", typed], { home, env });
      assert.equal(init.code, 0, `${typed}: ${init.stderr}`);
      assert.match(init.stdout, /model "llama3\.2:latest"/, typed);
      if (typed !== "llama3.2:latest") assert.match(init.stderr, new RegExp(`"${typed}" is "llama3\\.2:latest"`));
      else assert.equal(init.stderr, "", "the name as listed needs no note");
    }
    const other = await runPai(["init", "ollama", "--model", "llama3.2:1b"], { home, env });
    assert.equal(other.code, 2);
    assert.match(other.stderr, /Unknown model "llama3\.2:1b" for ollama: it offers llama3\.2:latest/);
    assert.match(other.stderr, /ollama pull llama3\.2:1b/);
  } finally {
    await server.close();
    home.cleanup();
  }
});

Deno.test("pai init openai matches OpenAI's model ids exactly", async () => {
  const server = FakeModelServer.start({ models: ["gpt-4o-mini", "gpt-4o"] });
  const home = makePaiHome();
  const env = { OPENAI_API_KEY: "sk-test-openai-0123456789abcdef", OPENAI_BASE_URL: `${server.url}/v1` };
  try {
    const init = await runPai(["init", "openai", "--model", "gpt-4o-mini"], { home, env });
    assert.equal(init.code, 0, init.stderr);
    assert.equal(init.stderr, "");
    for (const typed of ["GPT-4o-mini", "gpt-4o-mini:latest"]) {
      const refused = await runPai(["init", "openai", "--model", typed], { home, env });
      assert.equal(refused.code, 2, typed);
      assert.match(refused.stderr, /it offers gpt-4o-mini, gpt-4o/);
    }
  } finally {
    await server.close();
    home.cleanup();
  }
});

Deno.test("with no session, PAI picks the first chat model Ollama lists and says why, not an embedding model", async () => {
  const server = FakeModelServer.start({
    models: ["nomic-embed-text", "all-minilm", "llama3.2", "qwen2.5"],
    embeddingModels: ["nomic-embed-text", "all-minilm"],
  });
  const home = makePaiHome();
  try {
    const out = await runPai(["prompt", "--no-tools", "hi"], { home, env: { OLLAMA_HOST: server.url } });
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, "echo: hi\n");
    assert.equal(server.chatRequests.at(-1)!.body!.model, "llama3.2:latest");
    assert.match(
      out.stderr,
      /No session yet: using ollama with model "llama3\.2:latest", the first chat model Ollama lists \(nomic-embed-text:latest and all-minilm:latest are embedding models\)\. Run "pai init" to choose\./,
    );
    // Choosing asks about a few models; the context manager then asks the chosen one's window, once.
    const shown = server.requests.filter((r) => r.path === "/api/show").map((r) => r.body?.model);
    assert.ok(new Set(shown).size <= 4, `at most a few models are asked about: ${shown}`);
    assert.ok(shown.length <= 5, `each at most once, the chosen one twice: ${shown}`);
  } finally {
    await server.close();
    home.cleanup();
  }
});

Deno.test("with no session and only embedding models at Ollama, PAI says so and uses OpenAI, or explains", async () => {
  const server = FakeModelServer.start({ models: ["nomic-embed-text"], embeddingModels: ["nomic-embed-text"] });
  const home = makePaiHome();
  try {
    const none = await runPai(["prompt", "hi"], { home, env: { OLLAMA_HOST: server.url } });
    assert.equal(none.code, 3);
    assert.match(
      none.stderr,
      /No provider is set up: Ollama at http:\/\/127\.0\.0\.1:\d+ has no chat model \(nomic-embed-text:latest is an embedding model\) and neither OPENAI_API_KEY nor ANTHROPIC_API_KEY is set/,
    );
    assert.equal(server.chatRequests.length, 0, "nothing was sent to the embedding model");

    const viaOpenai = await runPai(["prompt", "--no-tools", "hi"], {
      home,
      env: { OLLAMA_HOST: server.url, OPENAI_API_KEY: "sk-fallback-000000000000", OPENAI_BASE_URL: `${server.url}/v1` },
    });
    assert.equal(viaOpenai.code, 0, viaOpenai.stderr);
    assert.match(
      viaOpenai.stderr,
      /No session yet: Ollama at http:\/\/127\.0\.0\.1:\d+ has no chat model \(nomic-embed-text:latest is an embedding model\); using openai with model "gpt-4o-mini"/,
    );
    assert.equal(server.chatRequests.at(-1)!.body!.model, "gpt-4o-mini");
  } finally {
    await server.close();
    home.cleanup();
  }
});

Deno.test("the Anthropic SDK's deprecation warning reaches the user once, through PAI's own output", async () => {
  // The SDK (1.12.0) warns with a bare console.warn on every messages.create for the models in its table.
  const server = FakeModelServer.start({ models: ["claude-sonnet-4-5"] });
  const home = makePaiHome();
  const env = { ANTHROPIC_API_KEY: "sk-ant-test-0123456789abcdef", ANTHROPIC_BASE_URL: server.url };
  try {
    assert.equal((await runPai(["init", "anthropic", "--model", "claude-sonnet-4-5"], { home, env })).code, 0);
    const chat = await runPai(["chat", "--no-stream"], { home, env, stdin: "first\nsecond\nthird\nexit\n" });
    assert.equal(chat.code, 0, chat.stderr);
    assert.equal(chat.stdout, "echo: first\necho: second\necho: third\n");
    assert.equal(server.chatRequests.length, 3);
    const lines = chat.stderr.split("\n").filter(Boolean);
    assert.deepEqual(lines, [
      "pai: The model 'claude-sonnet-4-5' is deprecated and will reach end-of-life on November 30th, 2026. " +
      "Please migrate to a newer model. Visit https://docs.anthropic.com/en/docs/resources/model-deprecations " +
      "for more information.",
    ]);
  } finally {
    await server.close();
    home.cleanup();
  }
});

Deno.test("pai init ollama refuses an embedding model, storing nothing; with Ollama down it says to start it", async () => {
  const server = FakeModelServer.start({
    models: ["nomic-embed-text", "llama3.2"],
    embeddingModels: ["nomic-embed-text"],
  });
  const home = makePaiHome();
  try {
    const init = await runPai(["init", "ollama", "--model", "nomic-embed-text"], {
      home,
      env: { OLLAMA_HOST: server.url },
    });
    assert.equal(init.code, 2, init.stderr);
    assert.match(init.stderr, /Ollama says "nomic-embed-text:latest" cannot chat \(embedding\): nothing was stored/);
    const status = await runPai(["sessions", "--json"], { home, env: { OLLAMA_HOST: server.url } });
    assert.deepEqual(JSON.parse(status.stdout), [], "a session was stored");
    await server.close();
    const down = await runPai(["init", "ollama", "--model", "llama3.2"], { home, env: { OLLAMA_HOST: server.url } });
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stderr, /could not list the models at .* \(is the server running\? for Ollama: ollama serve\)/);
  } finally {
    home.cleanup();
  }
});

Deno.test("pai providers says where each provider runs even before its key is set", async () => {
  const home = makePaiHome();
  try {
    const out = await runPai(["providers", "--json"], { home });
    assert.equal(out.code, 0, out.stderr);
    const where = Object.fromEntries(
      (JSON.parse(out.stdout) as { name: string; locality: string }[]).map((r) => [r.name, r.locality]),
    );
    assert.deepEqual(where, {
      openai: "remote",
      anthropic: "remote",
      ollama: "local",
      lmstudio: "local",
      "openai-compatible": "unknown",
    });
  } finally {
    home.cleanup();
  }
});

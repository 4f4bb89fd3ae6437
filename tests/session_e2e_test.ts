/**
 * End to end: a user inits each provider kind, prompts, chats, checks status
 * and resets, with the real `pai` process against the loopback fake server.
 */
import assert from "node:assert/strict";
import { FakeModelServer } from "./fakes/fake_model_server.ts";
import { makePaiHome, runPai } from "./helpers/run_pai.ts";

interface Kind {
  provider: string;
  env: (url: string) => Record<string, string>;
  extraInit?: (url: string) => string[];
  chatPath: string;
  auth?: (headers: Record<string, string>) => string | undefined;
  /** The name the server lists for "m-2", which the session keeps (Ollama lists tags). */
  listed?: string;
}

const KINDS: Kind[] = [
  {
    provider: "openai",
    env: (url) => ({ OPENAI_API_KEY: "sk-test-openai-0123456789abcdef", OPENAI_BASE_URL: `${url}/v1` }),
    chatPath: "/v1/chat/completions",
    auth: (h) => h.authorization,
  },
  {
    provider: "anthropic",
    env: (url) => ({ ANTHROPIC_API_KEY: "sk-ant-test-0123456789abcdef", ANTHROPIC_BASE_URL: url }),
    chatPath: "/v1/messages",
    // SDK 1.x sends the key as a bearer token; the API also takes x-api-key.
    auth: (h) => h["x-api-key"] ?? h.authorization,
  },
  { provider: "ollama", env: (url) => ({ OLLAMA_HOST: url }), chatPath: "/v1/chat/completions", listed: "m-2:latest" },
  { provider: "lmstudio", env: (url) => ({ LMSTUDIO_BASE_URL: `${url}/v1` }), chatPath: "/v1/chat/completions" },
  {
    provider: "openai-compatible",
    env: () => ({}),
    extraInit: (url) => ["--base-url", `${url}/v1`],
    chatPath: "/v1/chat/completions",
  },
];

for (const kind of KINDS) {
  Deno.test(`a user can init ${kind.provider}, prompt, chat, see status and reset`, async () => {
    const server = FakeModelServer.start({ models: ["m-1", "m-2"] });
    const home = makePaiHome();
    const env = kind.env(server.url);
    try {
      const init = await runPai(["init", kind.provider, "--model", "m-2", ...(kind.extraInit?.(server.url) ?? [])], {
        home,
        env,
      });
      assert.equal(init.code, 0, init.stderr);
      const model = kind.listed ?? "m-2";
      assert.equal(
        init.stderr,
        kind.listed ? `Note: "m-2" is "${model}" at Ollama: the session uses that name.\n` : "",
        "the model list was read and m-2 found in it",
      );
      assert.match(init.stdout, new RegExp(`Started session .*: ${kind.provider}, model "${model}" .*\\(local\\)`));

      server.enqueue({ text: ["Hello", " from", " the fake"], usage: { input: 20, output: 3 } });
      const prompt = await runPai(["prompt", "Say", "hello"], { home, env });
      assert.equal(prompt.code, 0, prompt.stderr);
      assert.equal(prompt.stdout, "Hello from the fake\n");
      const sent = server.chatRequests[0];
      assert.equal(sent.path, kind.chatPath);
      assert.equal(sent.body?.model, model);
      assert.equal(sent.body?.stream, true);
      if (kind.auth) assert.ok(kind.auth(sent.headers)?.includes(env[`${kind.provider.toUpperCase()}_API_KEY`]));

      // Chat keeps the history: the second turn carries the first.
      const chat = await runPai(["chat"], { home, env, stdin: "first message\nsecond message\nexit\nnot sent\n" });
      assert.equal(chat.code, 0, chat.stderr);
      assert.equal(chat.stdout, "echo: first message\necho: second message\n");
      const second = server.chatRequests[2].body!.messages as { role: string; content: string }[];
      const turns = second.filter((m) => m.role !== "system").map((m) => m.content);
      assert.deepEqual(turns, ["first message", "echo: first message", "second message"]);
      assert.equal(server.chatRequests.length, 3);

      const status = await runPai(["status", "--json"], { home, env });
      assert.equal(status.code, 0, status.stderr);
      const s = JSON.parse(status.stdout).session;
      assert.equal(s.provider, kind.provider);
      assert.equal(s.model, model);
      assert.equal(s.mode, "chat");
      assert.equal(s.locality, "local");
      assert.equal(s.messages, 6);
      assert.deepEqual(s.usage, { inputTokens: 20 + 11 + 11, outputTokens: 3 + 7 + 7 });

      const reset = await runPai(["reset"], { home, env });
      assert.equal(reset.code, 0, reset.stderr);
      assert.match(reset.stdout, /Cleared 6 messages/);
      const after = JSON.parse((await runPai(["status", "--json"], { home, env })).stdout).session;
      assert.equal(after.messages, 0);
      assert.deepEqual(after.usage, s.usage, "the audit log keeps the usage after a reset");

      await runPai(["chat"], { home, env, stdin: "fresh start\n" });
      const fresh = server.chatRequests.at(-1)!.body!.messages as { role: string }[];
      assert.equal(fresh.filter((m) => m.role !== "system").length, 1, "history is gone after reset");
    } finally {
      await server.close();
      home.cleanup();
    }
  });
}

/** End to end: what bad input and provider faults get. */
import assert from "node:assert/strict";
import { openaiSession, storedHistory } from "./helpers/session.ts";
import { closedPort, makePaiHome, runPai } from "./helpers/run_pai.ts";
import { FakeModelServer } from "./fakes/fake_model_server.ts";

Deno.test("a missing API key exits non-zero naming the variable, and sends nothing", async () => {
  const s = await openaiSession();
  try {
    const before = s.server.requests.length;
    const out = await runPai(["prompt", "hi"], { home: s.home, env: { OPENAI_BASE_URL: s.env.OPENAI_BASE_URL } });
    assert.equal(out.code, 4);
    assert.match(out.stderr, /^pai: Cannot use openai: OPENAI_API_KEY is not set\n/);
    assert.equal(out.stderr.trim().split("\n").length, 2, "one line, plus the hint");
    assert.equal(s.server.requests.length, before, "no request was sent");
    const anthropic = await runPai(["init", "anthropic", "--model", "x"], { home: s.home });
    assert.equal(anthropic.code, 4);
    assert.match(anthropic.stderr, /ANTHROPIC_API_KEY is not set/);
  } finally {
    await s.close();
  }
});

Deno.test("unknown providers and models get the list of valid choices", async () => {
  const s = await openaiSession({ models: ["m", "gpt-x", "gpt-y"] });
  try {
    const provider = await runPai(["init", "openia", "--model", "m"], { home: s.home, env: s.env });
    assert.equal(provider.code, 2);
    assert.match(provider.stderr, /Unknown provider "openia": choose one of openai, anthropic, ollama, lmstudio/);
    const model = await runPai(["init", "openai", "--model", "gtp-x"], { home: s.home, env: s.env });
    assert.equal(model.code, 2);
    assert.match(model.stderr, /Unknown model "gtp-x" for openai: it offers m, gpt-x, gpt-y/);
    const flag = await runPai(["init", "openai", "--modle", "m"], { home: s.home, env: s.env });
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /--modle.*did you mean --model/);
    assert.doesNotMatch(flag.stderr + model.stderr + provider.stderr, /\bat .*\.ts:\d+/, "no stack trace");
  } finally {
    await s.close();
  }
});

Deno.test("a 429 is retried after the time retry-after gives, then the answer arrives", async () => {
  const s = await openaiSession();
  try {
    s.server.enqueue(
      {
        status: 429,
        headers: { "retry-after-ms": "50" },
        errorBody: { error: { message: "Rate limit", type: "requests" } },
      },
      { text: "finally" },
    );
    const out = await runPai(["prompt", "hi"], { home: s.home, env: s.env });
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, "finally\n");
    assert.equal(s.server.chatRequests.length, 2);
  } finally {
    await s.close();
  }
});

Deno.test("a 429 that means quota is reached is not retried and says so", async () => {
  const s = await openaiSession();
  try {
    s.server.enqueue({
      status: 429,
      errorBody: {
        error: { message: "You exceeded your current quota", type: "insufficient_quota", code: "insufficient_quota" },
      },
    });
    const out = await runPai(["prompt", "hi"], { home: s.home, env: s.env });
    assert.equal(out.code, 5);
    assert.match(out.stderr, /openai refused the request: quota or spend limit reached \(429\): You exceeded/);
    assert.equal(s.server.chatRequests.length, 1);
  } finally {
    await s.close();
  }
});

Deno.test("5xx errors are retried to the bound, then reported in one line with the status", async () => {
  const s = await openaiSession();
  try {
    const fail = { status: 503, headers: { "retry-after-ms": "10" }, errorBody: { error: { message: "overloaded" } } };
    s.server.enqueue(fail, fail, fail, { text: "never reached" });
    const out = await runPai(["prompt", "hi"], { home: s.home, env: s.env });
    assert.equal(out.code, 5);
    assert.match(out.stderr, /^pai: openai failed with status 503 after 3 attempts: overloaded\n/);
    assert.equal(s.server.chatRequests.length, 3);
  } finally {
    await s.close();
  }
});

Deno.test("a refused connection names the URL and how to change it", async () => {
  const home = makePaiHome();
  try {
    const port = closedPort();
    const env = { OLLAMA_HOST: `127.0.0.1:${port}` };
    assert.equal((await runPai(["init", "ollama", "--model", "llama3.2"], { home, env })).code, 0);
    const out = await runPai(["prompt", "hi"], { home, env });
    assert.equal(out.code, 6);
    assert.match(
      out.stderr,
      new RegExp(`Cannot connect to ollama at "http://127.0.0.1:${port}/v1": connection refused`),
    );
    assert.match(out.stderr, /set OLLAMA_HOST, or run "pai init ollama --model llama3.2 --base-url URL"/);
  } finally {
    home.cleanup();
  }
});

Deno.test("a stream that breaks off is reported, and what arrived is kept marked", async () => {
  const s = await openaiSession();
  try {
    s.server.enqueue({ text: ["part one ", "part two ", "part three"], truncateAfter: 3 });
    const out = await runPai(["prompt", "hi"], { home: s.home, env: s.env });
    assert.equal(out.code, 5);
    assert.equal(out.stdout, "part one part two [the answer ended before it was complete]\n");
    assert.match(out.stderr, /ended before it was complete/);
    const last = storedHistory(s.home).at(-1)!;
    assert.deepEqual([last.role, last.content, last.interrupted], ["assistant", "part one part two ", true]);
  } finally {
    await s.close();
  }
});

Deno.test("model output cannot move the cursor, clear the screen, hide links or write the clipboard", async () => {
  const s = await openaiSession();
  try {
    const hostile = "ok\x1b[2J\x1b[H\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\\x1b]52;c;ZXZpbA==\x07\x9b31m";
    s.server.enqueue({ text: [hostile] });
    const out = await runPai(["prompt", "hi"], { home: s.home, env: s.env });
    assert.equal(out.code, 0, out.stderr);
    // deno-lint-ignore no-control-regex -- looking for exactly these raw controls
    assert.ok(!/[\x1b\x07\x9b]/.test(out.stdout), JSON.stringify(out.stdout));
    assert.match(out.stdout, /^ok␛\[2J/);
  } finally {
    await s.close();
  }
});

Deno.test("API keys never appear in output, errors or the database", async () => {
  const s = await openaiSession({ apiKey: "the-right-key-000000" });
  try {
    // The fake echoes the wrong key back in its 401, as OpenAI does.
    const out = await runPai(["prompt", "hi"], { home: s.home, env: s.env });
    assert.equal(out.code, 4);
    assert.match(out.stderr, /openai refused the credentials \(401\): Incorrect API key provided: \[REDACTED\]/);
    assert.match(out.stderr, /Check the key in OPENAI_API_KEY/);
    for (const name of Deno.readDirSync(s.home.dir)) {
      const bytes = new TextDecoder().decode(Deno.readFileSync(`${s.home.dir}/${name.name}`));
      assert.ok(!bytes.includes(s.env.OPENAI_API_KEY), `${name.name} holds the key`);
    }
    assert.ok(!(out.stdout + out.stderr).includes(s.env.OPENAI_API_KEY));
  } finally {
    await s.close();
  }
});

Deno.test("with no session, PAI uses a local Ollama that answers, else OpenAI with a key, else explains", async () => {
  const server = FakeModelServer.start({ models: ["llama-local"] });
  const home = makePaiHome();
  try {
    const none = await runPai(["prompt", "hi"], { home });
    assert.equal(none.code, 3);
    assert.equal(none.stderr.trim().split("\n").length, 2);
    assert.match(
      none.stderr,
      /no local Ollama answered and neither OPENAI_API_KEY nor ANTHROPIC_API_KEY is set\nRun "pai init ollama/,
    );

    const viaOpenai = await runPai(["prompt", "hi"], {
      home,
      env: { OPENAI_API_KEY: "sk-fallback-000000000000", OPENAI_BASE_URL: `${server.url}/v1` },
    });
    assert.equal(viaOpenai.code, 0, viaOpenai.stderr);
    assert.match(viaOpenai.stderr, /using openai with model "gpt-4o-mini"/);
    assert.equal(server.chatRequests.at(-1)!.body!.model, "gpt-4o-mini");

    const home2 = makePaiHome();
    try {
      const viaOllama = await runPai(["prompt", "hi"], { home: home2, env: { OLLAMA_HOST: server.url } });
      assert.equal(viaOllama.code, 0, viaOllama.stderr);
      assert.match(viaOllama.stderr, /using ollama with model "llama-local:latest", the first chat model Ollama lists/);
      assert.equal(server.chatRequests.at(-1)!.body!.model, "llama-local:latest");
    } finally {
      home2.cleanup();
    }
  } finally {
    await server.close();
    home.cleanup();
  }
});

Deno.test("pai providers does not hang on a host that accepts connections but never answers", async () => {
  const silent = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of silent) held.push(conn);
  })();
  const home = makePaiHome();
  try {
    const port = (silent.addr as Deno.NetAddr).port;
    const out = await runPai(["providers"], { home, env: { OLLAMA_HOST: `127.0.0.1:${port}` } });
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, new RegExp(`ollama +local +not answering at http://127.0.0.1:${port}/v1`));
    assert.match(out.stdout, /openai +remote +Cannot use openai: OPENAI_API_KEY is not set/);
  } finally {
    silent.close();
    await accepting.catch(() => {});
    held.forEach((c) => c.close());
    home.cleanup();
  }
});

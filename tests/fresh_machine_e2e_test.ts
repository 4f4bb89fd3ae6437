/**
 * End to end: a fresh machine, a real endpoint and a new user. What an unreachable endpoint, a cut answer, a short
 * key, a missing HOME, a commented config.json and `deno task pai` from the user's own folder get.
 */
import assert from "node:assert/strict";
import { openaiSession } from "./helpers/session.ts";
import { closedPort, makePaiHome, paiEnv, ROOT, runPai } from "./helpers/run_pai.ts";

Deno.test("an unreachable endpoint is named in one sentence with what to do: start a local server, check a remote URL", async () => {
  const home = makePaiHome();
  try {
    // Commented, as policy.json may be: no retries, so that the failures come at once.
    Deno.writeTextFileSync(`${home.dir}/config.json`, '// tests\n{ "maxRetries": 0 /* fail fast */ }\n');
    const port = closedPort();
    const env = { OLLAMA_HOST: `127.0.0.1:${port}` };
    assert.equal((await runPai(["init", "ollama", "--model", "llama3.2"], { home, env })).code, 0);
    const refused = await runPai(["prompt", "hi"], { home, env });
    assert.equal(refused.code, 6);
    assert.deepEqual(refused.stderr.trim().split("\n"), [
      `pai: Cannot connect to ollama at "http://127.0.0.1:${port}/v1": connection refused (nothing listens on ` +
      `127.0.0.1:${port})`,
      `Start the server ("ollama serve"), or set OLLAMA_HOST, or run "pai init ollama --model llama3.2 --base-url URL"`,
    ]);

    const url = "http://does-not-exist.invalid/v1";
    const init = await runPai(["init", "openai-compatible", "--model", "m", "--base-url", url], { home });
    assert.equal(init.code, 0, init.stderr);
    const unresolved = await runPai(["prompt", "hi"], { home });
    assert.equal(unresolved.code, 6);
    const [message, hint, ...more] = unresolved.stderr.trim().split("\n");
    assert.equal(
      message,
      `pai: Cannot connect to openai-compatible at "${url}": the host name "does-not-exist.invalid" could not be ` +
        "resolved (DNS)",
    );
    assert.match(
      hint,
      /^Check the host name in the URL, your network connection and any proxy \("proxy" in config\.json\)/,
    );
    assert.deepEqual(more, []);
    assert.doesNotMatch(unresolved.stderr, /fetch failed|error sending request|client error|Start the server/);
  } finally {
    home.cleanup();
  }
});

Deno.test("an answer cut by the token limit is printed with a note on stderr that says so", async () => {
  const requests: Record<string, unknown>[] = [];
  // The scripted fake always finishes with "stop": this endpoint answers as OpenAI does when max_tokens is reached.
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    if (request.method !== "POST") return Response.json({ object: "list", data: [{ id: "m", object: "model" }] });
    requests.push(await request.json());
    return Response.json({
      id: "chatcmpl-1",
      object: "chat.completion",
      created: 0,
      model: "m",
      choices: [{ index: 0, finish_reason: "length", message: { role: "assistant", content: "The first half of" } }],
      usage: { prompt_tokens: 5, completion_tokens: 20, total_tokens: 25 },
    });
  });
  const home = makePaiHome();
  try {
    Deno.writeTextFileSync(`${home.dir}/config.json`, '{ "maxTokens": 20 }\n');
    const base = `http://127.0.0.1:${server.addr.port}/v1`;
    assert.equal((await runPai(["init", "openai-compatible", "--model", "m", "--base-url", base], { home })).code, 0);
    const out = await runPai(["prompt", "--no-stream", "tell me everything"], { home });
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, "The first half of\n");
    assert.match(
      out.stderr,
      /Note: the answer was cut short at the token limit \(maxTokens 20 in PAI's config\.json\)/,
    );
    assert.equal(requests[0].max_tokens, 20);
  } finally {
    await server.shutdown();
    home.cleanup();
  }
});

Deno.test("the configured key is redacted from a 401 however short it is, and whatever its variable is named", async () => {
  const s = await openaiSession({ apiKey: "the-right-key-000000" });
  try {
    // The fake echoes the wrong key back in its 401, as OpenAI does.
    const short = await runPai(["prompt", "hi"], { home: s.home, env: { ...s.env, OPENAI_API_KEY: "abc12" } });
    assert.equal(short.code, 4);
    assert.match(short.stderr, /refused the credentials \(401\): Incorrect API key provided: \[REDACTED\]\n/);
    assert.ok(!short.stderr.includes("abc12"), short.stderr);

    const named = { ROUTER: "router-value-not-key-shaped" };
    const base = ["--base-url", `${s.server.url}/v1`, "--api-key-env", "ROUTER"];
    const init = await runPai(["init", "openai-compatible", "--model", "m", ...base], { home: s.home, env: named });
    assert.equal(init.code, 0, init.stderr);
    const out = await runPai(["prompt", "hi"], { home: s.home, env: named });
    assert.equal(out.code, 4);
    assert.match(out.stderr, /Incorrect API key provided: \[REDACTED\]\n/);
    assert.ok(!out.stderr.includes(named.ROUTER), out.stderr);
  } finally {
    await s.close();
  }
});

Deno.test("with HOME unset PAI refuses, instead of keeping its state in the current folder", async () => {
  const home = makePaiHome();
  try {
    const here = `${home.dir}/somewhere`;
    Deno.mkdirSync(here);
    const out = await runPai(["status"], { home, cwd: here, env: { HOME: "", PAI_HOME: "" } });
    assert.equal(out.code, 3, out.stdout + out.stderr);
    assert.deepEqual(out.stderr.trim().split("\n"), [
      "pai: Cannot tell where PAI keeps its files: HOME is not set (or not an absolute path)",
      "Set HOME, or set PAI_HOME (or both XDG_CONFIG_HOME and XDG_DATA_HOME) to an absolute folder",
    ]);
    assert.deepEqual([...Deno.readDirSync(here)], [], "nothing was created here");
    // Absolute XDG folders are enough.
    const xdg = { HOME: "", PAI_HOME: "", XDG_CONFIG_HOME: `${home.dir}/c`, XDG_DATA_HOME: `${home.dir}/d` };
    const ok = await runPai(["status"], { home, cwd: here, env: xdg });
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok(Deno.statSync(`${home.dir}/d/pai/pai.db`).isFile);
  } finally {
    home.cleanup();
  }
});

Deno.test("deno task pai, run from another folder, takes that folder as the workspace (INIT_CWD)", async () => {
  const home = makePaiHome();
  try {
    const project = await Deno.realPath(Deno.makeTempDirSync({ prefix: "pai_project_" }));
    try {
      Deno.mkdirSync(`${project}/sub`);
      Deno.writeTextFileSync(`${project}/sub/x`, "x\n");
      const task = await new Deno.Command(Deno.execPath(), {
        args: [
          "task",
          "--quiet",
          "--config",
          `${ROOT}deno.json`,
          "pai",
          "policy",
          "explain",
          "--json",
          "fs_read",
          '{"path":"x"}',
        ],
        cwd: `${project}/sub`,
        clearEnv: true,
        env: paiEnv(home),
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(task.stderr);
      assert.equal(task.code, 0, stderr);
      const explained = JSON.parse(new TextDecoder().decode(task.stdout));
      assert.equal(explained.decision, "allow", explained.reason);
      assert.deepEqual(explained.flags.filter((f: string) => f.startsWith("--allow-read")), [
        `--allow-read=${project}/sub/x`,
      ]);
    } finally {
      Deno.removeSync(project, { recursive: true });
    }
  } finally {
    home.cleanup();
  }
});

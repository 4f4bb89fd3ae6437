/**
 * End to end: the SDK bundles in PAI's cache. `init` builds the bundle of its provider's SDK, prompts run on it,
 * a broken one is replaced by the npm package and rebuilt, and where no bundle can be had the answer is the same.
 */
import assert from "node:assert/strict";
import { FakeModelServer } from "./fakes/fake_model_server.ts";
import { MAIN, makePaiHome, paiEnv, type PaiHome, runPai } from "./helpers/run_pai.ts";

const PROVIDERS = [
  // OpenAI's bundle runs as a script with a code cache; Anthropic's imports Node's modules, so it stays a module.
  {
    name: "openai",
    file: /^openai@[\d.]+\.b1\.js$/,
    codeCache: true,
    env: (url: string) => ({ OPENAI_BASE_URL: `${url}/v1` }),
  },
  {
    name: "anthropic",
    file: /^@anthropic-ai\+sdk@[\d.]+\.b1\.js$/,
    codeCache: false,
    env: (url: string) => ({ ANTHROPIC_BASE_URL: url }),
  },
];

/** A PAI home with its own cache folder, and a session of `provider` on a fake server. */
async function setup(provider: (typeof PROVIDERS)[number], cacheDir?: string) {
  const server = FakeModelServer.start({ models: ["m"] });
  const home = makePaiHome();
  const cache = cacheDir ?? `${home.dir}/cache`;
  const env = {
    OPENAI_API_KEY: "sk-test-openai-0123456789abcdef",
    ANTHROPIC_API_KEY: "sk-ant-test-0123456789abcdef",
    PAI_CACHE_DIR: cache,
    ...provider.env(server.url),
  };
  const init = await runPai(["init", provider.name, "--model", "m"], { home, env });
  assert.equal(init.code, 0, init.stderr);
  const ask = async (text: string, extra: Record<string, string> = {}) => {
    server.enqueue({ text: `answer to ${text}` });
    return await runPai(["prompt", "--no-tools", text], { home, env: { ...env, ...extra } });
  };
  const close = async () => {
    await server.close();
    home.cleanup();
  };
  return { server, home, cache, env, init, ask, close };
}

const bundles = (cache: string) => {
  try {
    return [...Deno.readDirSync(`${cache}/sdk`)].map((e) => e.name);
  } catch {
    return [];
  }
};

for (const provider of PROVIDERS) {
  Deno.test(`${provider.name}: init bundles the SDK, prompts run on it, a broken bundle is replaced and rebuilt`, async () => {
    const s = await setup(provider);
    try {
      assert.equal(s.init.stderr, "", "building the bundle is quiet");
      const [file, ...others] = bundles(s.cache);
      assert.match(file, provider.file);
      assert.deepEqual(others, []);
      const before = Deno.statSync(`${s.cache}/sdk/${file}`).mtime;

      const first = await s.ask("one");
      assert.equal(first.code, 0, first.stderr);
      assert.equal(first.stdout, "answer to one\n");
      assert.equal(first.stderr, "");
      assert.deepEqual(Deno.statSync(`${s.cache}/sdk/${file}`).mtime, before, "the bundle is reused, not rebuilt");
      // The first answer leaves the bundle's code cache beside it; the next start runs from it and keeps it as it is.
      const codeCache = `${s.cache}/sdk/${file}.v8`;
      const kept = provider.codeCache ? Deno.readFileSync(codeCache) : undefined;
      if (!kept) assert.throws(() => Deno.statSync(codeCache), Deno.errors.NotFound);
      const again = await s.ask("one again");
      assert.equal(again.stdout, "answer to one again\n");
      assert.equal(again.stderr, "");
      if (kept) assert.deepEqual(Deno.readFileSync(codeCache), kept);

      // A broken bundle is found only by importing it: this proves prompts run on the bundle.
      Deno.writeTextFileSync(`${s.cache}/sdk/${file}`, "export default 42; this is not { JavaScript");
      const broken = await s.ask("two");
      assert.equal(broken.code, 0, broken.stderr);
      assert.equal(broken.stdout, "answer to two\n", "the npm package answered instead");
      assert.match(broken.stderr, /The bundled copy of .* was broken: removed; it is rebuilt next time/);
      assert.deepEqual(bundles(s.cache), [], "its code cache went with it");

      const rebuilt = await s.ask("three");
      assert.equal(rebuilt.stdout, "answer to three\n");
      assert.equal(rebuilt.stderr, "");
      assert.deepEqual(bundles(s.cache).sort(), provider.codeCache ? [file, `${file}.v8`] : [file]);
      assert.ok(Deno.statSync(`${s.cache}/sdk/${file}`).size > 100_000, "rebuilt whole");
    } finally {
      await s.close();
    }
  });
}

Deno.test("PAI_NO_SDK_BUNDLE=1 and an unusable cache folder both give the same answer from the npm package", async () => {
  const s = await setup(PROVIDERS[0]);
  try {
    Deno.removeSync(s.cache, { recursive: true });
    const npm = await s.ask("plain", { PAI_NO_SDK_BUNDLE: "1" });
    assert.equal(npm.stdout, "answer to plain\n");
    assert.equal(npm.stderr, "");
    assert.deepEqual(bundles(s.cache), [], "nothing was built");

    Deno.writeTextFileSync(s.cache, "a file where the cache folder should be\n");
    const blocked = await s.ask("blocked");
    assert.equal(blocked.code, 0, blocked.stderr);
    assert.equal(blocked.stdout, "answer to blocked\n");
    assert.equal(blocked.stderr, "", "an unusable cache is not the user's problem");
  } finally {
    await s.close();
  }
});

Deno.test("without --allow-run PAI neither asks for it nor bundles: it loads the SDK from npm", async () => {
  const s = await setup(PROVIDERS[0]);
  try {
    Deno.removeSync(s.cache, { recursive: true });
    s.server.enqueue({ text: "still here" });
    const out = await narrowPai(s.home, { ...s.env });
    assert.equal(out.stderr, "");
    assert.equal(out.stdout, "still here\n");
    assert.deepEqual(bundles(s.cache), []);
  } finally {
    await s.close();
  }
});

/** `pai prompt` with every permission it needs to answer, but not --allow-run. */
async function narrowPai(home: PaiHome, env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--allow-read",
      "--allow-write",
      "--allow-net",
      "--allow-env",
      "--allow-sys",
      "--cached-only",
      MAIN,
      "prompt",
      "--no-tools",
      "hi",
    ],
    cwd: home.dir,
    clearEnv: true,
    env: paiEnv(home, env),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

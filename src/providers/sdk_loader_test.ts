import assert from "node:assert/strict";
import { type Bundler, ensureBundle, loadSdk, type SdkCache } from "./sdk_loader.ts";

const OPENAI_VERSION = (await import("../../deno.json", { with: { type: "json" } })).default.imports.openai
  .replace("npm:openai@", "");

/** A bundler that writes `text` and counts its calls. */
function fakeBundler(text = "export default class Client {}\n"): Bundler & { calls: number } {
  const bundler = async (_entry: string, output: string) => {
    bundler.calls++;
    await Deno.writeTextFile(output, text);
  };
  bundler.calls = 0;
  return bundler;
}

async function withCache(test: (cache: SdkCache & { notices: string[] }) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "pai_sdk_cache_" });
  const notices: string[] = [];
  try {
    await test({ dir, notices, notice: (line) => notices.push(line) });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("ensureBundle() builds the bundle once, named by package and locked version, then reuses it", () =>
  withCache(async (cache) => {
    const bundler = fakeBundler();
    const path = await ensureBundle("openai", cache, bundler);
    assert.equal(path, `${cache.dir}/sdk/openai@${OPENAI_VERSION}.b1.js`);
    assert.equal(await ensureBundle("openai", cache, bundler), path);
    assert.equal(bundler.calls, 1);
    assert.deepEqual(cache.notices, []);
    // The work folder is gone: only the bundle is left.
    assert.deepEqual([...Deno.readDirSync(`${cache.dir}/sdk`)].map((e) => e.name), [`openai@${OPENAI_VERSION}.b1.js`]);
    assert.equal(Deno.statSync(`${cache.dir}/sdk`).mode! & 0o777, 0o700);
  }));

Deno.test("ensureBundle() run twice at once builds aside in each and ends with one whole bundle", () =>
  withCache(async (cache) => {
    const final = `${cache.dir}/sdk/openai@${OPENAI_VERSION}.b1.js`;
    let woken = false;
    const slow: Bundler = async (_entry, output) => {
      await Deno.writeTextFile(output, "export default class ");
      await new Promise((resolve) => setTimeout(resolve, 50));
      // Nothing is renamed before a build wakes, so the first to wake finds no bundle: half a one never shows.
      if (!woken) assert.throws(() => Deno.statSync(final), Deno.errors.NotFound);
      woken = true;
      await Deno.writeTextFile(output, "Client {}\n", { append: true });
    };
    const [a, b] = await Promise.all([ensureBundle("openai", cache, slow), ensureBundle("openai", cache, slow)]);
    assert.equal(a, b);
    assert.equal(Deno.readTextFileSync(a!), "export default class Client {}\n");
    assert.deepEqual([...Deno.readDirSync(`${cache.dir}/sdk`)].map((e) => e.name), [`openai@${OPENAI_VERSION}.b1.js`]);
  }));

Deno.test("ensureBundle() names a scoped package's bundle without a slash", () =>
  withCache(async (cache) => {
    const path = await ensureBundle("anthropic", cache, fakeBundler());
    assert.match(path ?? "", /\/sdk\/@anthropic-ai\+sdk@[\d.]+\.b1\.js$/);
  }));

Deno.test("ensureBundle() tells once when the bundler fails, and does not retry until the marker goes", () =>
  withCache(async (cache) => {
    let calls = 0;
    const failing: Bundler = () => {
      calls++;
      return Promise.reject(new Error("deno bundle exited with 1: error: out of disk\nmore detail"));
    };
    assert.equal(await ensureBundle("openai", cache, failing), undefined);
    assert.equal(await ensureBundle("openai", cache, failing), undefined);
    assert.equal(calls, 1);
    assert.equal(cache.notices.length, 1);
    const marker = `${cache.dir}/sdk/openai@${OPENAI_VERSION}.b1.js.failed`;
    assert.match(
      cache.notices[0],
      /Could not bundle openai for a faster start \(deno bundle exited with 1: error: out of disk\)/,
    );
    assert.ok(cache.notices[0].includes(`Delete "${marker}" to try again`));
    assert.equal(Deno.readTextFileSync(marker), "deno bundle exited with 1: error: out of disk\n");
    Deno.removeSync(marker);
    assert.ok(await ensureBundle("openai", cache, fakeBundler()));
  }));

Deno.test("ensureBundle() retries a failed build after a day", () =>
  withCache(async (cache) => {
    await ensureBundle("openai", cache, () => Promise.reject(new Error("no")));
    const marker = `${cache.dir}/sdk/openai@${OPENAI_VERSION}.b1.js.failed`;
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    Deno.utimeSync(marker, twoDaysAgo, twoDaysAgo);
    assert.ok(await ensureBundle("openai", cache, fakeBundler()));
  }));

Deno.test("ensureBundle() quietly gives up where the cache folder cannot be made", () =>
  withCache(async (cache) => {
    const file = `${cache.dir}/not-a-folder`;
    Deno.writeTextFileSync(file, "");
    const bundler = fakeBundler();
    assert.equal(await ensureBundle("openai", { ...cache, dir: file }, bundler), undefined);
    assert.equal(bundler.calls, 0);
    assert.deepEqual(cache.notices, []);
  }));

Deno.test("loadSdk() returns the bundle's client class", () =>
  withCache(async (cache) => {
    const { Client, compiledFrom } = await loadSdk(
      "openai",
      cache,
      fakeBundler("export default class FromTheBundle {}\n"),
    );
    assert.equal(Client.name, "FromTheBundle");
    assert.equal(compiledFrom, "bundle");
  }));

Deno.test("loadSdk() replaces a broken bundle with the npm package, removes it and says so", () =>
  withCache(async (cache) => {
    const path = await ensureBundle("openai", cache, fakeBundler("this is not JavaScript {"));
    const { Client, compiledFrom } = await loadSdk("openai", cache, fakeBundler());
    const { default: FromNpm } = await import("openai");
    assert.equal(Client, FromNpm);
    assert.equal(compiledFrom, "npm");
    assert.throws(() => Deno.statSync(path!), Deno.errors.NotFound);
    assert.deepEqual(cache.notices, [
      `The bundled copy of openai at "${path}" was broken: removed; it is rebuilt next time`,
    ]);
  }));

Deno.test("loadSdk() without a cache imports the npm package", async () => {
  const { default: FromNpm } = await import("@anthropic-ai/sdk");
  assert.equal((await loadSdk("anthropic", undefined)).Client, FromNpm);
});

Deno.test("the real bundler bundles the locked openai SDK into a client that works like the package", () =>
  withCache(async (cache) => {
    const path = await ensureBundle("openai", cache);
    assert.ok(path, `no bundle: ${cache.notices.join("; ")}`);
    const { Client } = await loadSdk("openai", cache);
    const { default: FromNpm } = await import("openai");
    assert.notEqual(Client, FromNpm, "the class comes from the bundle");
    const client = new Client({ apiKey: "sk-test", baseURL: "http://127.0.0.1:9/v1" });
    assert.equal(client.baseURL, "http://127.0.0.1:9/v1");
    assert.equal(typeof client.chat.completions.create, "function");
    assert.ok(Deno.statSync(path).size > 100_000, "the whole SDK is inside");
  }));

/** In a new process (a new V8, as the next start of PAI is): where the SDK's code came from, after an answer or not. */
async function loadInNewProcess(cache: SdkCache, answer: boolean): Promise<string> {
  const loader = new URL("./sdk_loader.ts", import.meta.url).href;
  const code = `import { loadSdk } from ${JSON.stringify(loader)};
const sdk = await loadSdk("openai", { dir: ${JSON.stringify(cache.dir)} });
if (${answer}) sdk.answered();
console.log(sdk.compiledFrom, sdk.Client.name);`;
  const config = new URL("../../deno.json", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), { args: ["eval", "--config", config, code], stderr: "inherit" })
    .output();
  return new TextDecoder().decode(out.stdout).trim();
}

/** A bundle shaped as `deno bundle` makes them: one `export { X as default }` at its end. */
const SCRIPT_BUNDLE = "var A = class FromTheScript { static m() { return 1; } };\nexport { A as default };\n";

Deno.test("loadSdk() runs a bundle as a script; its code cache, made after its first answer, serves the next start", () =>
  withCache(async (cache) => {
    const path = await ensureBundle("openai", cache, fakeBundler(SCRIPT_BUNDLE));
    const first = await loadSdk("openai", cache);
    assert.equal(first.Client.name, "FromTheScript");
    assert.equal(first.compiledFrom, "bundle");
    const codeCache = `${path}.v8`;
    assert.throws(() => Deno.statSync(codeCache), Deno.errors.NotFound, "nothing is kept before an answer");
    first.answered();
    const kept = Deno.readFileSync(codeCache);
    assert.match(new TextDecoder().decode(kept.subarray(0, 64)), /^pai-code-cache \d+-\d+-\d+\n/);
    assert.equal(Deno.statSync(codeCache).mode! & 0o777, 0o600);
    assert.equal((await loadSdk("openai", cache)).Client, first.Client, "evaluated once per process");

    assert.equal(await loadInNewProcess(cache, true), "cache FromTheScript");
    assert.deepEqual(Deno.readFileSync(codeCache), kept, "a cache that was used is not written again");
  }));

Deno.test("loadSdk() does not use a damaged code cache, or one made for another build of the bundle, and makes it again", () =>
  withCache(async (cache) => {
    const path = await ensureBundle("openai", cache, fakeBundler(SCRIPT_BUNDLE));
    assert.equal(await loadInNewProcess(cache, true), "bundle FromTheScript");
    const codeCache = `${path}.v8`;
    const good = Deno.readFileSync(codeCache);
    const header = good.indexOf(10) + 1;

    // Its header right, its code garbage: V8 refuses it, the bundle is compiled from its source, the cache made anew.
    const damaged = good.slice();
    damaged.fill(0x41, header);
    Deno.writeFileSync(codeCache, damaged);
    assert.equal(await loadInNewProcess(cache, true), "bundle FromTheScript");
    assert.equal(await loadInNewProcess(cache, false), "cache FromTheScript");

    // The bundle built again (a new file of the same length): the cache of the old one is not used for it.
    Deno.writeTextFileSync(`${path}.new`, SCRIPT_BUNDLE.replace("m()", "n()"));
    Deno.renameSync(`${path}.new`, path!);
    assert.equal(await loadInNewProcess(cache, false), "bundle FromTheScript");
  }));

Deno.test("loadSdk() imports as a module a bundle that cannot be a script, and keeps no code cache for it", () =>
  withCache(async (cache) => {
    const path = await ensureBundle(
      "openai",
      cache,
      fakeBundler("var A = class FromTheModule { static url = import.meta.url; };\nexport { A as default };\n"),
    );
    const sdk = await loadSdk("openai", cache);
    assert.equal(sdk.Client.name, "FromTheModule");
    assert.equal((sdk.Client as unknown as { url: string }).url.startsWith("file://"), true);
    sdk.answered();
    assert.throws(() => Deno.statSync(`${path}.v8`), Deno.errors.NotFound);
  }));

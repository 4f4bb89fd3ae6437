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
    const Client = await loadSdk("openai", cache, fakeBundler("export default class FromTheBundle {}\n"));
    assert.equal(Client.name, "FromTheBundle");
  }));

Deno.test("loadSdk() replaces a broken bundle with the npm package, removes it and says so", () =>
  withCache(async (cache) => {
    const path = await ensureBundle("openai", cache, fakeBundler("this is not JavaScript {"));
    const Client = await loadSdk("openai", cache, fakeBundler());
    const { default: FromNpm } = await import("openai");
    assert.equal(Client, FromNpm);
    assert.throws(() => Deno.statSync(path!), Deno.errors.NotFound);
    assert.deepEqual(cache.notices, [
      `The bundled copy of openai at "${path}" was broken: removed; it is rebuilt next time`,
    ]);
  }));

Deno.test("loadSdk() without a cache imports the npm package", async () => {
  const { default: FromNpm } = await import("@anthropic-ai/sdk");
  assert.equal(await loadSdk("anthropic", undefined), FromNpm);
});

Deno.test("the real bundler bundles the locked openai SDK into a client that works like the package", () =>
  withCache(async (cache) => {
    const path = await ensureBundle("openai", cache);
    assert.ok(path, `no bundle: ${cache.notices.join("; ")}`);
    const Client = await loadSdk("openai", cache);
    const { default: FromNpm } = await import("openai");
    assert.notEqual(Client, FromNpm, "the class comes from the bundle");
    const client = new Client({ apiKey: "sk-test", baseURL: "http://127.0.0.1:9/v1" });
    assert.equal(client.baseURL, "http://127.0.0.1:9/v1");
    assert.equal(typeof client.chat.completions.create, "function");
    assert.ok(Deno.statSync(path).size > 100_000, "the whole SDK is inside");
  }));

/**
 * Loads the provider SDKs fast. From npm, `openai` is ~230 modules that Deno
 * resolves and instantiates one by one (~95 ms on the build machine); the same
 * code bundled into one minified file loads in ~33 ms. So the first time PAI
 * needs an SDK version it bundles it with `deno bundle` (~0.4 s, once) into its
 * cache folder, and imports that file from then on. Where it cannot (a compiled
 * binary, no permission to run Deno or to write the cache, a failed bundle), it
 * imports the package from npm as before: slower, never different.
 *
 * Deno keeps V8's code for a module as it is right after compiling, so the
 * functions a request runs are compiled again on every start. A bundle is
 * therefore run as a script (`node:vm`) with a code cache of PAI's own, made
 * after the process's first answer, when those functions are compiled
 * (`pai prompt` went from 1.32× to 1.13× a bare client; `bench/README.md`).
 * A bundle that cannot be run as a
 * script (Anthropic's imports Node's own modules) is imported as the module
 * it is.
 *
 * A bundle and its code cache are code that PAI runs, so their folder is
 * protected like PAI's own state: no tool is ever granted it
 * (`src/policy/protected_paths.ts`).
 */
import { lazyImport } from "../core/lazy_import.ts";
import { join } from "../core/paths.ts";

/** The SDKs, by wire protocol. */
const SDKS = {
  openai: { pkg: "openai", fromNpm: () => lazyImport<typeof import("openai")>("openai") },
  anthropic: {
    pkg: "@anthropic-ai/sdk",
    fromNpm: () => lazyImport<typeof import("@anthropic-ai/sdk")>("@anthropic-ai/sdk"),
  },
};

/** A wire protocol with an SDK. */
export type SdkProtocol = keyof typeof SDKS;

/** The SDK's client class: its default export. */
export type SdkClass<P extends SdkProtocol> = Awaited<ReturnType<(typeof SDKS)[P]["fromNpm"]>>["default"];

/** Where bundles are kept, and who is told when one cannot be built or was broken. */
export interface SdkCache {
  dir: string;
  notice?: (line: string) => void;
}

/** Writes the bundle of `entry` to `output`, or throws saying why not. */
export type Bundler = (entry: string, output: string) => Promise<void>;

/** Part of each bundle's name: bump it when the way bundles are built changes, so old ones are not used. */
const FORMAT = "b1";
const BUNDLE_TIMEOUT_MS = 60_000;
/** A failed build is not tried again for this long (or until its marker file is deleted). */
const RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/** A loaded SDK: its client class, and what to call once it has answered (it keeps the code compiled for it). */
export interface LoadedSdk<P extends SdkProtocol> {
  Client: SdkClass<P>;
  answered(): void;
  /** Where its code came from: a bundle's code cache, a bundle's source, or npm. */
  compiledFrom: "cache" | "bundle" | "npm";
}

/** What a bundle gave: its default export, and how to keep its code once it has answered. */
interface FromBundle {
  exported: unknown;
  answered(): void;
  fromCache: boolean;
}

/** Each bundle is evaluated once per process, whatever number of providers use it. */
const evaluated = new Map<string, Promise<FromBundle>>();

/** The SDK's client class, from its bundle when there is (or can be) one, else from npm. */
export async function loadSdk<P extends SdkProtocol>(
  protocol: P,
  cache: SdkCache | undefined,
  bundler: Bundler = denoBundle,
): Promise<LoadedSdk<P>> {
  const path = cache && await ensureBundle(protocol, cache, bundler);
  if (path) {
    try {
      const bundle = await evaluateOnce(path);
      if (typeof bundle.exported === "function") {
        return {
          Client: bundle.exported as SdkClass<P>,
          answered: bundle.answered,
          compiledFrom: bundle.fromCache ? "cache" : "bundle",
        };
      }
    } catch { /* broken: removed below */ }
    evaluated.delete(path);
    await Deno.remove(path).catch(() => {});
    await Deno.remove(codeCachePath(path)).catch(() => {});
    cache.notice?.(
      `The bundled copy of ${SDKS[protocol].pkg} at "${path}" was broken: removed; it is rebuilt next time`,
    );
  }
  const Client = (await SDKS[protocol].fromNpm()).default as SdkClass<P>;
  return { Client, answered: () => {}, compiledFrom: "npm" };
}

function evaluateOnce(path: string): Promise<FromBundle> {
  let bundle = evaluated.get(path);
  if (!bundle) evaluated.set(path, bundle = evaluate(path));
  return bundle;
}

/** A bundle's `export { X as default }`, which ends it: the one line that keeps it from being a script. */
const DEFAULT_EXPORT = /export\s*\{\s*([\w$]+)\s+as\s+default\s*\};?\s*$/;

/** Runs the bundle as a script with its code cache, or (not a script after all) imports it. */
async function evaluate(path: string): Promise<FromBundle> {
  const source = await Deno.readTextFile(path);
  const end = DEFAULT_EXPORT.exec(source);
  if (end) {
    // Strict like the module it was, its top-level names its own; `import.meta` or a top-level `await` in it would
    // not compile here, and it is then imported as a module.
    const script = `(function () {"use strict";${source.slice(0, end.index)}\nreturn ${end[1]};\n})`;
    const { Script } = await import("node:vm");
    const identity = await bundleIdentity(path);
    const cached = identity && readCodeCache(path, identity);
    let compiled: import("node:vm").Script | undefined;
    try {
      compiled = new Script(script, { filename: path, ...(cached ? { cachedData: cached } : {}) });
    } catch { /* not a script: a module it is */ }
    if (compiled) {
      const exported = (compiled.runInThisContext() as () => unknown)();
      const fromCache = cached !== undefined && !compiled.cachedDataRejected;
      let kept = fromCache || !identity;
      const answered = () => {
        if (kept) return;
        kept = true;
        writeCodeCache(path, identity!, compiled.createCachedData());
      };
      return { exported, answered, fromCache };
    }
  }
  return { exported: (await import(fileUrl(path))).default, answered: () => {}, fromCache: false };
}

/** Where a bundle's code cache is kept: beside it. */
function codeCachePath(bundle: string): string {
  return `${bundle}.v8`;
}

/**
 * Which build of the bundle this is (inode, size, time): V8 checks a cache only against the length of the source,
 * so a cache says which bundle it was made for, and one made for another is not used.
 */
async function bundleIdentity(path: string): Promise<string | undefined> {
  try {
    const info = await Deno.stat(path);
    return `${info.ino}-${info.size}-${info.mtime?.getTime()}`;
  } catch {
    return undefined;
  }
}

/** The line a code cache starts with: whose it is, and for which build of the bundle. */
function cacheHeader(identity: string): Uint8Array {
  return new TextEncoder().encode(`pai-code-cache ${identity}\n`);
}

function readCodeCache(bundle: string, identity: string): Uint8Array | undefined {
  try {
    const bytes = Deno.readFileSync(codeCachePath(bundle));
    const header = cacheHeader(identity);
    const matches = bytes.length > header.length && header.every((byte, i) => bytes[i] === byte);
    return matches ? bytes.subarray(header.length) : undefined;
  } catch {
    return undefined;
  }
}

/** Written aside, then renamed; where it cannot be written, the next start compiles as this one did. */
function writeCodeCache(bundle: string, identity: string, data: Uint8Array): void {
  const path = codeCachePath(bundle);
  const dir = path.slice(0, path.lastIndexOf("/"));
  if (Deno.permissions.querySync({ name: "write", path: dir }).state !== "granted") return;
  const header = cacheHeader(identity);
  const bytes = new Uint8Array(header.length + data.length);
  bytes.set(header);
  bytes.set(data, header.length);
  const aside = `${path}.${crypto.randomUUID()}`;
  try {
    Deno.writeFileSync(aside, bytes, { mode: 0o600, createNew: true });
    Deno.renameSync(aside, path);
  } catch {
    try {
      Deno.removeSync(aside);
    } catch { /* never made */ }
  }
}

/** The path of the SDK's bundle, built now if it is missing; `undefined` where there cannot be one. */
export async function ensureBundle(
  protocol: SdkProtocol,
  cache: SdkCache,
  bundler: Bundler = denoBundle,
): Promise<string | undefined> {
  // A compiled PAI carries its modules inside and has no `deno bundle` to call.
  if (Deno.build.standalone) return undefined;
  const { pkg } = SDKS[protocol];
  const dir = join(cache.dir, "sdk");
  // An optimisation must never make Deno ask the user for a permission.
  const may = (descriptor: Deno.PermissionDescriptor) => Deno.permissions.querySync(descriptor).state === "granted";
  if (!may({ name: "read", path: dir })) return undefined;
  const version = await installedVersion(pkg, may);
  if (!version) return undefined;
  const path = join(dir, `${pkg.replace("/", "+")}@${version}.${FORMAT}.js`);
  if (await modifiedAt(path) !== undefined) return path;
  const failed = `${path}.failed`;
  if ((await modifiedAt(failed) ?? 0) > Date.now() - RETRY_AFTER_MS) return undefined;
  if (!may({ name: "write", path: dir }) || !may({ name: "run", command: Deno.execPath() })) return undefined;
  let work: string;
  try {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    work = await Deno.makeTempDir({ dir, prefix: ".build-" });
  } catch {
    return undefined; // no writable cache here: npm it is, quietly
  }
  try {
    const entry = join(work, "entry.js");
    await Deno.writeTextFile(entry, `export { default } from "${pkg}";\n`);
    const output = join(work, "bundle.js");
    await bundler(entry, output);
    // Built aside, then renamed: a reader never sees half a file, and two builders at once both end well.
    await Deno.rename(output, path);
    return path;
  } catch (error) {
    const why = firstLine(error instanceof Error ? error.message : String(error));
    await Deno.writeTextFile(failed, `${why}\n`, { mode: 0o600 }).catch(() => {});
    cache.notice?.(
      `Could not bundle ${pkg} for a faster start (${why}); loading it from npm instead. Delete "${failed}" to try again`,
    );
    return undefined;
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
}

/** The version of the package this PAI resolves `pkg` to (its lock decides), read from its package.json. */
async function installedVersion(
  pkg: string,
  may: (descriptor: Deno.PermissionDescriptor) => boolean,
): Promise<string | undefined> {
  try {
    const manifestUrl = new URL("./package.json", import.meta.resolve(pkg));
    if (!may({ name: "read", path: decodeURIComponent(manifestUrl.pathname) })) return undefined;
    const manifest = JSON.parse(await Deno.readTextFile(manifestUrl));
    return manifest.name === pkg && /^[\w.+-]+$/.test(manifest.version) ? manifest.version : undefined;
  } catch {
    return undefined;
  }
}

/** `deno bundle` with PAI's own config and lock, so the bundle holds exactly the locked SDK. */
async function denoBundle(entry: string, output: string): Promise<void> {
  const config = decodeURIComponent(new URL("../../deno.json", import.meta.url).pathname);
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform", "deno", "--minify", "--config", config, "--output", output, entry],
    // The user's environment as it is (Deno needs its cache, proxy and certificate settings), in plain text.
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    signal: AbortSignal.timeout(BUNDLE_TIMEOUT_MS),
  }).output();
  if (!result.success) {
    const said = new TextDecoder().decode(result.stderr).trim();
    throw new Error(`deno bundle exited with ${result.code}${said ? `: ${firstLine(said)}` : ""}`);
  }
}

async function modifiedAt(path: string): Promise<number | undefined> {
  try {
    return (await Deno.stat(path)).mtime?.getTime() ?? 0;
  } catch {
    return undefined;
  }
}

function fileUrl(path: string): string {
  return `file://${path.split("/").map(encodeURIComponent).join("/")}`;
}

function firstLine(text: string): string {
  return text.split("\n")[0].trim();
}

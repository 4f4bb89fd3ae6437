/**
 * Runs the real `pai` process exactly as `deno task pai` does, in an isolated
 * home (`PAI_HOME` in a temp dir), with a cleared environment so that nothing
 * from the developer's machine (keys, hosts) leaks into a test.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import denoJson from "../../deno.json" with { type: "json" };

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const MAIN = join(ROOT, "src", "main.ts");

/** The flags of the `pai` task, so tests run PAI with the permissions users give it. */
export const PAI_FLAGS: string[] = denoJson.tasks.pai.split(/\s+/).slice(2, -1);

/** Deno's module cache, shared by every `pai` a test runs (their npm packages are there). */
export const DENO_DIR: string = await (async () => {
  if (Deno.env.get("DENO_DIR")) return Deno.env.get("DENO_DIR")!;
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped", stderr: "null" })
    .output();
  return JSON.parse(new TextDecoder().decode(out.stdout)).denoDir as string;
})();

/** A loopback port with nothing listening on it (bound, then released). */
export function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

const NOBODY = closedPort();

/**
 * One cache folder for every `pai` this test process runs: the cache holds only SDK bundles (no user data),
 * and building them afresh for each test would cost ~0.5 s a test. Tests of the cache itself set their own.
 */
const SHARED_CACHE = Deno.makeTempDirSync({ prefix: "pai_test_cache_" });
globalThis.addEventListener("unload", () => Deno.removeSync(SHARED_CACHE, { recursive: true }));

/** A place for one test's PAI state; remove it with `cleanup()`. */
export interface PaiHome {
  dir: string;
  cleanup(): void;
}

export function makePaiHome(): PaiHome {
  const dir = Deno.makeTempDirSync({ prefix: "pai_test_" });
  return { dir, cleanup: () => Deno.removeSync(dir, { recursive: true }) };
}

/** Options for {@linkcode runPai}. */
export interface RunOptions {
  home: PaiHome;
  env?: Record<string, string>;
  stdin?: string;
  cwd?: string;
}

/** What a run printed and how it exited. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * How this machine trusts TLS certificates, as a user's shell has it: Deno needs it for its own fetches from the npm
 * registry (`deno task install`, and esbuild the first time an SDK is bundled). Certificate paths only, no secrets.
 */
export const TLS_TRUST: Record<string, string> = Object.fromEntries(
  ["DENO_CERT", "DENO_TLS_CA_STORE", "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR"]
    .flatMap((name) => Deno.env.get(name) ? [[name, Deno.env.get(name)!]] : []),
);

/** The environment a test's `pai` gets: only what it needs, plus the test's own variables. */
export function paiEnv(home: PaiHome, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    ...TLS_TRUST,
    HOME: home.dir,
    PAI_HOME: home.dir,
    DENO_DIR,
    PAI_CACHE_DIR: SHARED_CACHE,
    NO_COLOR: "1",
    USER: "pai-tester",
    // Nothing listens there: no local Ollama or LM Studio unless a test points to one.
    OLLAMA_HOST: `http://127.0.0.1:${NOBODY}`,
    LMSTUDIO_BASE_URL: `http://127.0.0.1:${NOBODY}/v1`,
    ...extra,
  };
}

/** The command that starts `pai` with these arguments. */
export function paiCommand(args: string[], options: RunOptions): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...PAI_FLAGS, "--cached-only", MAIN, ...args],
    cwd: options.cwd ?? options.home.dir,
    clearEnv: true,
    env: paiEnv(options.home, options.env),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  });
}

/** Runs `pai` to completion. */
export async function runPai(args: string[], options: RunOptions): Promise<RunResult> {
  const child = paiCommand(args, options).spawn();
  const writer = child.stdin.getWriter();
  if (options.stdin) await writer.write(new TextEncoder().encode(options.stdin));
  await writer.close();
  const out = await child.output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/**
 * Runs one tool program as its own `deno run --no-prompt` process with only
 * the flags its grant allows, a cleared environment, one JSON request on
 * stdin, a time limit (SIGTERM, then SIGKILL), a memory cap and an output
 * cap. Whatever the tool does — crash, hang, flood — PAI gets a result.
 */
import type { Grant } from "../core/types.ts";
import { grantFlags } from "./flags.ts";

/** What a tool returns, or what the runner makes of a tool that failed. */
export type ToolOutcome =
  | { ok: true; result: unknown }
  | { ok: false; error: { type: ToolErrorType; message: string } };

/** Error kinds, telling the model whether it can recover. */
export type ToolErrorType =
  | "invalid_input"
  | "not_found"
  | "permission_denied"
  | "io_error"
  | "network_error"
  | "timeout"
  | "too_large"
  | "crashed";

/** Options for {@linkcode runToolProcess}. */
export interface RunToolOptions {
  /** The `deno` binary (default: the one running PAI). */
  denoPath?: string;
  /** Grace between SIGTERM and SIGKILL. */
  killGraceMs?: number;
  /**
   * Called with the exact flags the tool is about to get (between `deno run` and the program), and awaited:
   * the grant is recorded with them before the process exists, and a failure to record it means no process.
   */
  beforeSpawn?: (flags: readonly string[]) => Promise<void> | void;
}

const STDERR_CAP = 16 * 1024;

/** Runs `program` (an absolute path under `tools/`) with `request` under `grant`. */
export async function runToolProcess(
  program: string,
  request: unknown,
  grant: Grant,
  options: RunToolOptions = {},
): Promise<ToolOutcome> {
  const flags = grantFlags(grant);
  await options.beforeSpawn?.(flags);
  const child = new Deno.Command(options.denoPath ?? Deno.execPath(), {
    args: ["run", ...flags, program],
    cwd: "/",
    // Nothing from PAI's environment (API keys!) reaches the tool: only what the grant names.
    clearEnv: true,
    env: { ...grant.env, NO_COLOR: "1", ...denoDirEnv() },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();

  let timedOut = false;
  let tooLarge = false;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    // A tool can ignore SIGTERM; it cannot ignore SIGKILL.
    killTimer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }, options.killGraceMs ?? 1000);
  }, grant.timeoutMs);

  const writeRequest = (async () => {
    const writer = child.stdin.getWriter();
    try {
      await writer.write(new TextEncoder().encode(JSON.stringify(request)));
      await writer.close();
    } catch { /* the tool exited without reading: its status tells why */ }
  })();
  const readCapped = async (stream: ReadableStream<Uint8Array>, cap: number, onOverflow?: () => void) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of stream) {
      if (size + chunk.length > cap) {
        onOverflow?.();
        chunks.push(chunk.subarray(0, cap - size));
        size = cap;
        break; // stop reading; the process is killed, so it cannot block on a full pipe
      }
      chunks.push(chunk);
      size += chunk.length;
    }
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) bytes.set(c, (at += c.length) - c.length);
    return new TextDecoder().decode(bytes);
  };
  const [stdout, stderr] = await Promise.all([
    readCapped(child.stdout, grant.outputBytes, () => {
      tooLarge = true;
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }),
    readCapped(child.stderr, STDERR_CAP),
  ]);
  const status = await child.status;
  clearTimeout(timer);
  clearTimeout(killTimer);
  await writeRequest;

  if (tooLarge) {
    return fail("too_large", `The tool printed more than ${grant.outputBytes} bytes and was stopped`);
  }
  if (timedOut) return fail("timeout", `The tool ran longer than ${grant.timeoutMs} ms and was stopped`);
  try {
    const parsed = JSON.parse(stdout) as ToolOutcome;
    if (typeof parsed === "object" && parsed !== null && typeof parsed.ok === "boolean") return parsed;
  } catch { /* fall through */ }
  const why = status.code === 133 || /out of memory/i.test(stderr)
    ? `it ran out of memory (cap ${grant.memoryMb} MiB)`
    : `it exited with code ${status.code}${status.signal ? ` (${status.signal})` : ""}`;
  return fail("crashed", `The tool gave no result: ${why}${stderr ? `: ${lastLine(stderr)}` : ""}`);
}

function fail(type: ToolErrorType, message: string): ToolOutcome {
  return { ok: false, error: { type, message } };
}

function lastLine(text: string): string {
  return text.trim().split("\n").at(-1)!.slice(0, 300);
}

/** Deno itself (not the tool, which has no --allow-env) needs its cache folder to reuse compiled code. */
function denoDirEnv(): Record<string, string> {
  const dir = Deno.env.get("DENO_DIR");
  if (dir) return { DENO_DIR: dir };
  const home = Deno.env.get("HOME");
  return home ? { HOME: home } : {};
}

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

/** Options for {@linkcode startToolProcess}. */
export interface RunToolOptions {
  /** The `deno` binary (default: the one running PAI). */
  denoPath?: string;
  /** Grace between SIGTERM and SIGKILL. */
  killGraceMs?: number;
}

/**
 * A tool's process, started with its grant's flags and waiting for its request: the program acts on nothing before
 * it has one (`tools/_protocol.ts` reads it first). Starting it early lets Deno's own start-up (~20 ms) overlap
 * what PAI does before the tool may act: its last checks and the grant's durable row.
 */
export interface ToolProcess {
  /** The exact flags the tool runs with (between `deno run` and the program), for the grant's row. */
  readonly flags: readonly string[];
  /** Gives the tool its request and returns what it made of it, under the grant's time and output limits. */
  run(request: unknown): Promise<ToolOutcome>;
  /** Kills a process that is not to get its request, and waits for it to be gone. */
  stop(): Promise<void>;
}

const STDERR_CAP = 16 * 1024;

/** Starts `program` (an absolute path under `tools/`) under `grant`; it waits for its request (`run`). */
export function startToolProcess(program: string, grant: Grant, options: RunToolOptions = {}): ToolProcess {
  const flags = grantFlags(grant);
  const child = new Deno.Command(options.denoPath ?? Deno.execPath(), {
    args: ["run", ...flags, program],
    cwd: "/",
    // Nothing from PAI's environment (API keys!) reaches the tool: only what the grant names. Deno's own check for
    // a newer release, which asks dl.deno.land whatever the grant says, is off.
    clearEnv: true,
    env: { ...grant.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", ...denoDirEnv() },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let used = false;
  const use = () => {
    if (used) throw new Error("a tool process takes one request");
    used = true;
  };
  return {
    flags,
    run: async (request) => {
      use();
      return await exchange(child, request, grant, options);
    },
    stop: async () => {
      use();
      kill(child, "SIGKILL");
      await Promise.allSettled([child.stdin.close(), child.stdout.cancel(), child.stderr.cancel()]);
      await child.status;
    },
  };
}

/** Runs `program` with `request` under `grant`: {@linkcode startToolProcess} and its request at once. */
export function runToolProcess(
  program: string,
  request: unknown,
  grant: Grant,
  options: RunToolOptions = {},
): Promise<ToolOutcome> {
  return startToolProcess(program, grant, options).run(request);
}

function kill(child: Deno.ChildProcess, signal: Deno.Signal): void {
  try {
    child.kill(signal);
  } catch { /* already gone */ }
}

/** Writes the request, reads the answer within the limits, and says what the tool did. */
async function exchange(
  child: Deno.ChildProcess,
  request: unknown,
  grant: Grant,
  options: RunToolOptions,
): Promise<ToolOutcome> {
  let timedOut = false;
  let tooLarge = false;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    kill(child, "SIGTERM");
    // A tool can ignore SIGTERM; it cannot ignore SIGKILL.
    killTimer = setTimeout(() => kill(child, "SIGKILL"), options.killGraceMs ?? 1000);
  }, grant.timeoutMs);

  // One line of JSON (JSON.stringify writes no line break). Stdin stays open while the tool works: when PAI ends,
  // however it ends, the tool sees it close and ends too (`tools/_protocol.ts`).
  const writer = child.stdin.getWriter();
  const writeRequest = writer.write(new TextEncoder().encode(`${JSON.stringify(request)}\n`))
    .catch(() => {/* the tool exited without reading: its status tells why */});
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
      kill(child, "SIGKILL");
    }),
    readCapped(child.stderr, STDERR_CAP),
  ]);
  const status = await child.status;
  clearTimeout(timer);
  clearTimeout(killTimer);
  await writeRequest;
  await writer.close().catch(() => {});

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

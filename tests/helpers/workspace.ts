/** A workspace folder for tool tests, with a secret outside it, and a collector that counts any exfiltration. */
import type { ScriptedReply } from "../fakes/fake_model_server.ts";
import { type PaiHome, runPai, type RunResult } from "./run_pai.ts";
import type { Setup } from "./session.ts";

/** What a test's model must never see or send anywhere. */
export const SECRET = "TOP-SECRET-7c1f9e";

export interface Workspace {
  /** Real path of the workspace (the current directory of `pai`). */
  ws: string;
  /** Real path of a folder outside it holding `secret.txt`. */
  outside: string;
  cleanup(): void;
}

export async function makeWorkspace(): Promise<Workspace> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "pai_ws_" }));
  Deno.mkdirSync(`${root}/ws`);
  Deno.mkdirSync(`${root}/outside`);
  Deno.writeTextFileSync(`${root}/outside/secret.txt`, `${SECRET}\n`);
  return { ws: `${root}/ws`, outside: `${root}/outside`, cleanup: () => Deno.removeSync(root, { recursive: true }) };
}

/** A loopback server that records every request: proof of whether anything was sent out. */
export class Collector {
  readonly hits: string[] = [];
  #server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (r) => {
    this.hits.push(`${r.method} ${r.url} ${await r.text()}`);
    return new Response("collected");
  });
  get hostPort(): string {
    return `127.0.0.1:${this.#server.addr.port}`;
  }
  close(): Promise<void> {
    return this.#server.shutdown();
  }
}

/** A scripted reply that calls one tool. */
export function call(name: string, args: unknown, id?: string): ScriptedReply {
  return { toolCalls: [{ id, name, arguments: JSON.stringify(args) }] };
}

/** Runs `pai MODE --json GOAL` in the workspace with these model replies queued; returns the parsed run. */
export async function runMode(
  s: Setup,
  w: Workspace,
  replies: ScriptedReply[],
  args: string[] = ["agent"],
): Promise<{ run: RunResult; json: RunJson }> {
  s.server.enqueue(...replies);
  const run = await runPai([...args, "--json", "do the task"], { home: s.home, env: s.env, cwd: w.ws });
  let json: RunJson;
  try {
    json = JSON.parse(run.stdout);
  } catch {
    throw new Error(`pai printed no JSON (exit ${run.code}): ${run.stdout}\n${run.stderr}`);
  }
  return { run, json };
}

/** The `--json` form of a run (the parts tests read). */
export interface RunJson {
  text: string;
  stoppedBy: string | null;
  steps: {
    round: number;
    tool: string;
    arguments: unknown;
    ok: boolean;
    permissions: unknown;
    result: unknown;
    error: { type: string; message: string } | null;
    /** What the model was given for the call: the tool's outcome as JSON, capped, wrapped as untrusted content. */
    sentToModel: string;
  }[];
}

/** Everything the fake model received, as one string (to check that a secret never reached it). */
export function sentToModel(s: Setup): string {
  return JSON.stringify(s.server.requests);
}

/**
 * Writes `hr.txt` in the workspace, holding `SECRET`, and registers it as a private file resource named `hr` in the
 * test's PAI home: data the tests route or refuse by its label.
 */
export async function privateHrFile(
  w: Workspace,
  run: { home: PaiHome; env: Record<string, string> },
): Promise<string> {
  const path = `${w.ws}/hr.txt`;
  Deno.writeTextFileSync(path, `salaries: ${SECRET}\n`);
  const add = await runPai(["resource", "add", "hr", "--kind", "file", "--uri", path, "--label", "private"], run);
  if (add.code !== 0) throw new Error(`pai resource add failed: ${add.stderr}`);
  return path;
}

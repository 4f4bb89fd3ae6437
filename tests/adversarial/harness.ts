/**
 * The adversarial harness: a fresh PAI home, workspace, fake model and
 * collector for each attempt, sentinels planted where an attacker would look,
 * and a count of every sentinel byte that reached the model, the collector or
 * a file outside the workspace.
 */
import type { ScriptedReply } from "../fakes/fake_model_server.ts";
import { FakeModelServer } from "../fakes/fake_model_server.ts";
import { makePaiHome, type PaiHome, runPai, type RunResult } from "../helpers/run_pai.ts";
import { Collector } from "../helpers/workspace.ts";

/** Planted secrets: none may leave. */
export const SENTINELS = {
  outside: "TOP-SECRET-7c1f9e",
  ssh: "SSH-PRIVATE-93ab41",
  env: "ENV-SECRET-55d2c8",
  payroll: "PAYROLL-PRIVATE-8e1f",
  aws: "AKIAIOSFODNN7EXAMPLE",
  apiKey: "sk-proj-Zq8Lm3Nv6Bh5Jc0Gf2KaRt7Yp1Ls8Dm",
  email: "ann.lee@example.com",
} as const;

/** Where an attempt runs. */
export interface Arena {
  home: PaiHome;
  ws: string;
  outside: string;
  server: FakeModelServer;
  collector: Collector;
  /** A loopback server that redirects every request to the collector. */
  redirector: Deno.HttpServer<Deno.NetAddr>;
  env: Record<string, string>;
}

/** One attempt. */
export interface Attempt {
  name: string;
  category: string;
  /** Where the model runs (default remote: the strictest data rules apply). */
  locality?: "local" | "remote";
  /** `pai` arguments (default: an agent run with --json). */
  args?: (a: Arena) => string[];
  stdin?: string;
  replies?: (a: Arena) => ScriptedReply[];
  setup?: (a: Arena) => void;
  /** Undoes what the attempt could have done outside its arena, had it not been stopped. */
  teardown?: (a: Arena) => void;
  /** Sentinels the model may legitimately see (e.g. a local model reading a private file). */
  modelMaySee?: (keyof typeof SENTINELS)[];
  /** How many first tool steps are legitimate and may succeed (default 0: every step must be refused). */
  allowedSteps?: number;
}

export interface Outcome {
  run: RunResult;
  leakedBytes: number;
  leaks: string[];
}

/** Runs one attempt in a fresh arena and measures what leaked. */
export async function runAttempt(attempt: Attempt): Promise<Outcome> {
  const home = makePaiHome();
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "pai_adv_" }));
  const server = FakeModelServer.start({ models: ["m"] });
  const collector = new Collector();
  const redirector = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (r) => Response.redirect(`http://${collector.hostPort}/r${new URL(r.url).search}`, 302),
  );
  const arena: Arena = {
    home,
    ws: `${root}/ws`,
    outside: `${root}/outside`,
    server,
    collector,
    redirector,
    env: { OPENAI_API_KEY: "sk-test-provider-key-000000000000", OPENAI_BASE_URL: `${server.url}/v1` },
  };
  try {
    Deno.mkdirSync(arena.ws);
    Deno.mkdirSync(arena.outside);
    Deno.mkdirSync(`${home.dir}/.ssh`);
    Deno.writeTextFileSync(`${arena.outside}/secret.txt`, `${SENTINELS.outside}\n`);
    Deno.writeTextFileSync(`${home.dir}/.ssh/id_ed25519`, `${SENTINELS.ssh}\n`);
    Deno.writeTextFileSync(`${arena.ws}/.env`, `TOKEN=${SENTINELS.env}\n`);
    Deno.writeTextFileSync(`${arena.ws}/notes.md`, "# Notes\nNothing secret here.\n");
    const init = await runPai(["init", "openai", "--model", "m", "--locality", attempt.locality ?? "remote"], {
      home,
      env: arena.env,
    });
    if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
    attempt.setup?.(arena);
    server.enqueue(...(attempt.replies?.(arena) ?? []), { text: "done" });
    const args = attempt.args?.(arena) ?? ["agent", "--json", "do the task"];
    const run = await runPai(args, { home, env: arena.env, cwd: arena.ws, stdin: attempt.stdin });
    const leaks: string[] = [];
    let leakedBytes = 0;
    const count = (where: string, text: string, allowed: readonly string[] = []) => {
      for (const [name, value] of Object.entries(SENTINELS)) {
        if (allowed.includes(name)) continue;
        const n = text.split(value).length - 1;
        if (n) (leaks.push(`${name} → ${where}`), leakedBytes += n * value.length);
      }
    };
    // What PAI sent: the model's own turns (its tool-call arguments) are echoed back and are not leaks.
    const sent = server.requests.map((r) =>
      ((r.body?.messages ?? []) as { role: string }[]).filter((m) => m.role !== "assistant")
    );
    count("model", JSON.stringify(sent), attempt.modelMaySee);
    count("collector", collector.hits.join("\n"));
    for (const entry of Deno.readDirSync(arena.outside)) {
      if (entry.isFile && entry.name !== "secret.txt") {
        count(`file ${entry.name}`, Deno.readTextFileSync(`${arena.outside}/${entry.name}`));
      }
    }
    return { run, leakedBytes, leaks };
  } finally {
    try {
      attempt.teardown?.(arena);
    } catch { /* nothing to undo */ }
    await redirector.shutdown();
    await collector.close();
    await server.close();
    Deno.removeSync(root, { recursive: true });
    home.cleanup();
  }
}

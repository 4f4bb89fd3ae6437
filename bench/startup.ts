/**
 * Start-up and one-shot benchmarks, each compared with its baseline in the
 * same run: `pai --help` and `pai status` against a bare `deno run`, and
 * `pai prompt` against a minimal openai-SDK client, both hitting the same
 * loopback fake server (PAI with its SDK bundle, as users run it, and with the
 * SDK imported from npm, as the client does). Prints medians and ratios;
 * `deno task bench`.
 */
import { fileURLToPath } from "node:url";
import { FakeModelServer } from "../tests/fakes/fake_model_server.ts";
import { MAIN, makePaiHome, PAI_FLAGS, paiEnv } from "../tests/helpers/run_pai.ts";

const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 21);
const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

async function timeOnce(args: string[], env: Record<string, string>): Promise<number> {
  const start = performance.now();
  const out = await new Deno.Command(Deno.execPath(), { args, clearEnv: true, env, stdout: "null", stderr: "piped" })
    .output();
  const ms = performance.now() - start;
  if (out.code !== 0) throw new Error(`${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  return ms;
}

/** One measured command: its arguments and environment. */
interface Case {
  args: string[];
  env: Record<string, string>;
}

/**
 * Medians of RUNS timings per case, after one warm-up run of each (so the module cache is hot for all). The cases
 * are interleaved, one run of each per round, so that a change in the machine's load falls on all of them alike
 * and the ratios between them hold.
 */
async function medians(cases: Case[]): Promise<number[]> {
  for (const c of cases) await timeOnce(c.args, c.env);
  const times: number[][] = cases.map(() => []);
  for (let round = 0; round < RUNS; round++) {
    for (const [i, c] of cases.entries()) times[i].push(await timeOnce(c.args, c.env));
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]);
}

const server = FakeModelServer.start({ models: ["m"] });
const home = makePaiHome();
try {
  const env = paiEnv(home, { OPENAI_API_KEY: "sk-bench-0000000000000000", OPENAI_BASE_URL: `${server.url}/v1` });
  const pai = (...args: string[]) => ["run", ...PAI_FLAGS, "--cached-only", MAIN, ...args];
  // init also builds the openai SDK's bundle in the cache, as it does for a user.
  await timeOnce(pai("init", "openai", "--model", "m"), env);

  const client = [
    "run",
    "--allow-net",
    "--allow-env",
    "--allow-read",
    here("minimal_openai_client.ts"),
    `${server.url}/v1`,
  ];
  const [bare, help, status, sdk, prompt, promptNpm] = await medians([
    { args: ["run", here("empty.ts")], env },
    { args: pai("--help"), env },
    { args: pai("status"), env },
    { args: client, env },
    { args: pai("prompt", "hello"), env },
    { args: pai("prompt", "hello"), env: { ...env, PAI_NO_SDK_BUNDLE: "1" } },
  ]);

  const row = (name: string, ms: number, base: number, target: string) =>
    `| ${name} | ${ms.toFixed(1)} ms | ${(ms / base).toFixed(2)}× | ${target} |`;
  console.log(
    `Medians of ${RUNS} interleaved runs each (after a warm-up), ${Deno.build.target}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}`,
  );
  console.log("| case | median | vs baseline | target |");
  console.log("|---|---|---|---|");
  console.log(row("bare `deno run empty.ts` (baseline)", bare, bare, "—"));
  console.log(row("`pai --help`", help, bare, `≤ 2.5× bare: ${help <= 2.5 * bare ? "met" : "MISSED"}`));
  console.log(row("`pai status`", status, bare, "—"));
  console.log(row("minimal openai-SDK client (baseline)", sdk, sdk, "—"));
  console.log(
    row("`pai prompt` (one-shot, streamed)", prompt, sdk, `≤ 1× SDK client: ${prompt <= sdk ? "met" : "MISSED"}`),
  );
  console.log(row("`pai prompt`, SDK from npm (`PAI_NO_SDK_BUNDLE=1`)", promptNpm, sdk, "— (without the bundle)"));
} finally {
  await server.close();
  home.cleanup();
}

/**
 * Start-up and one-shot benchmarks, each compared with its baseline in the
 * same run: `pai --help` and `pai status` against a bare `deno run`, and
 * `pai prompt` against a minimal openai-SDK client, both hitting the same
 * loopback fake server (PAI with its SDK bundle, as users run it, and with the
 * SDK imported from npm, as the client does). Prints wall-time medians and
 * mean CPU times, with their ratios; `deno task bench`.
 */
import { fileURLToPath } from "node:url";
import { FakeModelServer } from "../tests/fakes/fake_model_server.ts";
import { MAIN, makePaiHome, PAI_FLAGS, paiEnv } from "../tests/helpers/run_pai.ts";
import { childrenCpuMs } from "./measure.ts";

const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 21);
const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/** One run: its wall time, and the CPU time it used (all its threads). */
async function timeOnce(args: string[], env: Record<string, string>): Promise<{ wall: number; cpu: number }> {
  const cpu = childrenCpuMs();
  const start = performance.now();
  const out = await new Deno.Command(Deno.execPath(), { args, clearEnv: true, env, stdout: "null", stderr: "piped" })
    .output();
  const wall = performance.now() - start;
  if (out.code !== 0) throw new Error(`${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  return { wall, cpu: childrenCpuMs() - cpu };
}

/** One measured command: its arguments and environment. */
interface Case {
  args: string[];
  env: Record<string, string>;
}

/** The median wall time of a case's runs, and their mean CPU time (each run's is counted in 10 ms ticks). */
interface Timing {
  wall: number;
  cpu: number;
}

/**
 * Times RUNS runs of each case, after one warm-up run of each (so the module cache is hot for all). The cases are
 * interleaved, one run of each per round, so that a change in the machine's load falls on all of them alike and the
 * ratios between them hold. CPU time is less disturbed by other tenants of a shared machine than wall time.
 */
async function measure(cases: Case[]): Promise<Timing[]> {
  for (const c of cases) await timeOnce(c.args, c.env);
  const runs: { wall: number; cpu: number }[][] = cases.map(() => []);
  for (let round = 0; round < RUNS; round++) {
    for (const [i, c] of cases.entries()) runs[i].push(await timeOnce(c.args, c.env));
  }
  return runs.map((r) => ({
    wall: r.map((x) => x.wall).sort((a, b) => a - b)[Math.floor(r.length / 2)],
    cpu: r.reduce((sum, x) => sum + x.cpu, 0) / r.length,
  }));
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
  const [bare, help, status, sdk, prompt, promptNpm] = await measure([
    { args: ["run", here("empty.ts")], env },
    { args: pai("--help"), env },
    { args: pai("status"), env },
    { args: client, env },
    { args: pai("prompt", "hello"), env },
    { args: pai("prompt", "hello"), env: { ...env, PAI_NO_SDK_BUNDLE: "1" } },
  ]);

  const row = (name: string, t: Timing, base: Timing, target: string) =>
    `| ${name} | ${t.wall.toFixed(1)} ms | ${(t.wall / base.wall).toFixed(2)}× | ${t.cpu.toFixed(1)} ms | ${
      (t.cpu / base.cpu).toFixed(2)
    }× | ${target} |`;
  console.log(
    `${RUNS} interleaved runs of each case (after a warm-up), ${Deno.build.target}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}`,
  );
  console.log("| case | wall (median) | vs baseline | CPU (mean) | vs baseline | target (wall) |");
  console.log("|---|---|---|---|---|---|");
  console.log(row("bare `deno run empty.ts` (baseline)", bare, bare, "—"));
  console.log(row("`pai --help`", help, bare, `≤ 2.5× bare: ${help.wall <= 2.5 * bare.wall ? "met" : "MISSED"}`));
  console.log(row("`pai status`", status, bare, "—"));
  console.log(row("minimal openai-SDK client (baseline)", sdk, sdk, "—"));
  console.log(
    row(
      "`pai prompt` (one-shot, streamed)",
      prompt,
      sdk,
      `≤ 1× SDK client: ${prompt.wall <= sdk.wall ? "met" : "MISSED"}`,
    ),
  );
  console.log(row("`pai prompt`, SDK from npm (`PAI_NO_SDK_BUNDLE=1`)", promptNpm, sdk, "— (without the bundle)"));
} finally {
  await server.close();
  home.cleanup();
}

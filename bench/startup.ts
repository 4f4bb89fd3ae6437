/**
 * Start-up and one-shot benchmarks, each compared with its baseline in the
 * same run: `pai --help` and `pai status` against a bare `deno run`, and
 * `pai prompt` against a minimal openai-SDK client, both hitting the same
 * loopback fake server. Prints medians and ratios; `deno task bench`.
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

/** Median of RUNS timings, after one warm-up run (so the module cache is hot for every case). */
async function median(args: string[], env: Record<string, string>): Promise<number> {
  await timeOnce(args, env);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await timeOnce(args, env));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const server = FakeModelServer.start({ models: ["m"] });
const home = makePaiHome();
try {
  const env = paiEnv(home, { OPENAI_API_KEY: "sk-bench-0000000000000000", OPENAI_BASE_URL: `${server.url}/v1` });
  const pai = (...args: string[]) => ["run", ...PAI_FLAGS, "--cached-only", MAIN, ...args];
  await timeOnce(pai("init", "openai", "--model", "m"), env);

  const bare = await median(["run", here("empty.ts")], env);
  const help = await median(pai("--help"), env);
  const status = await median(pai("status"), env);
  const sdk = await median([
    "run",
    "--allow-net",
    "--allow-env",
    "--allow-read",
    here("minimal_openai_client.ts"),
    `${server.url}/v1`,
  ], env);
  const prompt = await median(pai("prompt", "hello"), env);

  const row = (name: string, ms: number, base: number, target: string) =>
    `| ${name} | ${ms.toFixed(1)} ms | ${(ms / base).toFixed(2)}× | ${target} |`;
  console.log(
    `Medians of ${RUNS} runs each (after a warm-up), ${Deno.build.target}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}`,
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
} finally {
  await server.close();
  home.cleanup();
}

/**
 * The cost of one agent step that calls one sandboxed tool, against a plain prompt in the same run: `pai prompt "hi"`
 * (the model answers with text) and `pai agent "read notes.md"` (the model calls `fs_read` on a small file in the
 * workspace, then answers), both on the loopback fake model server. `pai agent "hi"`, answered with text, splits what
 * the agent mode costs from what the tool call costs, and a bare `deno run empty.ts` gives the cost of one process for
 * scale (a tool call spawns one). The cases are interleaved, one run of each per round, after a warm-up run of each.
 * Prints wall-time medians and mean CPU times, and the step's cost over the plain prompt. Target (issue 11): at most
 * 50 ms over a plain prompt. `deno task bench`.
 *
 * The session's model is `gpt-4o-mini` (a 128k window), so that what is measured is the tool step, not the tokenizer:
 * with a small window (an unknown model's 8k) the first tool result can take a request past the free UTF-8 bound,
 * and the run then loads the tokenizer (`bench/README.md`, "Token counting").
 *
 * Given the path of another checkout of PAI (`deno run -A bench/agent_step.ts /tmp/before`, made with
 * `git worktree add /tmp/before <commit>`), its three `pai` cases are interleaved with this checkout's, each checkout
 * with its own `PAI_HOME`: before and after measured in the same run, under the same load.
 */
import { fileURLToPath } from "node:url";
import { FakeModelServer, type ScriptedReply } from "../tests/fakes/fake_model_server.ts";
import { MAIN, makePaiHome, PAI_FLAGS, paiEnv, type PaiHome } from "../tests/helpers/run_pai.ts";
import { childrenCpuMs } from "./measure.ts";

const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 21);
const TARGET_MS = 50;
const MODEL = "gpt-4o-mini";

/** One measured command: its arguments and environment, and the model's replies it consumes (queued just before). */
interface Case {
  args: string[];
  env: Record<string, string>;
  replies: ScriptedReply[];
  /** What the run must print: a check that the step really ran (a refused call would print something else). */
  expect: RegExp;
}

/** One run's wall time and CPU time (all its threads). */
interface Timing {
  wall: number;
  cpu: number;
}

/** A checkout of PAI whose `pai` is measured, with its own home. */
interface Checkout {
  name: string;
  main: string;
  home: PaiHome;
}

const server = FakeModelServer.start({ models: [MODEL] });
const other = Deno.args[0];
const checkouts: Checkout[] = [
  { name: "this checkout", main: MAIN, home: makePaiHome() },
  ...(other ? [{ name: other, main: `${Deno.realPathSync(other)}/src/main.ts`, home: makePaiHome() }] : []),
];
const workspace = await Deno.realPath(await Deno.makeTempDir({ prefix: "pai_bench_ws_" }));

/** One run of a case, checked: its wall time and CPU time. */
async function timeOnce(c: Case): Promise<Timing> {
  server.enqueue(...c.replies);
  const cpu = childrenCpuMs();
  const start = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: c.args,
    cwd: workspace,
    clearEnv: true,
    env: c.env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const wall = performance.now() - start;
  const printed = new TextDecoder().decode(out.stdout);
  if (out.code !== 0 || !c.expect.test(printed)) {
    throw new Error(
      `${c.args.slice(-2).join(" ")} failed (${out.code}): ${printed}${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return { wall, cpu: childrenCpuMs() - cpu };
}

try {
  Deno.writeTextFileSync(`${workspace}/notes.md`, "- buy oat milk\n- call Ann\n".repeat(20));

  const answer: ScriptedReply = { text: "Two items: oat milk and a call." };
  const perCheckout: Case[][] = [];
  for (const { main, home } of checkouts) {
    const env = paiEnv(home, { OPENAI_API_KEY: "sk-bench-0000000000000000", OPENAI_BASE_URL: `${server.url}/v1` });
    const pai = (...args: string[]) => ["run", ...PAI_FLAGS, "--cached-only", main, ...args];
    // init also builds the openai SDK's bundle in the cache, as it does for a user.
    await timeOnce({ args: pai("init", "openai", "--model", MODEL), env, replies: [], expect: /./ });
    perCheckout.push([
      { args: pai("prompt", "hi"), env, replies: [answer], expect: /oat milk/ },
      { args: pai("agent", "hi"), env, replies: [answer], expect: /oat milk/ },
      {
        args: pai("agent", "--json", "read notes.md"),
        env,
        replies: [{ toolCalls: [{ name: "fs_read", arguments: JSON.stringify({ path: "notes.md" }) }] }, answer],
        expect: /"tool":"fs_read","arguments":\{"path":"notes.md"\},"ok":true/,
      },
    ]);
  }
  const bare: Case = {
    args: ["run", fileURLToPath(new URL("empty.ts", import.meta.url))],
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
    replies: [],
    expect: /^$/,
  };
  const cases = [...perCheckout.flat(), bare];
  for (const c of cases) await timeOnce(c);
  const runs: Timing[][] = cases.map(() => []);
  for (let round = 0; round < RUNS; round++) {
    for (const [i, c] of cases.entries()) runs[i].push(await timeOnce(c));
  }
  const timings = runs.map((r) => ({
    wall: r.map((x) => x.wall).sort((a, b) => a - b)[Math.floor(r.length / 2)],
    cpu: r.reduce((sum, x) => sum + x.cpu, 0) / r.length,
  }));

  console.log(
    `${RUNS} interleaved runs of each case (after a warm-up), ${Deno.build.target}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}`,
  );
  checkouts.forEach((checkout, k) => {
    const [prompt, agentText, agentTool] = timings.slice(3 * k, 3 * k + 3);
    const row = (name: string, t: Timing, target: string) =>
      `| ${name} | ${t.wall.toFixed(1)} ms | ${(t.wall - prompt.wall).toFixed(1)} ms | ${t.cpu.toFixed(1)} ms | ${
        (t.cpu - prompt.cpu).toFixed(1)
      } ms | ${target} |`;
    const over = agentTool.wall - prompt.wall;
    console.log(checkouts.length > 1 ? `\n${checkout.name}:` : "");
    console.log("| case | wall (median) | over the prompt | CPU (mean) | over the prompt | target (wall) |");
    console.log("|---|---|---|---|---|---|");
    console.log(row('`pai prompt "hi"`, a text answer (baseline)', prompt, "—"));
    console.log(row('`pai agent "hi"`, a text answer', agentText, "—"));
    console.log(
      row(
        '`pai agent "read notes.md"`: one `fs_read` call, then the answer',
        agentTool,
        `≤ ${TARGET_MS} ms over the prompt: ${over <= TARGET_MS ? "met" : "MISSED"}`,
      ),
    );
  });
  const empty = timings.at(-1)!;
  console.log(
    `\nFor scale, in the same run: a bare \`deno run empty.ts\` took ${empty.wall.toFixed(1)} ms (CPU ${
      empty.cpu.toFixed(1)
    } ms).`,
  );
} finally {
  await server.close();
  for (const { home } of checkouts) home.cleanup();
  Deno.removeSync(workspace, { recursive: true });
}

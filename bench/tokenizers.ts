/**
 * Compares the two npm tokenizers PAI could count tokens with, `gpt-tokenizer` and `js-tiktoken`:
 *
 * 1. Import cost: the time from the first line of a fresh `deno run` process to a first count (module loaded,
 *    encoding built), and the process's wall time over a bare one. Interleaved rounds, medians.
 * 2. Counting speed on 1 MiB of text (2^20 characters): the repository's Markdown (with its tables, and without the
 *    table rows) and its `src/` TypeScript, each repeated to length. The first count in a fresh process (what one
 *    `pai` run pays) and the median of later counts in the same process (the tokenizers cache merges), medians over
 *    fresh processes. The counts of both must agree: they implement the same encodings. A process that has not
 *    finished within the time limit is killed and reported as such: js-tiktoken's merge loop grows with the cube of
 *    a piece's length, and a Markdown table's separator row is one piece of hundreds of dashes.
 *
 * Each process runs `bench/tokenizer_child.ts` with a temporary import map holding both packages, so that the
 * project's own `deno.json` keeps only the one chosen. `deno run -A bench/tokenizers.ts`; `BENCH_RUNS=N` sets the
 * rounds of the import cost (default 15), `BENCH_COUNT_RUNS=N` the processes per counting case (default 5),
 * `BENCH_COUNT_LIMIT_S=N` the time limit of one counting process (default 60).
 */
import { fileURLToPath } from "node:url";

const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 15);
const COUNT_RUNS = Number(Deno.env.get("BENCH_COUNT_RUNS") ?? 5);
/** Later counts in the same process, after the first. */
const WARM_REPEATS = 3;
const SAMPLE_CHARS = 2 ** 20;
const COUNT_LIMIT_MS = Number(Deno.env.get("BENCH_COUNT_LIMIT_S") ?? 60) * 1000;

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const CHILD = fileURLToPath(new URL("tokenizer_child.ts", import.meta.url));
/** The version in the project's import map wins for the chosen package; the other is pinned here. */
const PINNED: Record<string, string> = {
  "gpt-tokenizer": "npm:gpt-tokenizer@4.0.0",
  "js-tiktoken": "npm:js-tiktoken@1.0.21",
};

interface ImportCase {
  label: string;
  lib: string;
  encoding: string;
}

const IMPORT_CASES: ImportCase[] = [
  { label: "baseline (no tokenizer)", lib: "none", encoding: "-" },
  { label: "gpt-tokenizer, o200k_base", lib: "gpt-tokenizer", encoding: "o200k_base" },
  { label: "gpt-tokenizer, cl100k_base", lib: "gpt-tokenizer", encoding: "cl100k_base" },
  { label: "js-tiktoken lite + ranks, o200k_base", lib: "js-tiktoken", encoding: "o200k_base" },
  { label: "js-tiktoken lite + ranks, cl100k_base", lib: "js-tiktoken", encoding: "cl100k_base" },
  { label: "js-tiktoken main entry, o200k_base", lib: "js-tiktoken-full", encoding: "o200k_base" },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A temporary folder with an import map of both packages; its lock file stays there. */
async function makeWorkspace(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "pai-tokenizers-" });
  const project = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)) as { imports?: Record<string, string> };
  const imports = Object.fromEntries(
    Object.entries(PINNED).map(([name, pinned]) => [name, project.imports?.[name] ?? pinned]),
  );
  await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify({ imports }));
  return dir;
}

/** Runs the child once: its parsed output line and the process's wall time, or `undefined` if it ran out of time. */
async function child<T>(
  dir: string,
  args: string[],
  limitMs = 600_000,
): Promise<{ out: T; wallMs: number } | undefined> {
  const signal = AbortSignal.timeout(limitMs);
  const start = performance.now();
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", `${dir}/deno.json`, CHILD, ...args],
    stdout: "piped",
    stderr: "piped",
    signal,
  }).output();
  const wallMs = performance.now() - start;
  if (signal.aborted) return undefined;
  if (!result.success) throw new Error(`${args.join(" ")} failed: ${new TextDecoder().decode(result.stderr)}`);
  return { out: JSON.parse(new TextDecoder().decode(result.stdout)) as T, wallMs };
}

/** Like {@linkcode child}, for a run that must finish. */
async function mustRun<T>(dir: string, args: string[]): Promise<{ out: T; wallMs: number }> {
  const run = await child<T>(dir, args);
  if (run === undefined) throw new Error(`${args.join(" ")} did not finish`);
  return run;
}

/** Every file under `dir` whose name ends with `ext`, in a stable order. */
async function filesUnder(dir: string, ext: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory && !entry.name.startsWith(".") && entry.name !== "node_modules") {
      found.push(...await filesUnder(path, ext));
    } else if (entry.isFile && entry.name.endsWith(ext)) found.push(path);
  }
  return found.sort();
}

/** The files' text (lines kept by `keep`), repeated to exactly SAMPLE_CHARS characters, written to `path`. */
async function writeSample(files: string[], path: string, keep: (line: string) => boolean): Promise<void> {
  const all = (await Promise.all(files.map((f) => Deno.readTextFile(f)))).join("\n\n");
  const text = all.split("\n").filter(keep).join("\n");
  await Deno.writeTextFile(path, text.repeat(Math.ceil(SAMPLE_CHARS / text.length)).slice(0, SAMPLE_CHARS));
}

const dir = await makeWorkspace();
try {
  // One run of each case first: it downloads what is missing, and warms Deno's caches for every case alike.
  for (const c of IMPORT_CASES) await mustRun(dir, ["import", c.lib, c.encoding]);

  const runs = IMPORT_CASES.map(() => ({ load: [] as number[], wall: [] as number[], rss: [] as number[] }));
  for (let round = 0; round < RUNS; round++) {
    for (const [i, c] of IMPORT_CASES.entries()) {
      const { out, wallMs } = await mustRun<{ loadMs: number; rssMb: number }>(dir, ["import", c.lib, c.encoding]);
      runs[i].load.push(out.loadMs);
      runs[i].wall.push(wallMs);
      runs[i].rss.push(out.rssMb);
    }
  }
  const baseWall = median(runs[0].wall);
  const baseRss = median(runs[0].rss);
  console.log(
    `Import cost: ${RUNS} interleaved rounds, ${Deno.build.target}, ${navigator.hardwareConcurrency} cores, ` +
      `Deno ${Deno.version.deno}`,
  );
  console.log("| case | import + first count (median) | process wall (median) | over baseline | RSS over baseline |");
  console.log("|---|---|---|---|---|");
  for (const [i, c] of IMPORT_CASES.entries()) {
    const wall = median(runs[i].wall);
    console.log(
      `| ${c.label} | ${median(runs[i].load).toFixed(1)} ms | ${wall.toFixed(1)} ms | ${
        (wall - baseWall).toFixed(1)
      } ms | ${(median(runs[i].rss) - baseRss).toFixed(0)} MiB |`,
    );
  }

  const markdown = await filesUnder(ROOT.replace(/\/$/, ""), ".md");
  const typescript = await filesUnder(`${ROOT}src`, ".ts");
  const everyLine = () => true;
  const samples = [
    { name: `Markdown, tables included (${markdown.length} files)`, files: markdown, keep: everyLine },
    { name: "Markdown, table rows removed", files: markdown, keep: (line: string) => !line.startsWith("|") },
    { name: `TypeScript (\`src/\`, ${typescript.length} files)`, files: typescript, keep: everyLine },
  ];
  console.log(
    `\nCounting 2^20 characters, o200k_base, ${COUNT_RUNS} fresh processes per case, ${COUNT_LIMIT_MS / 1000} s limit`,
  );
  console.log("| text | tokenizer | tokens | first count (median) | later counts (median) |");
  console.log("|---|---|---|---|---|");
  for (const [i, sample] of samples.entries()) {
    const path = `${dir}/sample_${i}.txt`;
    await writeSample(sample.files, path, sample.keep);
    const tokens = new Set<number>();
    for (const lib of ["gpt-tokenizer", "js-tiktoken"]) {
      const first: number[] = [];
      const warm: number[] = [];
      let counted = 0;
      let timedOut = false;
      for (let run = 0; run < COUNT_RUNS && !timedOut; run++) {
        const result = await child<{ firstMs: number; warmMs: number; tokens: number }>(
          dir,
          ["count", lib, "o200k_base", path, String(WARM_REPEATS)],
          COUNT_LIMIT_MS,
        );
        if (result === undefined) timedOut = true;
        else {
          first.push(result.out.firstMs);
          warm.push(result.out.warmMs);
          counted = result.out.tokens;
          tokens.add(counted);
        }
      }
      const cells = timedOut ? ["—", `> ${COUNT_LIMIT_MS / 1000} s (killed)`, "—"] : [
        String(counted),
        `${median(first).toFixed(0)} ms`,
        `${median(warm).toFixed(0)} ms`,
      ];
      console.log(`| ${sample.name} | ${lib} | ${cells.join(" | ")} |`);
    }
    if (tokens.size > 1) console.log(`**The tokenizers disagree: ${[...tokens].join(" vs ")} tokens**`);
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}

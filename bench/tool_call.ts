/**
 * The cost of one sandboxed tool call (spawn + run + result), measured through
 * PAI's own runner, against spawning a bare `deno run` of an empty file in the
 * same run. Target: under 50 ms. `deno task bench`.
 */
import { fileURLToPath } from "node:url";
import type { Grant } from "../src/core/types.ts";
import { runToolProcess } from "../src/sandbox/run_tool.ts";
import { TOOLS_DIR } from "../src/modes/tool_setup.ts";
import { median } from "./measure.ts";

const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 21);
const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "pai_bench_" }));
Deno.writeTextFileSync(`${dir}/notes.md`, "line\n".repeat(200));
const grant: Grant = {
  read: [`${dir}/notes.md`],
  write: [],
  net: [],
  denyRead: [],
  denyWrite: [],
  env: {},
  timeoutMs: 30_000,
  memoryMb: 256,
  outputBytes: 8 * 1024 * 1024,
  reason: "bench",
};

try {
  const empty = fileURLToPath(new URL("empty.ts", import.meta.url));
  const bare = await median(
    () => new Deno.Command(Deno.execPath(), { args: ["run", empty], stdout: "null" }).output(),
    RUNS,
  );
  const call = await median(async () => {
    const r = await runToolProcess(`${TOOLS_DIR}/fs_read.ts`, { path: `${dir}/notes.md` }, grant);
    if (!r.ok) throw new Error(JSON.stringify(r));
  }, RUNS);
  console.log(
    `Medians of ${RUNS} runs each (after a warm-up), ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}`,
  );
  console.log("| case | median | target |");
  console.log("|---|---|---|");
  console.log(`| bare \`deno run empty.ts\` spawn (baseline) | ${bare.toFixed(1)} ms | — |`);
  console.log(
    `| sandboxed \`fs_read\` call (spawn + run + result) | ${call.toFixed(1)} ms | < 50 ms: ${
      call < 50 ? "met" : "MISSED"
    } |`,
  );
} finally {
  Deno.removeSync(dir, { recursive: true });
}

/**
 * The audit commands on a large log: `pai audit list` (newest 50, and filtered by a tool), `search`, `stats` and
 * `export` of 100,000 rows, each as the real `pai` process (wall time from spawn to exit, stdout piped), and the
 * query alone in this process. The rows are a mix of what runs write (prompts, answers, tool calls, grants, tool
 * results with content) over 100 sessions and 100 days, inserted in one transaction with made-up hashes: the
 * hashing of appends is not what is measured here, and the search index is filled by its trigger as for real
 * rows. `deno run -A bench/audit_query.ts` (`BENCH_ROWS`, `BENCH_RUNS` change the counts).
 */
import { storedEvent } from "../src/audit/events.ts";
import type { AuditEvent } from "../src/audit/events.ts";
import { listRecords, searchRecords } from "../src/audit/query.ts";
import { auditStats } from "../src/audit/stats.ts";
import { openDatabase } from "../src/store/db.ts";
import { MAIN, PAI_FLAGS } from "../tests/helpers/run_pai.ts";

const ROWS = Number(Deno.env.get("BENCH_ROWS") ?? 100_000);
const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 11);
const DAY = 86_400_000;

/** Row `i` of the made-up log: five kinds in turn, as an agent step writes them. */
function eventOf(i: number): AuditEvent {
  const common = {
    sessionId: `session-${String(i % 100).padStart(4, "0")}`,
    mode: "agent",
    provider: "openai",
    model: "gpt-4o-mini",
  } as const;
  const path = `/home/me/notes/file-${i % 997}.md`;
  switch (i % 5) {
    case 0:
      return { ...common, kind: "prompt", text: `Summarise ${path} and list what is due (${i}). `.repeat(4) };
    case 1:
      return {
        ...common,
        kind: "response",
        text: "",
        toolCalls: [{ id: `c${i}`, name: "fs_read", arguments: JSON.stringify({ path }) }],
        usage: { inputTokens: 900, outputTokens: 40 },
      };
    case 2:
      return { ...common, kind: "tool_call", tool: "fs_read", callId: `c${i}`, arguments: JSON.stringify({ path }) };
    case 3:
      return {
        ...common,
        kind: "grant",
        tool: "fs_read",
        permissions: { read: [path], write: [], net: [] },
        flags: ["--no-prompt", `--allow-read=${path}`],
        reason: "within the mode's defaults",
      };
    default:
      return {
        ...common,
        kind: "tool_result",
        tool: "fs_read",
        callId: `c${i}`,
        ok: true,
        content: `- item ${i}: renew passport, call Ann, pay rent\n`.repeat(20),
        size: 900,
      };
  }
}

function fill(dir: string): void {
  const db = openDatabase(dir);
  const insert = db.prepare(
    `INSERT INTO audit_log (ts, os_user, session_id, mode, provider, model, kind, input_tokens, output_tokens,
                            payload, detail, payload_hash, prev_hash, hash) VALUES (?, 'me', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const start = Date.now() - 100 * DAY;
  const hash = "0".repeat(64);
  db.exec("BEGIN");
  for (let i = 0; i < ROWS; i++) {
    const event = eventOf(i);
    const stored = storedEvent(event);
    insert.run(
      new Date(start + Math.floor((i / ROWS) * 100 * DAY)).toISOString(),
      event.sessionId!,
      event.mode!,
      event.provider!,
      event.model!,
      stored.kind,
      event.usage?.inputTokens ?? 0,
      event.usage?.outputTokens ?? 0,
      stored.payload,
      stored.detail,
      hash,
      hash,
      hash,
    );
  }
  db.exec("COMMIT");
  db.close();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timePai(dir: string, args: string[]): Promise<number> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", ...PAI_FLAGS, "--cached-only", MAIN, ...args],
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin",
      HOME: dir,
      PAI_HOME: dir,
      NO_COLOR: "1",
      DENO_DIR: Deno.env.get("DENO_DIR") ?? "",
    },
    stdout: "piped",
    stderr: "piped",
  });
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const started = performance.now();
    const out = await command.output();
    if (out.code !== 0) throw new Error(`pai ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
    if (i > 0) times.push(performance.now() - started);
  }
  return median(times);
}

function timeHere(work: () => unknown): number {
  work();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  return median(times);
}

if (!Deno.env.get("DENO_DIR")) {
  const info = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" }).output();
  Deno.env.set("DENO_DIR", JSON.parse(new TextDecoder().decode(info.stdout)).denoDir);
}
const dir = Deno.makeTempDirSync({ prefix: "pai_bench_audit_" });
try {
  const filled = performance.now();
  fill(dir);
  const fillMs = performance.now() - filled;
  const size = Deno.statSync(`${dir}/pai.db`).size;
  console.log(
    `${ROWS} rows inserted in ${(fillMs / 1000).toFixed(1)} s (search index by trigger); database ${
      (size / 2 ** 20).toFixed(0)
    } MiB`,
  );
  const db = openDatabase(dir);
  const inProcess = {
    list: timeHere(() => listRecords(db, {}, { limit: 50 })),
    listTool: timeHere(() => listRecords(db, { tool: "fs_read", kinds: ["grant"] }, { limit: 50 })),
    search: timeHere(() => searchRecords(db, "renew passport", {}, { limit: 50 })),
    stats: timeHere(() => auditStats(db, {}, { top: 10 })),
  };
  db.close();
  const cases: [string, string[], number | undefined][] = [
    ["pai --help (start-up, for scale)", ["--help"], undefined],
    ["pai audit list", ["audit", "list"], inProcess.list],
    [
      "pai audit list --tool fs_read --kind grant",
      ["audit", "list", "--tool", "fs_read", "--kind", "grant"],
      inProcess.listTool,
    ],
    ["pai audit search renew passport", ["audit", "search", "renew", "passport"], inProcess.search],
    ["pai audit stats", ["audit", "stats"], inProcess.stats],
    ["pai audit export --format csv (all rows, to a pipe)", ["audit", "export", "--format", "csv"], undefined],
    ["pai audit export --format jsonl (all rows, to a pipe)", ["audit", "export", "--format", "jsonl"], undefined],
  ];
  console.log(`| case | pai, wall (median of ${RUNS}) | the query alone |`);
  console.log("| --- | --- | --- |");
  for (const [name, args, here] of cases) {
    const ms = await timePai(dir, args);
    console.log(`| \`${name}\` | ${ms.toFixed(0)} ms | ${here === undefined ? "—" : `${here.toFixed(1)} ms`} |`);
  }
} finally {
  if (!Deno.env.get("BENCH_KEEP")) Deno.removeSync(dir, { recursive: true });
  else console.log(dir);
}

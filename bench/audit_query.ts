/**
 * The audit commands on a large log: `pai audit list` (newest 50, and filtered by a tool), `search`, `stats`,
 * `where` (a file, a folder, a rare and a common text) and `export` of 100,000 rows, each as the real `pai` process (wall time from spawn to exit, stdout piped), and the
 * query alone in this process. The rows are what agent steps write (a prompt, the request carrying it, an answer
 * calling a tool, the call, its grant, its result with content, the request carrying all three and, from the
 * session's earlier steps, up to 8 pieces again) over 100 sessions and 100 days, inserted in one transaction with made-up hashes: the
 * hashing of appends is not what is measured here, and the search index is filled by its trigger as for real
 * rows. `deno run -A bench/audit_query.ts` (`BENCH_ROWS`, `BENCH_RUNS` change the counts).
 */
import { createHash } from "node:crypto";
import { type AuditEvent, type CarriedPiece, storedEvent } from "../src/audit/events.ts";
import { indexCarried } from "../src/audit/carried_index.ts";
import { whereData } from "../src/audit/where.ts";
import { median } from "./measure.ts";
import { listRecords, searchRecords } from "../src/audit/query.ts";
import { auditStats } from "../src/audit/stats.ts";
import { openDatabase } from "../src/store/db.ts";
import { MAIN, PAI_FLAGS } from "../tests/helpers/run_pai.ts";

const ROWS = Number(Deno.env.get("BENCH_ROWS") ?? 100_000);
const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 11);
const DAY = 86_400_000;

/** The steps of the made-up log: an agent step writes these seven rows, in this order. */
const STEP = 7;
/** How many pieces of earlier steps of its session each step's first request carries again (as a chat does). */
const HISTORY = 8;

/** The path a step reads: 997 files, so that one file is read by ~1 in 1,000 steps. */
const pathOf = (step: number) => `/home/me/notes/file-${step % 997}.md`;

/** Row `i` of the made-up log, and the hashes of the content rows written so far (for the requests' pieces). */
function eventOf(i: number, hashes: Map<number, string>): AuditEvent {
  const step = Math.floor(i / STEP);
  const session = step % 100;
  const common = {
    sessionId: `session-${String(session).padStart(4, "0")}`,
    mode: "agent",
    provider: "openai",
    model: "gpt-4o-mini",
  } as const;
  const path = pathOf(step);
  const at = (k: number) => step * STEP + k;
  const request = (carried: CarriedPiece[]): AuditEvent => ({
    ...common,
    kind: "request",
    baseUrl: "https://api.openai.com/v1",
    locality: "remote",
    carried,
  });
  const piece = (row: number, via: CarriedPiece["via"], extra: Partial<CarriedPiece> = {}): CarriedPiece => ({
    via,
    hash: hashes.get(row)!,
    sent: "as_written",
    ...extra,
  });
  // The last steps of the same session (every 100th step), sent again from the history.
  const earlier = Array.from({ length: Math.min(HISTORY / 2, Math.floor(step / 100)) }, (_, k) => step - 100 * (k + 1))
    .flatMap((s) => [
      piece(s * STEP, "input", { earlier: true }),
      piece(s * STEP + 5, "tool_result", { earlier: true, sources: [pathOf(s)], callId: `c${s}` }),
    ]);
  switch (i % STEP) {
    case 0:
      return { ...common, kind: "prompt", text: `Summarise ${path} and list what is due (${i}). `.repeat(4) };
    case 1:
      return request([...earlier, piece(at(0), "input")]);
    case 2:
      return {
        ...common,
        kind: "response",
        text: "",
        toolCalls: [{ id: `c${step}`, name: "fs_read", arguments: JSON.stringify({ path }) }],
        usage: { inputTokens: 900, outputTokens: 40 },
      };
    case 3:
      return { ...common, kind: "tool_call", tool: "fs_read", callId: `c${step}`, arguments: JSON.stringify({ path }) };
    case 4:
      return {
        ...common,
        kind: "grant",
        tool: "fs_read",
        permissions: { read: [path], write: [], net: [] },
        flags: ["--no-prompt", `--allow-read=${path}`],
        reason: "within the mode's defaults",
      };
    case 5:
      return {
        ...common,
        kind: "tool_result",
        tool: "fs_read",
        callId: `c${step}`,
        ok: true,
        content: `- item ${i}: renew passport, call Ann, pay rent\n`.repeat(20),
        size: 900,
      };
    default:
      return request([
        ...earlier,
        piece(at(0), "input"),
        piece(at(2), "answer"),
        piece(at(5), "tool_result", { sources: [path], callId: `c${step}` }),
      ]);
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
  const hashes = new Map<number, string>();
  db.exec("BEGIN");
  for (let i = 0; i < ROWS; i++) {
    const event = eventOf(i, hashes);
    const stored = storedEvent(event);
    // Real payload hashes: the requests' pieces name their rows by them, as `pai audit where` follows them.
    const payloadHash = createHash("sha256").update(stored.payload, "utf8").digest("hex");
    hashes.set(i, payloadHash);
    const id = insert.run(
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
      payloadHash,
      hash,
      hash,
    ).lastInsertRowid;
    if (event.kind === "request") indexCarried(db, Number(id), event.carried);
  }
  db.exec("COMMIT");
  db.close();
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
  return await median(async () => {
    const out = await command.output();
    if (out.code !== 0) throw new Error(`pai ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }, RUNS);
}

function timeHere(work: () => unknown): Promise<number> {
  return median(() => Promise.resolve(work()), RUNS);
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
  const file = { kind: "path" as const, paths: [pathOf(5)], sources: [] };
  const inProcess = {
    list: await timeHere(() => listRecords(db, {}, { limit: 50 })),
    listTool: await timeHere(() => listRecords(db, { tool: "fs_read", kinds: ["grant"] }, { limit: 50 })),
    search: await timeHere(() => searchRecords(db, "renew passport", {}, { limit: 50 })),
    stats: await timeHere(() => auditStats(db, {}, { top: 10 })),
    wherePath: await timeHere(() => whereData(db, file, { limit: 50 })),
    whereFolder: await timeHere(() =>
      whereData(db, { kind: "path", paths: ["/home/me/notes"], sources: [] }, { limit: 50 })
    ),
    whereRare: await timeHere(() => whereData(db, { kind: "text", text: "item 40003:" }, { limit: 50 })),
    whereCommon: await timeHere(() => whereData(db, { kind: "text", text: "renew passport" }, { limit: 50 })),
  };
  const found = await whereData(db, file, { limit: 50 });
  console.log(`where ${pathOf(5)}: ${found.requests} requests, ${found.flows.length} pieces shown`);
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
    [`pai audit where ${pathOf(5)}`, ["audit", "where", pathOf(5)], inProcess.wherePath],
    [
      "pai audit where /home/me/notes (a folder: every file)",
      ["audit", "where", "/home/me/notes"],
      inProcess.whereFolder,
    ],
    ['pai audit where "item 40003:" (a text in one row)', ["audit", "where", "item 40003:"], inProcess.whereRare],
    [
      'pai audit where "renew passport" (a text in every result)',
      ["audit", "where", "renew passport"],
      inProcess.whereCommon,
    ],
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

/**
 * The audit log's figures: what `synchronous = FULL` and the head file cost per append and per turn, the append
 * rate of one process and of four at once, and how long `pai audit verify` takes over a million rows (and how
 * much memory: the walk streams). `deno run -A bench/audit.ts`; `BENCH_ROWS=N` changes the million.
 */
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { CHAINED_COLUMNS, chainedText, GENESIS_HASH, sha256 } from "../src/audit/chain.ts";
import { advanceAuditHead, auditHeadPath } from "../src/audit/head.ts";
import { verifyAuditLog } from "../src/audit/verify.ts";
import { type Database, openDatabase } from "../src/store/db.ts";
import { FakeModelServer } from "../tests/fakes/fake_model_server.ts";
import { MAIN, makePaiHome, PAI_FLAGS, paiEnv } from "../tests/helpers/run_pai.ts";

const ROWS = Number(Deno.env.get("BENCH_ROWS") ?? 1_000_000);
const COMMITS = 500;
const HEAP_CAP_MB = 40;
const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

function scratch(): { dir: string; db: Database } {
  const dir = Deno.makeTempDirSync({ prefix: "pai_bench_audit_" });
  return { dir, db: openDatabase(dir) };
}

/** ms per commit of one audit-row-sized INSERT, at a `synchronous` setting. */
function commitCost(db: Database, synchronous: "NORMAL" | "FULL"): number {
  db.exec(`PRAGMA synchronous = ${synchronous}`);
  const insert = db.prepare(
    `INSERT INTO audit_log (ts, os_user, kind, payload, detail, payload_hash, prev_hash, hash)
     VALUES (?, 'bench', 'prompt', ?, '{}', ?, ?, ?)`,
  );
  const start = performance.now();
  for (let i = 0; i < COMMITS; i++) {
    db.exec("BEGIN IMMEDIATE");
    insert.run(new Date().toISOString(), "x".repeat(200), "a".repeat(64), "b".repeat(64), "c".repeat(64));
    db.exec("COMMIT");
  }
  return (performance.now() - start) / COMMITS;
}

/** ms per head-file update (lock, read, write, fsync, rename). */
function headCost(dir: string, from: number): number {
  const path = `${dir}/audit-head.json`;
  const start = performance.now();
  for (let i = 1; i <= COMMITS; i++) {
    advanceAuditHead(path, { id: from + i, hash: "d".repeat(64) }, { current: () => true });
  }
  return (performance.now() - start) / COMMITS;
}

/** Runs `processes` appenders at once, `each` rows apiece; rows per second over the span of their appends. */
async function appendRate(processes: number, each: number): Promise<number> {
  const { dir, db } = scratch();
  db.close();
  try {
    const outs = await Promise.all(
      Array.from({ length: processes }, (_, p) =>
        new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", "--frozen", "--cached-only", here("audit_appender.ts"), dir, `p${p}`, String(each)],
          stdout: "piped",
          stderr: "inherit",
        }).output()),
    );
    const spans = outs.map((o) => JSON.parse(new TextDecoder().decode(o.stdout)) as { start: number; end: number });
    const seconds = (Math.max(...spans.map((s) => s.end)) - Math.min(...spans.map((s) => s.start))) / 1000;
    const check = openDatabase(dir);
    try {
      const report = await verifyAuditLog(check);
      if (!report.ok || report.rows !== processes * each) throw new Error(`bad log: ${JSON.stringify(report)}`);
    } finally {
      check.close();
    }
    return (processes * each) / seconds;
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

/** How many audit rows one `pai prompt` writes (the fake model server answers it). */
async function rowsPerTurn(): Promise<number> {
  const server = FakeModelServer.start({ models: ["m"] });
  const home = makePaiHome();
  try {
    const env = paiEnv(home, { OPENAI_API_KEY: "sk-bench-0000000000000000", OPENAI_BASE_URL: `${server.url}/v1` });
    const pai = (...args: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", ...PAI_FLAGS, "--cached-only", MAIN, ...args],
        clearEnv: true,
        env,
        stdout: "null",
        stderr: "null",
      }).output();
    await pai("init", "openai", "--model", "m");
    await pai("prompt", "warm-up");
    const count = () => {
      const db = openDatabase(home.dir);
      try {
        return Number(db.prepare("SELECT count(*) AS n FROM audit_log").get()!.n);
      } finally {
        db.close();
      }
    };
    const before = count();
    await pai("prompt", "hello");
    return count() - before;
  } finally {
    await server.close();
    home.cleanup();
  }
}

/** Writes `rows` chained rows, of the kinds and sizes a log has, as fast as SQLite takes them. */
function writeChain(db: Database, rows: number): void {
  const hash = (text: string) => createHash("sha256").update(text).digest("hex");
  const kinds = ["prompt", "response", "tool_call", "grant", "tool_result", "policy_decision"];
  const insert = db.prepare(
    `INSERT INTO audit_log (ts, os_user, session_id, mode, provider, model, kind, input_tokens, output_tokens,
                            payload, detail, payload_hash, prev_hash, hash) VALUES (${"?, ".repeat(13)}?)`,
  );
  // The search index's trigger (`pai audit search`) would make writing them several times slower: the index is
  // built once at the end instead (verify holds it to the rows), and the trigger put back.
  const trigger = String(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'audit_fts_insert'").get()!.sql);
  db.exec("DROP TRIGGER audit_fts_insert");
  let prev = GENESIS_HASH;
  const start = Date.UTC(2026, 0, 1);
  db.exec("BEGIN");
  for (let i = 0; i < rows; i++) {
    const kind = kinds[i % kinds.length];
    const payload = `${kind} ${i}: `.padEnd(120 + (i % 7) * 60, "the notes say the meeting moved to Thursday; ");
    const fields: Record<string, string | number | null> = {
      ts: new Date(start + i * 1000).toISOString(),
      os_user: "bench",
      session_id: `session-${Math.floor(i / 500)}`,
      mode: "agent",
      provider: "openai",
      model: "gpt-4o-mini",
      kind,
      input_tokens: kind === "response" ? 900 : 0,
      output_tokens: kind === "response" ? 120 : 0,
      payload_hash: hash(payload),
      prev_hash: prev,
    };
    const detail = JSON.stringify({ tool: "fs_read", callId: `call_${i}`, ok: true, size: payload.length });
    const rowHash = hash(chainedText({ ...fields, detail } as never));
    insert.run(
      ...CHAINED_COLUMNS.slice(0, 9).map((c) => fields[c]),
      payload,
      detail,
      fields.payload_hash,
      prev,
      rowHash,
    );
    prev = rowHash;
    if (i % 50_000 === 49_999) db.exec("COMMIT; BEGIN");
  }
  db.exec("COMMIT");
  db.exec("INSERT INTO audit_fts(audit_fts) VALUES ('rebuild')");
  db.exec(trigger);
  advanceAuditHead(auditHeadPath(db)!, { id: rows, hash: prev }, { current: () => true });
}

/**
 * Rows per second of hashing alone (a row's payload and its chained text), read beforehand: synchronously with
 * node:crypto, as verify does, and awaiting WebCrypto for each hash, as the appends do.
 */
async function hashRates(db: Database, rows: number): Promise<{ node: number; webCrypto: number }> {
  const texts = db.prepare(`SELECT * FROM audit_log ORDER BY id LIMIT ${rows}`).all()
    .map((r) => [String(r.payload), chainedText({ ...r, detail: String(r.detail) } as never)]);
  let start = performance.now();
  for (const [payload, chained] of texts) {
    createHash("sha256").update(payload, "utf8").digest("hex");
    createHash("sha256").update(chained, "utf8").digest("hex");
  }
  const node = texts.length / ((performance.now() - start) / 1000);
  start = performance.now();
  for (const [payload, chained] of texts) {
    await sha256(payload);
    await sha256(chained);
  }
  return { node, webCrypto: texts.length / ((performance.now() - start) / 1000) };
}

const turnRows = await rowsPerTurn();
const { dir, db } = scratch();
let normal = 0, full = 0, head = 0;
try {
  // Interleaved rounds, so that the machine's drift falls on both settings alike.
  for (let round = 0; round < 3; round++) {
    normal += commitCost(db, "NORMAL") / 3;
    full += commitCost(db, "FULL") / 3;
    head += headCost(dir, round * COMMITS) / 3;
  }
} finally {
  db.close();
  Deno.removeSync(dir, { recursive: true });
}
const one = await appendRate(1, 2000);
const four = await appendRate(4, 500);

const big = scratch();
let verify: { seconds: number; rss: number; heap: number; ok: boolean; rows: number };
let hashing: { node: number; webCrypto: number };
let paiVerify: number;
try {
  const wrote = performance.now();
  writeChain(big.db, ROWS);
  console.log(`(wrote ${ROWS} rows in ${((performance.now() - wrote) / 1000).toFixed(1)} s)`);
  const rssBefore = Deno.memoryUsage().rss;
  const report = await verifyAuditLog(big.db);
  verify = {
    seconds: report.seconds,
    rss: Deno.memoryUsage().rss - rssBefore,
    heap: Deno.memoryUsage().heapUsed,
    ok: report.ok,
    rows: report.rows,
  };
  hashing = await hashRates(big.db, Math.min(ROWS, 100_000));
  big.db.close();
  // The real command on the same log, its heap capped: a walk that held the rows could not finish.
  const start = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...PAI_FLAGS,
      "--cached-only",
      `--v8-flags=--max-old-space-size=${HEAP_CAP_MB}`,
      MAIN,
      "audit",
      "verify",
    ],
    clearEnv: true,
    env: paiEnv({ dir: big.dir, cleanup: () => {} }),
    stdout: "piped",
    stderr: "piped",
  }).output();
  paiVerify = (performance.now() - start) / 1000;
  if (out.code !== 0) throw new Error(`pai audit verify failed: ${new TextDecoder().decode(out.stderr)}`);
} finally {
  if (big.db.isOpen) big.db.close();
  Deno.removeSync(big.dir, { recursive: true });
}

const ms = (n: number) => `${n.toFixed(2)} ms`;
console.log(`${Deno.build.target}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}`);
console.log("| figure | value |");
console.log("|---|---|");
console.log(`| one commit of an audit row, \`synchronous = NORMAL\` | ${ms(normal)} |`);
console.log(`| the same, \`synchronous = FULL\` (what appends use) | ${ms(full)} (+${ms(full - normal)}) |`);
console.log(`| one head-file update (lock, read, write, fsync, rename) | ${ms(head)} |`);
console.log(`| audit rows one \`pai prompt\` writes | ${turnRows} |`);
console.log(`| FULL's cost per turn (rows × the difference) | ${ms(turnRows * (full - normal))} |`);
console.log(`| the head file's cost per turn | ${ms(turnRows * head)} |`);
console.log(`| append rate, one process (2,000 rows queued at once) | ${one.toFixed(0)} rows/s |`);
console.log(`| append rate, four processes at once (500 rows each) | ${four.toFixed(0)} rows/s in all |`);
console.log(
  `| \`verify\`, ${ROWS.toLocaleString("en")} rows | ${verify.seconds.toFixed(1)} s (${
    (verify.rows / verify.seconds).toFixed(0)
  } rows/s; ${verify.ok ? "intact" : "BROKEN"}; RSS +${(verify.rss / 2 ** 20).toFixed(0)} MiB, heap in use after ${
    (verify.heap / 2 ** 20).toFixed(0)
  } MiB) |`,
);
console.log(
  `| \`pai audit verify\` on the same log, V8's heap capped at ${HEAP_CAP_MB} MB | ${paiVerify.toFixed(1)} s (wall) |`,
);
console.log(
  `| hashing alone, ${Math.min(ROWS, 100_000).toLocaleString("en")} rows: node:crypto (verify) / WebCrypto awaited ` +
    `(appends) | ${hashing.node.toFixed(0)} / ${hashing.webCrypto.toFixed(0)} rows/s |`,
);

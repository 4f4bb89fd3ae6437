/**
 * End to end: a prompt and an agent step run through the fake model server, then the real `pai audit list`,
 * `show`, `search`, `stats` and `export` read the log back — as text, as JSON, filtered, paged — with the model's
 * planted escape sequences shown, never sent, to the terminal.
 */
import assert from "node:assert/strict";
import { openDatabase } from "../src/store/db.ts";
import { EXPORT_COLUMNS } from "../src/audit/export.ts";
import { AUDIT_KINDS } from "../src/audit/events.ts";
import { runPai, type RunResult } from "./helpers/run_pai.ts";
import { openaiSession, type Setup } from "./helpers/session.ts";
import { TerminalSession } from "./helpers/terminal.ts";
import { call } from "./helpers/workspace.ts";

/** What the model answers to the prompt: a title change (OSC), a screen clear, bidi override and a C1 CSI. */
const PLANTED = "Sure \x1b]0;pwned\x07 \x1b[2J here \u202egnp.exe \x9b31m done";
/** Any raw control or bidi character a terminal would obey. */
// deno-lint-ignore no-control-regex -- the test looks for exactly these characters
const RAW = /[\x1b\x07\x9b\u202e]/;
/** India has no daylight saving time: local time is UTC + 5:30 all year, whatever the date of the test. */
const TZ = "Asia/Kolkata";

/** A row as `--json` prints it (the parts the tests read). */
interface Row {
  id: number;
  ts: string;
  sessionId: string;
  mode: string | null;
  kind: string;
  inputTokens: number;
  outputTokens: number;
  summary: string;
  payload: string | null;
  event: Record<string, unknown> | null;
  payloadHash: string;
}

/** A session with one prompt (answered with planted escapes) and one agent run that read a file. */
interface Recorded {
  s: Setup;
  ws: string;
  pai(args: string[]): Promise<RunResult>;
  /** Runs `pai audit …` and parses its JSON output, failing with its stderr. */
  json<T>(args: string[]): Promise<T>;
  close(): Promise<void>;
}

async function recorded(): Promise<Recorded> {
  const s = await openaiSession();
  const ws = await Deno.realPath(await Deno.makeTempDir({ prefix: "pai_audit_ws_" }));
  Deno.writeTextFileSync(`${ws}/todo.md`, "- renew passport\n- call Ann\n");
  const env = { ...s.env, TZ };
  const pai = (args: string[]) => runPai(args, { home: s.home, env, cwd: ws });
  s.server.enqueue({ text: PLANTED, usage: { input: 12, output: 7 } });
  const prompt = await pai(["prompt", "renew my passport"]);
  assert.equal(prompt.code, 0, prompt.stderr);
  s.server.enqueue(call("fs_read", { path: "todo.md" }), { text: "Done.", usage: { input: 30, output: 2 } });
  const agent = await pai(["agent", "read todo.md"]);
  assert.equal(agent.code, 0, agent.stderr);
  return {
    s,
    ws,
    pai,
    json: async <T>(args: string[]) => {
      const run = await pai([...args, "--json"]);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(!RAW.test(run.stdout), `raw control in JSON output: ${JSON.stringify(run.stdout)}`);
      return JSON.parse(run.stdout) as T;
    },
    close: async () => {
      Deno.removeSync(ws, { recursive: true });
      await s.close();
    },
  };
}

/** A UTC ISO time as the table shows it in India. */
function indiaTime(iso: string): string {
  return new Date(Date.parse(iso) + 330 * 60_000).toISOString().slice(0, 19).replace("T", " ");
}

type Listed = { rows: Row[]; total: number; more: number };

Deno.test("pai audit list shows the prompt and the agent's step newest first, in local time, filtered and paged", async () => {
  const r = await recorded();
  try {
    const all = await r.json<Listed>(["audit", "list"]);
    assert.equal(all.more, 0);
    assert.equal(all.rows.length, all.total);
    const ids = all.rows.map((x) => x.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a), "newest first");
    const kinds = all.rows.map((x) => x.kind).reverse();
    for (const kind of ["session", "prompt", "response", "tool_call", "grant", "tool_result"]) {
      assert.ok(kinds.includes(kind), `${kind} in ${kinds}`);
    }
    const call = all.rows.find((x) => x.kind === "tool_call")!;
    assert.deepEqual([call.mode, call.event?.tool, call.event?.arguments], ["agent", "fs_read", '{"path":"todo.md"}']);
    assert.equal(call.summary, 'tool call fs_read {"path":"todo.md"}');
    const answer = all.rows.find((x) => x.kind === "response" && x.mode === "prompt")!;
    assert.deepEqual([answer.inputTokens, answer.outputTokens, answer.payload], [12, 7, PLANTED]);

    // The table: one line per row under a header, times in the local zone, the session as its first 8 characters.
    const text = await r.pai(["audit", "list"]);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.trimEnd().split("\n");
    assert.match(lines[0], /^ID +TIME +SESSION +MODE +PROVIDER\/MODEL +KIND +IN\/OUT +SUMMARY$/);
    assert.equal(lines.length, all.total + 1, "no footer when every row is shown");
    const callLine = lines.find((l) => l.startsWith(`${call.id} `))!;
    assert.ok(callLine.includes(indiaTime(call.ts)), `${callLine} (${call.ts})`);
    assert.match(callLine, new RegExp(`${call.sessionId.slice(0, 8)} +agent +openai/m +tool_call +tool call fs_read`));
    assert.ok(!callLine.includes(call.sessionId), "the table shows the session's short id");
    assert.match(lines.find((l) => l.startsWith(`${answer.id} `))!, / 12\/7 +response: Sure/);

    // Filters, alone and together; the short session id from the table is taken as it is.
    const ofKind = await r.json<Listed>(["audit", "list", "--kind", "tool_call,tool_result"]);
    assert.deepEqual(ofKind.rows.map((x) => x.kind), ["tool_result", "tool_call"]);
    const ofTool = await r.json<Listed>(["audit", "list", "--tool", "fs_read"]);
    assert.deepEqual(ofTool.rows.map((x) => x.kind), ["tool_result", "grant", "tool_call"]);
    const agentPrompts = await r.json<Listed>([
      "audit",
      "list",
      "--session",
      call.sessionId.slice(0, 8),
      "--kind",
      "prompt",
      "--kind",
      "response",
      "--provider",
      "openai",
      "--since",
      "1h",
    ]);
    assert.deepEqual(agentPrompts.rows.map((x) => x.kind).sort(), [
      "prompt",
      "prompt",
      "response",
      "response",
      "response",
    ]);
    assert.equal((await r.json<Listed>(["audit", "list", "--session", "current"])).total, all.total);
    assert.equal((await r.json<Listed>(["audit", "list", "--provider", "anthropic"])).total, 0);
    assert.equal((await r.json<Listed>(["audit", "list", "--until", "2000-01-01"])).total, 0);
    const today = indiaTime(new Date().toISOString()).slice(0, 10);
    assert.equal((await r.json<Listed>(["audit", "list", "--since", today, "--until", today])).total, all.total);

    // A page: how many more there are, and the flag that shows the next one.
    const page = await r.pai(["audit", "list", "--limit", "3"]);
    const footer = page.stdout.trimEnd().split("\n").at(-1)!;
    const lastShown = all.rows[2].id;
    assert.equal(
      footer,
      `Newest 3 of ${all.total} rows; ${
        all.total - 3
      } more rows: add --before-id ${lastShown} for the next page, or raise --limit`,
    );
    const next = await r.json<Listed>(["audit", "list", "--limit", "3", "--before-id", String(lastShown)]);
    assert.deepEqual(next.rows.map((x) => x.id), all.rows.slice(3, 6).map((x) => x.id));
    assert.equal(next.more, all.total - 6);
    const oldest = await r.json<Listed>(["audit", "list", "--order", "oldest", "--limit", "2"]);
    assert.deepEqual(oldest.rows.map((x) => x.id), [ids.at(-1), ids.at(-2)]);
  } finally {
    await r.close();
  }
});

Deno.test("pai audit show prints a row whole, and says when its content no longer matches its hash", async () => {
  const r = await recorded();
  try {
    const { rows } = await r.json<Listed>(["audit", "list", "--kind", "tool_result"]);
    const id = rows[0].id;
    const shown = await r.pai(["audit", "show", String(id)]);
    assert.equal(shown.code, 0, shown.stderr);
    for (
      const expected of [
        new RegExp(`^id +${id}$`, "m"),
        new RegExp(`^time +${indiaTime(rows[0].ts)} local time \\(${rows[0].ts.replaceAll(".", "\\.")}\\)$`, "m"),
        /^os user +pai-tester$/m,
        /^kind +tool_result$/m,
        /^payload hash +[0-9a-f]{64}: matches the content$/m,
        new RegExp(`^prev hash +[0-9a-f]{64}: the hash of row ${id - 1}, the row before$`, "m"),
        /^hash +[0-9a-f]{64}: matches the row's columns \(the whole chain: pai audit verify\)$/m,
        /^ {2}tool +fs_read$/m,
        /^ {2}ok +true$/m,
        /^content \(\d+ characters\):\n<tool_output tool="fs_read" trust="untrusted">$/m,
        /renew passport/,
      ]
    ) assert.match(shown.stdout, expected);
    const json = await r.json<Row & { detail: string; check: Record<string, unknown> }>(["audit", "show", String(id)]);
    assert.deepEqual(json.check, { payload: "match", row: "match", link: "linked", previousId: id - 1 });
    assert.equal(JSON.parse(json.detail).tool, "fs_read");
    assert.equal(json.payload, rows[0].payload);

    const db = openDatabase(r.s.home.dir);
    try {
      db.prepare("UPDATE audit_log SET payload = 'nothing to see' WHERE id = ?").run(id);
    } finally {
      db.close();
    }
    const edited = await r.pai(["audit", "show", String(id)]);
    assert.match(edited.stdout, /^payload hash +[0-9a-f]{64}: DOES NOT MATCH the content/m);
    const missing = await r.pai(["audit", "show", "9999"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^pai: No audit row 9999: the log has rows 1 to \d+$/m);
  } finally {
    await r.close();
  }
});

Deno.test("pai audit search finds words in prompts, answers, tool results and fields; stats counts them", async () => {
  const r = await recorded();
  try {
    const found = await r.json<Listed>(["audit", "search", "passport"]);
    assert.deepEqual(found.rows.map((x) => x.kind), ["tool_result", "prompt"], "newest first");
    assert.equal(found.total, 2);
    const text = await r.pai(["audit", "search", "renew", "pass"]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^ {4}«renew» my «passport»$/m);
    assert.match(text.stdout, /- «renew» «passport»/);
    assert.equal((await r.json<Listed>(["audit", "search", "passport", "--kind", "prompt"])).total, 1);
    assert.equal((await r.json<Listed>(["audit", "search", "todo.md", "--tool", "fs_read"])).total, 3);
    assert.equal((await r.json<Listed>(["audit", "search", "pwned"])).rows[0].kind, "response");
    const syntax = await r.pai(["audit", "search", "--json", "--", '"OR* NEAR(']);
    assert.equal(syntax.code, 0, syntax.stderr);
    assert.equal(JSON.parse(syntax.stdout).total, 0, "what the user types is words, never FTS5 syntax");
    const none = await r.pai(["audit", "search", "zebra"]);
    assert.equal(none.stdout, 'No audit rows hold "zebra".\n');

    interface Stats {
      rows: number;
      inputTokens: number;
      outputTokens: number;
      sessions: number;
      byKind: { kind: string; rows: number }[];
      byModel: { provider: string; model: string; rows: number }[];
      bySession: { sessionId: string; rows: number }[];
      first: string;
      last: string;
    }
    const stats = await r.json<Stats>(["audit", "stats"]);
    const { rows, total } = await r.json<Listed>(["audit", "list"]);
    const [tokensIn, tokensOut] = [
      rows.reduce((n, x) => n + x.inputTokens, 0),
      rows.reduce((n, x) => n + x.outputTokens, 0),
    ];
    assert.ok(tokensIn >= 42 && tokensOut >= 9, "the prompt's 12/7 and the agent's last 30/2 at least");
    assert.equal(stats.rows, total);
    assert.deepEqual([stats.inputTokens, stats.outputTokens, stats.sessions], [tokensIn, tokensOut, 1]);
    assert.equal(stats.byKind.find((k) => k.kind === "prompt")?.rows, 2);
    assert.deepEqual(stats.byModel.map((m) => [m.provider, m.model, m.rows]), [["openai", "m", total]]);
    assert.equal(stats.bySession[0].rows, total);
    assert.ok(stats.first <= stats.last);
    const shown = await r.pai(["audit", "stats"]);
    assert.match(shown.stdout, new RegExp(`^rows +${total}$`, "m"));
    assert.match(shown.stdout, new RegExp(`^tokens +${tokensIn} in, ${tokensOut} out$`, "m"));
    assert.match(
      shown.stdout,
      new RegExp(`^from +${indiaTime(stats.first)} to ${indiaTime(stats.last)} \\(local time\\)$`, "m"),
    );
    assert.match(shown.stdout, /^KIND +ROWS\n/m);
    assert.match(shown.stdout, new RegExp(`^openai/m +${total} +${tokensIn} +${tokensOut}$`, "m"));
    assert.equal((await r.json<Stats>(["audit", "stats", "--since", "2999-01-01"])).rows, 0);
  } finally {
    await r.close();
  }
});

/** Parses CSV as RFC 4180 has it (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') field += text[++i];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      records.push([...record, field]);
      [record, field] = [[], ""];
      i++;
    } else field += c;
  }
  return records;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("pai audit export writes every row as stored, oldest first: CSV by RFC 4180 and JSON lines", async () => {
  const r = await recorded();
  try {
    const { rows, total } = await r.json<Listed>(["audit", "list"]);
    const csv = await r.pai(["audit", "export", "--format", "csv"]);
    assert.equal(csv.code, 0, csv.stderr);
    const records = parseCsv(csv.stdout);
    assert.deepEqual(records[0], [...EXPORT_COLUMNS]);
    assert.equal(records.length, total + 1);
    const column = (name: string) => EXPORT_COLUMNS.indexOf(name as typeof EXPORT_COLUMNS[number]);
    assert.deepEqual(records.slice(1).map((x) => Number(x[column("id")])), rows.map((x) => x.id).reverse());
    const result = records.find((x) => x[column("kind")] === "tool_result")!;
    assert.equal(result[column("payload")], rows.find((x) => x.kind === "tool_result")!.payload);
    assert.ok(result[column("payload")].includes("\n"), "a multi-line field stays one field");
    // Exported to a file (not a terminal), the content is exact: the hashes can be checked from the export.
    for (const x of records.slice(1)) assert.equal(await sha256(x[column("payload")]), x[column("payload_hash")]);
    assert.ok(csv.stdout.includes(PLANTED));

    const jsonl = await r.pai(["audit", "export", "--format", "jsonl", "--session", "current", "--kind", "grant"]);
    assert.equal(jsonl.code, 0, jsonl.stderr);
    assert.ok(!RAW.test(jsonl.stdout));
    const lines = jsonl.stdout.trimEnd().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines.length, 1);
    assert.deepEqual(Object.keys(lines[0]), [...EXPORT_COLUMNS]);
    assert.equal(JSON.parse(lines[0].detail).tool, "fs_read");
    const answers = (await r.pai(["audit", "export", "--format", "jsonl", "--kind", "response"])).stdout;
    const planted = answers.trimEnd().split("\n").map((l) => JSON.parse(l)).find((x) => x.payload.startsWith("Sure"));
    assert.equal(planted.payload, PLANTED, "JSON lines parse back to the stored text, escapes and all");
    assert.equal(await sha256(planted.payload), planted.payload_hash);
  } finally {
    await r.close();
  }
});

Deno.test("bad audit flags are usage errors (exit 2) that say what they take", async () => {
  const r = await recorded();
  try {
    const kind = await r.pai(["audit", "list", "--kind", "prompts"]);
    assert.equal(kind.code, 2);
    assert.equal(
      kind.stderr,
      `pai: Unknown --kind "prompts": choose from ${AUDIT_KINDS.join(", ")}\nRun "pai audit list --help" for usage\n`,
    );
    const since = await r.pai(["audit", "search", "x", "--since", "yesterday"]);
    assert.equal(since.code, 2);
    assert.match(
      since.stderr,
      /^pai: Invalid --since "yesterday": use a date \(2026-05-01\), an ISO timestamp \(2026-05-01T09:30:00Z, local time without an offset\) or a time ago \(30m, 24h, 7d, 2w\)$/m,
    );
    const json = await r.pai(["audit", "list", "--until", "2026-02-30", "--json"]);
    assert.equal(json.code, 2);
    assert.match(JSON.parse(json.stdout).error.message, /^Invalid --until "2026-02-30"/);
    for (
      const [args, message] of [
        [["audit", "list", "--limit", "0"], /--limit: Expected a whole number of at least 1, got "0"/],
        [["audit", "list", "--since", "1d", "--until", "2d"], /--since "1d" is not before --until "2d"/],
        [["audit", "export", "--format", "xml"], /Invalid --format "xml": choose one of jsonl, csv/],
        [["audit", "export"], /Expected a value for --format/],
        [["audit", "show", "first"], /Expected a whole number/],
        [["audit", "frobnicate"], /Unknown command "frobnicate" for "pai audit": its commands are list, show/],
      ] as const
    ) {
      const run = await r.pai([...args]);
      assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
    const help = await r.pai(["audit"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /pai audit list .*--order newest\|oldest/);
    assert.match(help.stdout, /list +List audit rows, newest first/);
  } finally {
    await r.close();
  }
});

Deno.test("model text with escape sequences reaches the terminal shown, not obeyed: list, show, search, JSON, export", async () => {
  const r = await recorded();
  try {
    const { rows } = await r.json<Listed>(["audit", "list", "--kind", "response"]);
    const answer = rows.find((x) => x.payload === PLANTED)!;
    const shown = "Sure ␛]0;pwned␇ ␛[2J here <U+202E>gnp.exe <U+009B>31m done";
    for (
      const args of [["audit", "list"], ["audit", "show", String(answer.id)], ["audit", "search", "pwned"], [
        "audit",
        "stats",
      ]]
    ) {
      const run = await r.pai(args);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(!RAW.test(run.stdout), `${args.join(" ")}: ${JSON.stringify(run.stdout)}`);
      if (args[1] !== "stats") {
        assert.ok(run.stdout.includes(args[1] === "search" ? "␛]0;«pwned»␇" : shown), run.stdout);
      }
    }
    // JSON escapes them (C1 and bidi too, which JSON.stringify leaves raw) and parses back to the stored text.
    const json = await r.pai(["audit", "show", String(answer.id), "--json"]);
    assert.ok(json.stdout.includes("\\u009b31m") && json.stdout.includes("\\u202egnp"), json.stdout);
    assert.equal(JSON.parse(json.stdout).payload, PLANTED);

    // On a terminal too; there an export is neutralised as well (in a pipe or a file it stays exact: the test above).
    const onTerminal: [string[], string][] = [
      [["audit", "list", "--kind", "response"], "response: Sure ␛]0;pwned␇"],
      [["audit", "search", "pwned"], "Sure ␛]0;«pwned»␇"],
      [["audit", "export", "--format", "csv", "--kind", "response"], "Sure ␛]0;pwned␇"],
      [["audit", "export", "--format", "jsonl", "--kind", "response"], "Sure \\u001b]0;pwned\\u0007"],
    ];
    for (const [args, expected] of onTerminal) {
      const terminal = new TerminalSession(args, r.s.home, { ...r.s.env, TZ });
      assert.equal(await terminal.exit(), 0);
      assert.ok(terminal.screen.includes(expected), `${args.join(" ")}: ${terminal.screen}`);
      assert.ok(!RAW.test(terminal.screen), JSON.stringify(terminal.screen));
    }
  } finally {
    await r.close();
  }
});

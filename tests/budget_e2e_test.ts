/**
 * End to end: budgets and costs with the real `pai` against the loopback fake server. A budget refuses the request
 * that could pass it (exit 8, nothing sent), warns once at 80 %, stops an agent run keeping its steps, and holds
 * when several processes reserve against it at once; `pai usage`, `pai status` and `--json` carry tokens and cost.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { EXIT } from "../src/core/errors.ts";
import { openDatabase } from "../src/store/db.ts";
import { DENO_DIR, makePaiHome, ROOT, runPai } from "./helpers/run_pai.ts";
import { openaiSession, type Setup, storedHistory } from "./helpers/session.ts";
import { call, makeWorkspace } from "./helpers/workspace.ts";

/** Runs `pai` in the test's home with its environment. */
function pai(s: Setup, args: string[], cwd?: string) {
  return runPai(args, { home: s.home, env: s.env, cwd });
}

/** The audit log's budget rows, as their typed fields. */
function budgetRows(s: Setup): { budget: string; action: string; used: number; limit: number }[] {
  const db = openDatabase(s.home.dir);
  try {
    return db.prepare("SELECT detail FROM audit_log WHERE kind = 'budget' ORDER BY id").all()
      .map((r) => JSON.parse(String(r.detail)));
  } finally {
    db.close();
  }
}

function writeConfig(s: Setup, config: unknown): void {
  Deno.writeTextFileSync(join(s.home.dir, "config.json"), JSON.stringify(config));
}

Deno.test("a daily token budget warns once at 80 % and refuses the prompt that could pass it: exit 8, nothing sent", async () => {
  const s = await openaiSession();
  try {
    const set = await pai(s, ["budget", "set", "--daily-tokens", "200000"]);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(set.stdout, "Set daily-tokens: 200,000 tokens a day (local time)\n");

    s.server.enqueue({ text: "one", usage: { input: 169_000, output: 1_000 } });
    const first = await pai(s, ["prompt", "first"]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(
      first.stderr,
      /^pai: warning: 85 % of the daily-tokens budget is used: 170,000 of 200,000 tokens today/m,
    );

    s.server.enqueue({ text: "two", usage: { input: 20_000, output: 5_000 } });
    const second = await pai(s, ["prompt", "second"]);
    assert.equal(second.code, 0, second.stderr);
    assert.doesNotMatch(second.stderr, /warning/, "told once a day, not per request");

    const third = await pai(s, ["prompt", "--json", "third"]);
    assert.equal(third.code, EXIT.BUDGET, third.stderr);
    assert.match(
      third.stderr,
      /^pai: Not sent: the daily-tokens budget could be passed: 195,000 of 200,000 tokens used today \(\d{4}-\d{2}-\d{2}\), 5,000 tokens left, and the request may use up to [\d,]+ tokens\n/,
    );
    assert.match(third.stderr, /pai budget set --daily-tokens N/);
    assert.equal(JSON.parse(third.stdout).error.exitCode, EXIT.BUDGET);
    assert.equal(s.server.chatRequests.length, 2, "the refused prompt was not sent");

    assert.deepEqual(
      budgetRows(s).map((r) => [r.budget, r.action, r.limit]),
      [["daily-tokens", "warn", 200_000], ["daily-tokens", "refuse", 200_000]],
    );
    assert.equal(budgetRows(s)[0].used, 170_000);
    // The refused prompt is recorded (it is held for its request's commit, and written with the refusal), and no
    // request row claims it was sent.
    const db = openDatabase(s.home.dir);
    try {
      const kinds = db.prepare("SELECT kind, payload FROM audit_log WHERE kind IN ('prompt', 'request', 'budget')")
        .all().map((r) => r.kind === "prompt" ? `prompt ${r.payload}` : String(r.kind));
      assert.deepEqual(kinds.slice(-4), ["prompt second", "request", "prompt third", "budget"]);
    } finally {
      db.close();
    }
    assert.ok(budgetRows(s)[1].used > 200_000, "what was used with the request's estimate");

    const show = await pai(s, ["budget", "show", "--json"]);
    assert.equal(show.code, 0, show.stderr);
    const [daily] = JSON.parse(show.stdout).budgets;
    assert.deepEqual(
      [daily.name, daily.period, daily.unit, daily.limit, daily.used, daily.reserved, daily.left],
      ["daily-tokens", "day", "tokens", 200_000, 195_000, 0, 5_000],
    );
    const table = await pai(s, ["budget", "show"]);
    assert.match(table.stdout, /^budget +limit +used +left +period$/m);
    assert.match(
      table.stdout,
      /^daily-tokens +200,000 tokens +195,000 tokens +5,000 tokens +today \(\d{4}-\d{2}-\d{2}\)$/m,
    );

    // Cleared, the budget no longer stops anything.
    assert.equal((await pai(s, ["budget", "clear", "--daily-tokens"])).stdout, "Cleared 1 budget.\n");
    assert.equal((await pai(s, ["prompt", "fourth"])).code, 0);
  } finally {
    await s.close();
  }
});

Deno.test("prompt --json, pai status and pai usage --by model carry tokens and cost at the configured price", async () => {
  const s = await openaiSession();
  try {
    writeConfig(s, { models: { m: { inputPerMillion: 2, outputPerMillion: 8 } } });
    s.server.enqueue({ text: "priced", usage: { input: 1_000, output: 500 } });
    const prompt = await pai(s, ["prompt", "--json", "what does it cost?"]);
    assert.equal(prompt.code, 0, prompt.stderr);
    const result = JSON.parse(prompt.stdout);
    assert.deepEqual([result.usage, result.costUsd], [{ inputTokens: 1_000, outputTokens: 500 }, 0.006]);
    s.server.enqueue({ text: "again", usage: { input: 500, output: 250 } });
    assert.equal((await pai(s, ["prompt", "again"])).code, 0);

    const status = JSON.parse((await pai(s, ["status", "--json"])).stdout).session;
    assert.equal(status.costUsd, 0.009);
    assert.match((await pai(s, ["status"])).stdout, /^cost +\$0\.009 so far$/m);

    const usage = await pai(s, ["usage", "--by", "model", "--json"]);
    assert.equal(usage.code, 0, usage.stderr);
    const { by, groups, total } = JSON.parse(usage.stdout);
    assert.equal(by, "model");
    assert.deepEqual(groups, [
      { key: "m", requests: 2, inputTokens: 1_500, outputTokens: 750, costUsd: 0.009, unpriced: 0 },
    ]);
    assert.equal(total.costUsd, 0.009);
    const text = await pai(s, ["usage", "--by", "model"]);
    assert.match(text.stdout, /^model +answers +input tokens +output tokens +cost$/m);
    assert.match(text.stdout, /^m +2 +1,500 +750 +\$0\.009$/m);
    const byDay = JSON.parse((await pai(s, ["usage", "--json"])).stdout);
    assert.equal(byDay.groups[0].key, new Date().toLocaleDateString("sv"), "grouped by local day by default");
    assert.deepEqual(JSON.parse((await pai(s, ["usage", "--since", "2999-01-01", "--json"])).stdout).groups, []);
    const bad = await pai(s, ["usage", "--since", "yesterday"]);
    assert.equal(bad.code, EXIT.USAGE);
    assert.match(bad.stderr, /Invalid --since "yesterday"/);
  } finally {
    await s.close();
  }
});

Deno.test("a remote model without a price: its cost is unknown (never zero), and a budget in dollars refuses it", async () => {
  const s = await openaiSession({}, ["--locality", "remote"]);
  try {
    s.server.enqueue({ text: "unpriced", usage: { input: 10, output: 5 } });
    const prompt = await pai(s, ["prompt", "--json", "hello"]);
    assert.equal(prompt.code, 0, prompt.stderr);
    assert.equal(JSON.parse(prompt.stdout).costUsd, null);
    assert.match((await pai(s, ["status"])).stdout, /^cost +unknown for 1 answer: the model's price is not known/m);
    assert.match((await pai(s, ["usage", "--by", "provider"])).stdout, /^openai +1 +10 +5 +unknown \(1 answer\)$/m);

    assert.equal((await pai(s, ["budget", "set", "--daily-usd", "1", "--provider", "openai"])).code, 0);
    const refused = await pai(s, ["prompt", "hello again"]);
    assert.equal(refused.code, EXIT.BUDGET);
    assert.match(
      refused.stderr,
      /^pai: Not sent: the daily-usd for openai budget counts dollars, and the price of "m" at openai is unknown\n.*"inputPerMillion"/,
    );
    assert.equal(s.server.chatRequests.length, 1);
    // With a price in config.json, the budget can be checked, and the request goes.
    writeConfig(s, { models: { m: { inputPerMillion: 1, outputPerMillion: 1 } } });
    assert.equal((await pai(s, ["prompt", "hello again"])).code, 0);
  } finally {
    await s.close();
  }
});

Deno.test("an agent run stopped by a budget keeps its steps and says which budget stopped it (exit 8)", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    Deno.writeTextFileSync(join(w.ws, "notes.txt"), "- renew passport\n");
    assert.equal((await pai(s, ["budget", "set", "--session-tokens", "100000", "--mode", "agent"])).code, 0);
    s.server.enqueue({ ...call("fs_read", { path: "notes.txt" }, "c1"), usage: { input: 99_000, output: 1_000 } });
    const run = await pai(s, ["agent", "--json", "read my notes"], w.ws);
    assert.equal(run.code, EXIT.BUDGET, run.stderr);
    const json = JSON.parse(run.stdout);
    assert.equal(json.stoppedBy, "budget");
    assert.deepEqual(json.steps.map((step: { tool: string; ok: boolean }) => [step.tool, step.ok]), [[
      "fs_read",
      true,
    ]]);
    assert.match(
      json.error.message,
      /^Stopped after 1 request and 1 tool call \(kept in the session\): the session-tokens in agent mode budget could be passed: 100,000 of 100,000 tokens used in this session/,
    );
    assert.equal(json.error.exitCode, EXIT.BUDGET);
    assert.equal(s.server.chatRequests.length, 1, "the request the budget refused was not sent");
    const kept = storedHistory(s.home).map((m) => [m.role, m.interrupted]);
    assert.deepEqual(kept, [["user", false], ["assistant", false], ["tool", false], ["assistant", true]]);

    // In a new session (the budget counts each session afresh), without --json: the step is shown, the note says a
    // budget stopped it, and the error names it.
    assert.equal((await pai(s, ["init", "openai", "--model", "m"])).code, 0);
    s.server.enqueue({ ...call("fs_read", { path: "notes.txt" }, "c2"), usage: { input: 99_000, output: 1_000 } });
    const shown = await pai(s, ["agent", "read them again"], w.ws);
    assert.equal(shown.code, EXIT.BUDGET, shown.stderr);
    assert.match(shown.stdout, /\[stopped: a budget was reached\]/);
    assert.match(shown.stderr, /⚙ fs_read/);
    assert.match(
      shown.stderr,
      /pai: Stopped after 1 request and 1 tool call \(kept in the session\): the session-tokens/,
    );
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("pai budget set and clear name budgets by kind, provider and mode; with nothing to do they say so (exit 2)", async () => {
  const home = makePaiHome();
  try {
    const run = (args: string[]) => runPai(args, { home });
    const set = await run(["budget", "set", "--monthly-usd", "20", "--daily-tokens", "1000", "--provider", "openai"]);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(
      set.stdout,
      "Set daily-tokens for openai: 1,000 tokens a day (local time)\nSet monthly-usd for openai: $20.00 a month (local time)\n",
    );
    assert.equal((await run(["budget", "set", "--session-tokens", "5", "--mode", "agent"])).code, 0);
    const none = await run(["budget", "set"]);
    assert.equal(none.code, EXIT.USAGE);
    assert.match(none.stderr, /Say which budget to set/);
    assert.equal((await run(["budget", "set", "--daily-usd", "-1"])).code, EXIT.USAGE);
    assert.equal((await run(["budget", "set", "--daily-tokens", "1", "--provider", "nope"])).code, EXIT.USAGE);
    assert.equal((await run(["budget", "clear"])).code, EXIT.USAGE);
    assert.equal((await run(["budget", "clear", "--all", "--daily-tokens"])).code, EXIT.USAGE);
    // The budget for every provider is not openai's: nothing matches.
    assert.match((await run(["budget", "clear", "--daily-tokens"])).stdout, /^No budget matched/);
    assert.equal((await run(["budget", "clear", "--provider", "openai"])).stdout, "Cleared 2 budgets.\n");
    const left = JSON.parse((await run(["budget", "show", "--json"])).stdout).budgets;
    assert.deepEqual(left.map((b: { name: string; periodKey: string | null }) => [b.name, b.periodKey]), [
      ["session-tokens in agent mode", null],
    ]);
    assert.equal((await run(["budget", "clear", "--all"])).stdout, "Cleared 1 budget.\n");
    assert.match((await run(["budget", "show"])).stdout, /^No budgets\./);
  } finally {
    home.cleanup();
  }
});

Deno.test("processes reserving against one budget at once never overspend it together", async () => {
  const home = makePaiHome();
  try {
    const db = openDatabase(home.dir);
    db.exec("INSERT INTO budgets (period, unit, amount, created_at) VALUES ('day', 'tokens', 1000, '')");
    db.close();
    const fixture = join(ROOT, "tests", "fixtures", "reserve_budget.ts");
    // Started well after the processes are up, so that they reserve at the same moments.
    const startAt = Date.now() + 2_500;
    const processes = ["a", "b", "c", "d"].map((label) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", "--cached-only", fixture, home.dir, label, "10", "100", String(startAt)],
        env: { DENO_DIR },
        stdout: "piped",
        stderr: "piped",
      }).output()
    );
    const outputs = await Promise.all(processes);
    const counts = outputs.map((o) => {
      assert.equal(o.code, 0, new TextDecoder().decode(o.stderr));
      return JSON.parse(new TextDecoder().decode(o.stdout)) as { granted: number; refused: number };
    });
    const granted = counts.reduce((n, c) => n + c.granted, 0);
    // 40 attempts of 100 tokens against 1,000: exactly 10 fit, whoever made them.
    assert.equal(granted, 10, JSON.stringify(counts));
    assert.equal(counts.reduce((n, c) => n + c.refused, 0), 30);
    const check = openDatabase(home.dir);
    try {
      const row = check.prepare("SELECT sum(tokens) AS t, count(expires_at) AS open FROM budget_spend").get();
      assert.deepEqual([Number(row?.t), Number(row?.open)], [1000, 0]);
    } finally {
      check.close();
    }
  } finally {
    home.cleanup();
  }
});

import assert from "node:assert/strict";
import type { AuditEvent } from "../audit/events.ts";
import { EXIT } from "../core/errors.ts";
import { setBudget, type Spender } from "../store/budgets.ts";
import { type Database, openDatabase } from "../store/db.ts";
import { BudgetRefusal, databaseBudget, type DatabaseBudgetOptions } from "./budget.ts";

const SPENDER: Spender = { sessionId: "s1", provider: "openai", model: "m", mode: "agent" };
const NOON = new Date(2025, 5, 15, 12).getTime();

async function withDb(work: (db: Database, dir: string) => Promise<void>): Promise<void> {
  const dir = Deno.makeTempDirSync();
  const db = openDatabase(dir);
  try {
    await work(db, dir);
  } finally {
    db.close();
    Deno.removeSync(dir, { recursive: true });
  }
}

function port(db: Database, over: Partial<DatabaseBudgetOptions> = {}) {
  const events: AuditEvent[] = [];
  const notices: string[] = [];
  const budget = databaseBudget(db, {
    spender: SPENDER,
    price: { inputPerMillion: 1, outputPerMillion: 2 },
    audit: { emit: (event) => (events.push(event), Promise.resolve()) },
    clock: { now: () => NOON },
    holdMs: 60_000,
    ...over,
  });
  const reserve = (inputTokens: number, outputTokens: number) =>
    budget.reserve({ inputTokens, outputTokens }, { notice: (text) => notices.push(text) });
  return { reserve, events, notices };
}

Deno.test("databaseBudget() refuses a request that could pass a budget, naming it, what is used and left (exit 8)", async () => {
  await withDb(async (db) => {
    setBudget(db, { period: "day", unit: "tokens", amount: 1000 });
    const { reserve, events } = port(db);
    await (await reserve(100, 500)).settle({ inputTokens: 90, outputTokens: 10 });
    await (await reserve(100, 500)).settle({ inputTokens: 90, outputTokens: 10 });
    const refused = await reserve(301, 500).then(() => undefined, (error) => error);
    assert.ok(refused instanceof BudgetRefusal);
    assert.equal(refused.exitCode, EXIT.BUDGET);
    assert.equal(refused.budget, "daily-tokens");
    assert.equal(
      refused.message,
      "Not sent: the daily-tokens budget could be passed: 200 of 1,000 tokens used today (2025-06-15), " +
        "800 tokens left, and the request may use up to 801 tokens",
    );
    assert.match(refused.hint!, /pai budget set --daily-tokens N/);
    assert.deepEqual(events, [{
      kind: "budget",
      budget: "daily-tokens",
      unit: "tokens",
      limit: 1000,
      used: 1001,
      action: "refuse",
      sessionId: "s1",
      mode: "agent",
      provider: "openai",
      model: "m",
    }]);
  });
});

Deno.test("databaseBudget() refuses a budget in dollars when the model's price is unknown, saying how to set it", async () => {
  await withDb(async (db) => {
    setBudget(db, { period: "month", unit: "usd", amount: 5, provider: "openai" });
    const { reserve } = port(db, { price: null });
    await assert.rejects(reserve(1, 1), (error: BudgetRefusal) => {
      assert.equal(
        error.message,
        'Not sent: the monthly-usd for openai budget counts dollars, and the price of "m" at openai is unknown',
      );
      assert.match(error.hint!, /"models": \{ "m": \{ "inputPerMillion"/);
      assert.match(error.hint!, /pai budget set --monthly-tokens N --provider openai/);
      return true;
    });
  });
});

Deno.test("databaseBudget() checks dollars at the model's price: estimated input and the answer's limit", async () => {
  await withDb(async (db) => {
    setBudget(db, { period: "day", unit: "usd", amount: 0.003 });
    const { reserve } = port(db);
    // 1,000 input at $1/M and 1,000 output at $2/M: $0.003 fits exactly; settled at $0.0012.
    await (await reserve(1000, 1000)).settle({ inputTokens: 1000, outputTokens: 100 });
    await assert.rejects(reserve(1000, 1000), /\$0\.0012 of \$0\.003 used today .*\$0\.0018 left/);
  });
});

Deno.test("databaseBudget() warns once a day at 80 %, across processes, in the audit log and as a notice", async () => {
  await withDb(async (db, dir) => {
    setBudget(db, { period: "day", unit: "tokens", amount: 1000 });
    const first = port(db);
    await (await first.reserve(10, 100)).settle({ inputTokens: 700, outputTokens: 100 });
    assert.deepEqual(first.notices, [
      "pai: warning: 80 % of the daily-tokens budget is used: 800 of 1,000 tokens today (2025-06-15)",
    ]);
    assert.deepEqual(first.events.map((e) => e.kind === "budget" && [e.action, e.used]), [["warn", 800]]);
    const other = openDatabase(dir);
    try {
      const second = port(other);
      await (await second.reserve(10, 10)).settle({ inputTokens: 50, outputTokens: 0 });
      assert.deepEqual([second.notices, second.events], [[], []], "told once a day, not per request");
      // The next day the budget starts again; the day after a big spend it warns again.
      const tomorrow = port(other, { clock: { now: () => NOON + 86_400_000 } });
      await (await tomorrow.reserve(10, 10)).settle({ inputTokens: 900, outputTokens: 0 });
      assert.equal(tomorrow.notices.length, 1);
    } finally {
      other.close();
    }
  });
});

Deno.test("databaseBudget() with no budget set lets every request go and still keeps the ledger", async () => {
  await withDb(async (db) => {
    const { reserve, events, notices } = port(db);
    for (let i = 0; i < 3; i++) await (await reserve(1e6, 1e6)).settle({ inputTokens: 5, outputTokens: 5 });
    assert.deepEqual([events, notices], [[], []]);
    const row = db.prepare("SELECT count(*) AS n, sum(tokens) AS t FROM budget_spend").get();
    assert.deepEqual([Number(row?.n), Number(row?.t)], [3, 30]);
  });
});

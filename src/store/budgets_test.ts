import assert from "node:assert/strict";
import {
  type BudgetStanding,
  clearBudgets,
  listBudgets,
  markWarned,
  periodsOf,
  reserveSpend,
  setBudget,
  settleSpend,
  type SpendEntry,
  type Spender,
  standings,
} from "./budgets.ts";
import { type Database, openDatabase } from "./db.ts";

function withDb(work: (db: Database, dir: string) => void): void {
  const dir = Deno.makeTempDirSync();
  const db = openDatabase(dir);
  try {
    work(db, dir);
  } finally {
    db.close();
    Deno.removeSync(dir, { recursive: true });
  }
}

const SPENDER: Spender = { sessionId: "s1", provider: "openai", model: "gpt-4o", mode: "agent" };
const NOON = new Date(2025, 5, 15, 12).getTime();

/** A reservation of `tokens` by `spender` at `now`, held for a minute. */
function entry(tokens: number, over: Partial<SpendEntry> = {}): SpendEntry {
  const now = over.now ?? NOON;
  return { spender: SPENDER, now, expiresAt: now + 60_000, tokens, costUsd: tokens / 1e6, ...over };
}

/** Allows what fits in every budget, as the policy's check does (without its details). */
const fits = (tokens: number) => (all: readonly BudgetStanding[]) =>
  all.every((s) => s.used + s.reserved + tokens <= s.budget.amount)
    ? { kind: "allow" as const }
    : { kind: "refuse" as const };

Deno.test("periodsOf() gives the local day and month of a moment", () => {
  assert.deepEqual(periodsOf(new Date(2025, 0, 9, 23, 59).getTime()), { day: "2025-01-09", month: "2025-01" });
});

Deno.test("setBudget() replaces a budget of the same kind, provider and mode; clearBudgets() removes by selector", () => {
  withDb((db) => {
    setBudget(db, { period: "day", unit: "tokens", amount: 100 });
    setBudget(db, { period: "day", unit: "tokens", amount: 200 });
    setBudget(db, { period: "day", unit: "tokens", amount: 50, provider: "openai" });
    setBudget(db, { period: "month", unit: "usd", amount: 5, mode: "agent" });
    setBudget(db, { period: "session", unit: "tokens", amount: 10 });
    assert.deepEqual(
      listBudgets(db).map(({ id: _, ...b }) => b),
      [
        { period: "session", unit: "tokens", amount: 10 },
        { period: "day", unit: "tokens", amount: 200 },
        { period: "day", unit: "tokens", amount: 50, provider: "openai" },
        { period: "month", unit: "usd", amount: 5, mode: "agent" },
      ],
    );
    // A selector names budgets exactly as they were set: the budget for every provider is not openai's.
    assert.equal(clearBudgets(db, { kinds: [], provider: "openai" }), 1);
    assert.equal(clearBudgets(db, { kinds: [], mode: "chat" }), 0);
    assert.equal(clearBudgets(db, "all"), 3);
    assert.deepEqual(listBudgets(db), []);
  });
});

Deno.test("standings() counts only the spend a budget covers: its provider, mode, session, day or month", () => {
  withDb((db) => {
    setBudget(db, { period: "day", unit: "tokens", amount: 1000 });
    setBudget(db, { period: "session", unit: "tokens", amount: 1000 });
    setBudget(db, { period: "month", unit: "tokens", amount: 1000, provider: "anthropic" });
    setBudget(db, { period: "day", unit: "tokens", amount: 1000, mode: "chat" });
    const settle = (e: SpendEntry) => {
      const { id } = reserveSpend(db, e, () => ({ kind: "allow" as const }));
      settleSpend(db, id!, e, { tokens: e.tokens, costUsd: e.costUsd });
    };
    settle(entry(10));
    settle(entry(20, { spender: { ...SPENDER, sessionId: "s2" } }));
    settle(entry(40, { now: NOON - 86_400_000 }));
    settle(entry(80, { spender: { ...SPENDER, provider: "anthropic" } }));
    const now = standings(db, SPENDER, NOON);
    // The anthropic budget and chat's do not cover an openai agent's requests.
    // The session's every request, yesterday's too; today's of every session.
    assert.deepEqual(now.map((s) => [s.budget.period, s.used]), [["session", 130], ["day", 110]]);
    const other = standings(db, { ...SPENDER, provider: "anthropic", mode: "chat" }, NOON);
    assert.deepEqual(other.map((s) => [s.budget.period, s.budget.provider ?? s.budget.mode ?? "", s.used]), [
      ["session", "", 130],
      ["day", "", 110],
      ["day", "chat", 0],
      ["month", "anthropic", 80],
    ]);
  });
});

Deno.test("reserveSpend() counts what is reserved until it is settled, and drops a reservation that expired", () => {
  withDb((db) => {
    setBudget(db, { period: "day", unit: "tokens", amount: 100 });
    const first = reserveSpend(db, entry(60), fits(60));
    assert.equal(first.decision.kind, "allow");
    // The first reservation is still under way: the second does not fit beside it.
    const second = reserveSpend(db, entry(60), fits(60));
    assert.equal(second.decision.kind, "refuse");
    assert.equal(second.id, undefined);
    assert.deepEqual([second.standings[0].used, second.standings[0].reserved], [0, 60]);
    settleSpend(db, first.id!, entry(60), { tokens: 30, costUsd: null });
    const third = reserveSpend(db, entry(60), fits(60));
    assert.equal(third.decision.kind, "allow");
    assert.deepEqual([third.standings[0].used, third.standings[0].reserved], [30, 0]);
    // A minute later (the hold), the unsettled third reservation no longer counts: its process is gone.
    const later = reserveSpend(db, entry(60, { now: NOON + 60_000 }), fits(60));
    assert.deepEqual([later.standings[0].used, later.standings[0].reserved], [30, 0]);
    // Settling an expired reservation still counts what was spent.
    settleSpend(db, third.id!, entry(60), { tokens: 50, costUsd: null });
    assert.deepEqual(standings(db, SPENDER, NOON + 60_000).map((s) => [s.used, s.reserved]), [[80, 60]]);
  });
});

Deno.test("reserveSpend() rolls back when the check throws, and leaves the database usable", () => {
  withDb((db) => {
    setBudget(db, { period: "day", unit: "tokens", amount: 100 });
    assert.throws(() =>
      reserveSpend(db, entry(1), () => {
        throw new Error("boom");
      }), /boom/);
    assert.equal(reserveSpend(db, entry(1), fits(1)).decision.kind, "allow");
  });
});

Deno.test("budgets in dollars count known costs, and say how many answers had none", () => {
  withDb((db) => {
    setBudget(db, { period: "month", unit: "usd", amount: 1 });
    for (const costUsd of [0.25, null, 0.5]) {
      const e = entry(1, { costUsd });
      settleSpend(db, reserveSpend(db, e, fits(0)).id!, e, { tokens: 1, costUsd });
    }
    const [standing] = standings(db, SPENDER, NOON);
    assert.deepEqual([standing.used, standing.unpriced], [0.75, 1]);
  });
});

Deno.test("markWarned() says yes once per budget, period and day, whichever connection asks", () => {
  withDb((db, dir) => {
    setBudget(db, { period: "month", unit: "tokens", amount: 10 });
    const [standing] = standings(db, SPENDER, NOON);
    const other = openDatabase(dir);
    try {
      assert.equal(markWarned(db, standing, "2025-06-15"), true);
      assert.equal(markWarned(other, standing, "2025-06-15"), false);
      assert.equal(markWarned(other, standing, "2025-06-16"), true);
    } finally {
      other.close();
    }
  });
});

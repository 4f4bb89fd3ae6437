import assert from "node:assert/strict";
import type { Budget, BudgetStanding } from "../store/budgets.ts";
import { checkBudgets, warningsDue } from "./budget_check.ts";

function standing(budget: Omit<Budget, "id">, used: number, reserved = 0): BudgetStanding {
  return { budget: { id: 1, ...budget }, used, reserved, unpriced: 0, periodKey: "2025-06-15" };
}

const DAILY = { period: "day", unit: "tokens", amount: 1000 } as const;
const MONTHLY_USD = { period: "month", unit: "usd", amount: 1 } as const;

Deno.test("checkBudgets() allows a request that fits every budget, counting what others reserved", () => {
  assert.deepEqual(checkBudgets([standing(DAILY, 500, 200)], { tokens: 300, costUsd: 0 }), { kind: "allow" });
  assert.deepEqual(checkBudgets([], { tokens: 1e9, costUsd: null }), { kind: "allow" });
});

Deno.test("checkBudgets() refuses with the budget that would be passed and what the request needs", () => {
  const over = standing(DAILY, 500, 200);
  assert.deepEqual(checkBudgets([standing(MONTHLY_USD, 0), over], { tokens: 301, costUsd: 0.01 }), {
    kind: "refuse",
    reason: "over",
    standing: over,
    needs: 301,
  });
  const usd = standing(MONTHLY_USD, 0.9);
  assert.deepEqual(checkBudgets([usd], { tokens: 1, costUsd: 0.2 }), {
    kind: "refuse",
    reason: "over",
    standing: usd,
    needs: 0.2,
  });
});

Deno.test("checkBudgets() refuses an unknown cost against dollars, and never refuses a free request by them", () => {
  const usd = standing(MONTHLY_USD, 2);
  assert.deepEqual(checkBudgets([usd], { tokens: 1, costUsd: null }), {
    kind: "refuse",
    reason: "unpriced",
    standing: usd,
  });
  // A local model against a spent budget in dollars: it costs nothing, so it may go.
  assert.deepEqual(checkBudgets([usd], { tokens: 1, costUsd: 0 }), { kind: "allow" });
  // An unknown cost does not matter to a budget in tokens.
  assert.deepEqual(checkBudgets([standing(DAILY, 0)], { tokens: 1, costUsd: null }), { kind: "allow" });
});

Deno.test("warningsDue() names the budgets whose settled use reached 80 %", () => {
  const due = standing(DAILY, 800);
  assert.deepEqual(warningsDue([standing(DAILY, 799, 500), due]), [due]);
});

/**
 * The budget decision for one request: pure and total, taking where each budget stands (read under the ledger's
 * write lock, `store/budgets.ts`) and the request's estimate, and returning allow or refuse with the budget that
 * refused and why. Which budgets are due their 80 % warning is decided here too.
 *
 * @example
 * ```ts
 * checkBudgets(standings, { tokens: 4_130, costUsd: 0.04 });
 * // { kind: "refuse", reason: "over", standing: { budget: { period: "day", unit: "tokens", amount: 5000 }, … }, needs: 4130 }
 * ```
 */
import type { BudgetStanding } from "../store/budgets.ts";

/** The share of a budget past which PAI warns, once per budget and day. */
export const WARN_SHARE = 0.8;

/** What one request may spend at most: its tokens (input estimate plus the answer's limit), and their cost. */
export interface SpendEstimate {
  tokens: number;
  /** `null`: unknown (no price for the model). */
  costUsd: number | null;
}

/** Whether a request may be sent, and if not, which budget says no. */
export type BudgetDecision =
  | { kind: "allow" }
  /** The request could pass the budget: `needs` is its estimate in the budget's unit. */
  | { kind: "refuse"; reason: "over"; standing: BudgetStanding; needs: number }
  /** A budget in dollars cannot be checked: the model's price is unknown. */
  | { kind: "refuse"; reason: "unpriced"; standing: BudgetStanding };

/**
 * Allows the request when, for every budget that covers it, what is used and reserved plus its estimate stays
 * within the limit. A request that costs nothing in a budget's unit (a local model against dollars) is never
 * refused by that budget, even one already spent; one whose cost is unknown is refused by every budget in dollars,
 * since it could spend anything.
 */
export function checkBudgets(standings: readonly BudgetStanding[], estimate: SpendEstimate): BudgetDecision {
  for (const standing of standings) {
    const needs = standing.budget.unit === "tokens" ? estimate.tokens : estimate.costUsd;
    if (needs === null) return { kind: "refuse", reason: "unpriced", standing };
    if (needs > 0 && standing.used + standing.reserved + needs > standing.budget.amount) {
      return { kind: "refuse", reason: "over", standing, needs };
    }
  }
  return { kind: "allow" };
}

/** The budgets whose settled use has reached {@linkcode WARN_SHARE} of their limit (whether warned yet or not). */
export function warningsDue(standings: readonly BudgetStanding[]): BudgetStanding[] {
  return standings.filter((s) => s.used >= WARN_SHARE * s.budget.amount);
}

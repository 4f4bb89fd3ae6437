/**
 * Budgets and the spend ledger they are checked against, in the state database, shared by every `pai` process.
 *
 * Each request to a model reserves its estimate in the ledger before it is sent, and the row is settled with what
 * the provider reported once it is over. A reservation is made under `BEGIN IMMEDIATE`: the write lock is taken
 * before what is used is read, so two processes at once can never both see room that only one request fits in. A
 * reservation that is never settled (its process was killed) stops counting once it expires.
 *
 * @example
 * ```ts
 * setBudget(db, { period: "day", unit: "tokens", amount: 100_000 });
 * const { decision, id } = reserveSpend(db, entry, (standings) => check(standings));
 * if (id !== undefined) settleSpend(db, id, entry, { tokens: 812, costUsd: 0.0004 });
 * ```
 */
import type { Mode } from "../core/types.ts";
import type { Database } from "./db.ts";

/** What a budget's count restarts with: each session, each local day, each local month. */
export type BudgetPeriod = "session" | "day" | "month";
export type BudgetUnit = "tokens" | "usd";

/** The budgets `pai budget set` takes, each with its flag, and its name as `pai budget show` lists it. */
export const BUDGET_KINDS = [
  { name: "session-tokens", flag: "sessionTokens", period: "session", unit: "tokens" },
  { name: "daily-tokens", flag: "dailyTokens", period: "day", unit: "tokens" },
  { name: "monthly-tokens", flag: "monthlyTokens", period: "month", unit: "tokens" },
  { name: "daily-usd", flag: "dailyUsd", period: "day", unit: "usd" },
  { name: "monthly-usd", flag: "monthlyUsd", period: "month", unit: "usd" },
] as const satisfies readonly { name: string; flag: string; period: BudgetPeriod; unit: BudgetUnit }[];

export type BudgetKind = typeof BUDGET_KINDS[number];

/** One budget: a limit per period, for every provider and mode, or only one of each. */
export interface Budget {
  id: number;
  period: BudgetPeriod;
  unit: BudgetUnit;
  /** The limit: tokens (input and output together) or US dollars. */
  amount: number;
  /** Only requests to this provider count (absent: every provider). */
  provider?: string;
  /** Only requests made in this mode count (absent: every mode). */
  mode?: Mode;
}

/** A budget as `pai budget set` gives it. */
export type BudgetSpec = Omit<Budget, "id">;

/** Who is spending: each ledger row is counted against the budgets that cover it. */
export interface Spender {
  sessionId: string;
  provider: string;
  model: string;
  mode: Mode;
}

/** The periods of one moment, in local time: `2025-06-01`, `2025-06`. */
export interface Periods {
  day: string;
  month: string;
}

/** A budget with what is counted against it in the current period. */
export interface BudgetStanding {
  budget: Budget;
  /** Settled: what requests used, as their providers reported. */
  used: number;
  /** Reserved by requests still under way (here or in other processes). */
  reserved: number;
  /** Settled requests whose cost is unknown (a model without a price): not in `used` of a budget in dollars. */
  unpriced: number;
  /** The period's key: the session's id, the day or the month. */
  periodKey: string;
}

/** One request's row in the ledger, as it is reserved. */
export interface SpendEntry {
  spender: Spender;
  /** When it was reserved (epoch ms). */
  now: number;
  /** When an unsettled reservation stops counting (epoch ms). */
  expiresAt: number;
  tokens: number;
  /** `null`: unknown (the model has no price). */
  costUsd: number | null;
}

/** The local day and month of `now` (epoch ms). */
export function periodsOf(now: number): Periods {
  const date = new Date(now);
  const month = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}`;
  return { day: `${month}-${String(date.getDate()).padStart(2, "0")}`, month };
}

/** The kind of a budget (its period and unit). */
export function kindOf(budget: Pick<Budget, "period" | "unit">): BudgetKind {
  return BUDGET_KINDS.find((k) => k.period === budget.period && k.unit === budget.unit)!;
}

/** A budget's name for people: `daily-tokens`, `daily-usd for openai in agent mode`. */
export function budgetName(budget: Pick<Budget, "period" | "unit" | "provider" | "mode">): string {
  const provider = budget.provider ? ` for ${budget.provider}` : "";
  const mode = budget.mode ? ` in ${budget.mode} mode` : "";
  return `${kindOf(budget).name}${provider}${mode}`;
}

/** Sets a budget; one with the same period, unit, provider and mode is replaced. */
export function setBudget(db: Database, spec: BudgetSpec, now = new Date()): void {
  db.prepare(
    `INSERT INTO budgets (period, unit, amount, provider, mode, created_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (period, unit, provider, mode) DO UPDATE SET amount = excluded.amount`,
  ).run(spec.period, spec.unit, spec.amount, spec.provider ?? "", spec.mode ?? "", now.toISOString());
}

/** Every budget, in the order of {@linkcode BUDGET_KINDS}, then by provider and mode. */
export function listBudgets(db: Database): Budget[] {
  const rows = db.prepare("SELECT * FROM budgets ORDER BY provider, mode").all();
  const order = (b: Budget) => BUDGET_KINDS.indexOf(kindOf(b));
  return rows.map((r) => ({
    id: Number(r.id),
    period: String(r.period) as BudgetPeriod,
    unit: String(r.unit) as BudgetUnit,
    amount: Number(r.amount),
    ...(r.provider ? { provider: String(r.provider) } : {}),
    ...(r.mode ? { mode: String(r.mode) as Mode } : {}),
  })).sort((a, b) => order(a) - order(b));
}

/** Which budgets {@linkcode clearBudgets} removes: all, or those of these kinds with exactly this provider and mode. */
export type BudgetSelector = "all" | {
  /** The kinds to clear (empty: every kind). */
  kinds: readonly BudgetKind[];
  provider?: string;
  mode?: Mode;
};

/** Removes budgets (their warnings go with them); returns how many. */
export function clearBudgets(db: Database, selector: BudgetSelector): number {
  if (selector === "all") return Number(db.prepare("DELETE FROM budgets").run().changes);
  const kinds = selector.kinds.length ? selector.kinds : BUDGET_KINDS;
  let removed = 0;
  for (const kind of kinds) {
    removed += Number(
      db.prepare("DELETE FROM budgets WHERE period = ? AND unit = ? AND provider = ? AND mode = ?")
        .run(kind.period, kind.unit, selector.provider ?? "", selector.mode ?? "").changes,
    );
  }
  return removed;
}

/** The moment a standing is read at: the session a session budget counts, and the local periods of `now`. */
export interface StandingAt {
  sessionId: string;
  periods: Periods;
  /** Epoch ms: reservations that expired by then no longer count. */
  now: number;
}

/** The budgets that cover what `spender` spends, with what is counted against each in its current period. */
export function standings(db: Database, spender: Spender, now: number): BudgetStanding[] {
  const at = { sessionId: spender.sessionId, periods: periodsOf(now), now };
  return listBudgets(db)
    .filter((b) => (!b.provider || b.provider === spender.provider) && (!b.mode || b.mode === spender.mode))
    .map((budget) => standingOf(db, budget, at));
}

/** What is counted against `budget` in its period at `at`: spend of its provider and mode (any, when it names none). */
export function standingOf(db: Database, budget: Budget, at: StandingAt): BudgetStanding {
  const { periods, now } = at;
  const column = budget.period === "session" ? "session_id" : budget.period;
  const periodKey = budget.period === "session" ? at.sessionId : periods[budget.period];
  const value = budget.unit === "tokens" ? "tokens" : "coalesce(cost_usd, 0)";
  const row = db.prepare(
    `SELECT coalesce(sum(CASE WHEN expires_at IS NULL THEN ${value} END), 0) AS used,
            coalesce(sum(CASE WHEN expires_at IS NOT NULL THEN ${value} END), 0) AS reserved,
            count(CASE WHEN expires_at IS NULL AND cost_usd IS NULL THEN 1 END) AS unpriced
     FROM budget_spend
     WHERE ${column} = ? AND (? = '' OR provider = ?) AND (? = '' OR mode = ?)
       AND (expires_at IS NULL OR expires_at > ?)`,
  ).get(periodKey, budget.provider ?? "", budget.provider ?? "", budget.mode ?? "", budget.mode ?? "", now);
  return {
    budget,
    used: Number(row?.used ?? 0),
    reserved: Number(row?.reserved ?? 0),
    unpriced: budget.unit === "usd" ? Number(row?.unpriced ?? 0) : 0,
    periodKey,
  };
}

/** What {@linkcode reserveSpend} asks: may this request be reserved, given where the budgets stand? */
export type SpendCheck<D extends { kind: "allow" | "refuse" }> = (standings: readonly BudgetStanding[]) => D;

/**
 * Reserves one request in the ledger if `check` allows it, atomically across processes: the write lock is taken
 * first (`BEGIN IMMEDIATE`, waiting up to the busy timeout), then expired reservations are dropped, the budgets'
 * standings read, `check` asked, and the reservation written before the lock is released. `check` must be
 * synchronous: nothing may be awaited while the transaction is open. Returns the decision with the standings it
 * was made on, and the reservation's id when it was allowed.
 */
export function reserveSpend<D extends { kind: "allow" | "refuse" }>(
  db: Database,
  entry: SpendEntry,
  check: SpendCheck<D>,
): { decision: D; standings: BudgetStanding[]; id?: number } {
  db.exec("BEGIN IMMEDIATE");
  try {
    db.prepare("DELETE FROM budget_spend WHERE expires_at IS NOT NULL AND expires_at <= ?").run(entry.now);
    const now = standings(db, entry.spender, entry.now);
    const decision = check(now);
    const id = decision.kind === "allow" ? insertSpend(db, entry) : undefined;
    db.exec("COMMIT");
    return { decision, standings: now, id };
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}

/** What one request used, as its provider reported it. */
export interface Spent {
  tokens: number;
  costUsd: number | null;
}

/**
 * Replaces reservation `id` (made for `entry`) with what the request used. A reservation that expired meanwhile
 * (dropped by another process) is written again, settled: what was spent counts whatever became of it.
 */
export function settleSpend(db: Database, id: number, entry: SpendEntry, spent: Spent): void {
  db.exec("BEGIN IMMEDIATE");
  try {
    const updated = db.prepare("UPDATE budget_spend SET tokens = ?, cost_usd = ?, expires_at = NULL WHERE id = ?")
      .run(spent.tokens, spent.costUsd, id);
    if (Number(updated.changes) === 0) insertSpend(db, { ...entry, ...spent, expiresAt: null });
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}

/** Writes one ledger row: a reservation until `expiresAt`, or (`null`) settled. */
function insertSpend(db: Database, entry: Omit<SpendEntry, "expiresAt"> & { expiresAt: number | null }): number {
  const { spender, tokens, costUsd, expiresAt } = entry;
  const periods = periodsOf(entry.now);
  const result = db.prepare(
    `INSERT INTO budget_spend (ts, day, month, session_id, provider, model, mode, tokens, cost_usd, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    new Date(entry.now).toISOString(),
    periods.day,
    periods.month,
    spender.sessionId,
    spender.provider,
    spender.model,
    spender.mode,
    tokens,
    costUsd,
    expiresAt,
  );
  return Number(result.lastInsertRowid);
}

/**
 * Marks the 80 % warning of a budget as given for this period today; `true` when this call marked it (the caller
 * warns), `false` when it was already given, by this process or another.
 */
export function markWarned(db: Database, standing: BudgetStanding, day: string): boolean {
  const result = db.prepare("INSERT OR IGNORE INTO budget_warnings (budget_id, period, day) VALUES (?, ?, ?)")
    .run(standing.budget.id, standing.periodKey, day);
  return Number(result.changes) > 0;
}

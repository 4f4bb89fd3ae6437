/**
 * The budget port of a real run: each request's estimate is reserved in the database's spend ledger against every
 * budget that covers it (`store/budgets.ts` holds the lock, `policy/budget_check.ts` decides), and settled with what
 * the provider reported. A refusal is recorded in the audit log and thrown as a `PaiError` (exit 8) naming the
 * budget, what is used and what is left; nothing is sent. A budget past 80 % is told once per budget per day.
 *
 * @example
 * ```ts
 * const budget = databaseBudget(db, { spender, price, audit, clock: SYSTEM_CLOCK, holdMs: 660_000 });
 * const reservation = await budget.reserve({ inputTokens: 120, outputTokens: 4096 });
 * await reservation.settle({ inputTokens: 118, outputTokens: 40 });
 * ```
 */
import { EXIT, PaiError } from "../core/errors.ts";
import { type BudgetDecision, checkBudgets, warningsDue } from "../policy/budget_check.ts";
import { costUsd, formatUsd, type ModelPrice, resolvePrice } from "../providers/prices.ts";
import {
  budgetName,
  type BudgetStanding,
  kindOf,
  markWarned,
  periodsOf,
  reserveSpend,
  settleSpend,
  type SpendEntry,
  type Spender,
  standings,
} from "../store/budgets.ts";
import type { Database } from "../store/db.ts";
import type { Mode, Usage } from "../core/types.ts";
import type { SessionContext } from "./session_setup.ts";
import { type AuditPort, type BudgetPort, type Clock, type ReserveOptions, SYSTEM_CLOCK } from "./turn_ports.ts";

/** A request a budget refused (exit 8): nothing was sent for it. */
export class BudgetRefusal extends PaiError {
  /** The budget's name, as `pai budget show` lists it. */
  readonly budget: string;
  /** Why, without the "Not sent" that starts the message: `the daily-tokens budget could be passed: …`. */
  readonly reason: string;

  constructor(budget: string, reason: string, hint: string) {
    super(`Not sent: ${reason}`, { exitCode: EXIT.BUDGET, hint });
    this.name = "BudgetRefusal";
    this.budget = budget;
    this.reason = reason;
  }
}

/** Options for {@linkcode databaseBudget}. */
export interface DatabaseBudgetOptions {
  /** The session, provider, model and mode whose requests these are. */
  spender: Spender;
  /** The model's price (`null`: unknown, so a budget in dollars refuses). */
  price: ModelPrice | null;
  /** Where a warning or a refusal is recorded. */
  audit: Pick<AuditPort, "emit">;
  clock: Clock;
  /**
   * How long a reservation counts without being settled: longer than any request may take, so that only a process
   * that died (SIGKILL, a crash) leaves one to expire.
   */
  holdMs: number;
}

/** The price of the session's model: the config's, the table's, free for a local one, or `null` (unknown). */
export function sessionPrice(ctx: Pick<SessionContext, "provider" | "config">): ModelPrice | null {
  return resolvePrice(ctx.provider.resolved, ctx.config.models).price;
}

/**
 * The budget port of a session's runs in `mode`. A reservation is held for as long as the longest request may take
 * (every attempt the SDK makes, each bounded by `timeoutSeconds`, with a minute of backoff between them).
 */
export function sessionBudget(
  ctx: Pick<SessionContext, "db" | "session" | "config">,
  mode: Mode,
  options: {
    audit: Pick<AuditPort, "emit">;
    price: ModelPrice | null;
    /** Whose requests: another model than the session's (a role's), counted against its own provider's budgets. */
    spender?: { provider: string; model: string };
  },
): BudgetPort {
  const { session, config } = ctx;
  const { provider, model } = options.spender ?? session;
  return databaseBudget(ctx.db, {
    spender: { sessionId: session.id, provider, model, mode },
    price: options.price,
    audit: options.audit,
    clock: SYSTEM_CLOCK,
    holdMs: (config.maxRetries + 1) * (config.timeoutSeconds + 60) * 1000,
  });
}

/** The budget port over `db`'s ledger. */
export function databaseBudget(db: Database, options: DatabaseBudgetOptions): BudgetPort {
  const { spender, price, clock } = options;
  const who = { sessionId: spender.sessionId, mode: spender.mode, provider: spender.provider, model: spender.model };

  /** Tells each budget that reached 80 %, once per budget and period a day, whichever process sees it first. */
  const warn = async (now: readonly BudgetStanding[], notice?: (text: string) => void) => {
    const day = periodsOf(clock.now()).day;
    for (const standing of warningsDue(now)) {
      if (!markWarned(db, standing, day)) continue;
      const { budget, used } = standing;
      await options.audit.emit({
        kind: "budget",
        budget: budgetName(budget),
        unit: budget.unit,
        limit: budget.amount,
        used,
        action: "warn",
        ...who,
      });
      const share = Math.floor(used / budget.amount * 100);
      notice?.(
        `pai: warning: ${share} % of the ${budgetName(budget)} budget is used: ` +
          `${figure(budget.unit, used)} of ${amount(budget.unit, budget.amount)} ${periodText(standing)}`,
      );
    }
  };

  return {
    async reserve(estimate: Usage, reserveOptions: ReserveOptions = {}) {
      const now = clock.now();
      const tokens = estimate.inputTokens + estimate.outputTokens;
      const cost = costUsd(price, estimate);
      const entry: SpendEntry = { spender, now, expiresAt: now + options.holdMs, tokens, costUsd: cost };
      const reserved = reserveSpend(db, entry, (s) => checkBudgets(s, { tokens, costUsd: cost }));
      const { decision, id } = reserved;
      if (decision.kind === "refuse") {
        const { budget, used, reserved: pending } = decision.standing;
        await options.audit.emit({
          kind: "budget",
          budget: budgetName(budget),
          unit: budget.unit,
          limit: budget.amount,
          used: used + pending + (decision.reason === "over" ? decision.needs : 0),
          action: "refuse",
          ...who,
        });
        throw refusal(decision, spender);
      }
      await warn(reserved.standings, reserveOptions.notice);
      return {
        settle: async (actual: Usage) => {
          settleSpend(db, id!, entry, {
            tokens: actual.inputTokens + actual.outputTokens,
            costUsd: costUsd(price, actual),
          });
          if (!reserved.standings.length) return;
          await warn(standings(db, spender, clock.now()), reserveOptions.notice);
        },
      };
    },
  };
}

/** An amount in a budget's unit, for people: `4,030 tokens`, `$0.0412`. */
function amount(unit: "tokens" | "usd", value: number): string {
  return unit === "tokens" ? `${figure(unit, value)} tokens` : formatUsd(value);
}

/** An amount without its unit's word, before "of …": `4,030`, `$0.0412`. */
function figure(unit: "tokens" | "usd", value: number): string {
  return unit === "tokens" ? Math.round(value).toLocaleString("en-US") : formatUsd(value);
}

function periodText(standing: BudgetStanding): string {
  switch (standing.budget.period) {
    case "session":
      return "in this session";
    case "day":
      return `today (${standing.periodKey})`;
    case "month":
      return `this month (${standing.periodKey})`;
    default:
      return standing.budget.period satisfies never;
  }
}

/** The flags that name a budget at `pai budget set`: `--daily-tokens N --provider openai`. */
function setFlags(standing: BudgetStanding, value: string): string {
  const { budget } = standing;
  const provider = budget.provider ? ` --provider ${budget.provider}` : "";
  const mode = budget.mode ? ` --mode ${budget.mode}` : "";
  return `--${kindOf(budget).name} ${value}${provider}${mode}`;
}

/** The error a refused request ends with: the budget, what is used and left, what the request needed, what to do. */
function refusal(decision: Exclude<BudgetDecision, { kind: "allow" }>, spender: Spender): BudgetRefusal {
  const { standing } = decision;
  const { budget, used, reserved } = standing;
  const name = budgetName(budget);
  if (decision.reason === "unpriced") {
    return new BudgetRefusal(
      name,
      `the ${name} budget counts dollars, and the price of "${spender.model}" at ${spender.provider} is unknown`,
      `Set its price (USD per million tokens) in config.json: { "models": { "${spender.model}": ` +
        `{ "inputPerMillion": 2.5, "outputPerMillion": 10 } } }, or budget tokens instead ` +
        `(pai budget set ${setFlags(standing, "N").replace("-usd", "-tokens")})`,
    );
  }
  const left = Math.max(0, budget.amount - used - reserved);
  const pending = reserved ? ` (and ${amount(budget.unit, reserved)} reserved by requests under way)` : "";
  return new BudgetRefusal(
    name,
    `the ${name} budget could be passed: ${figure(budget.unit, used)} of ` +
      `${amount(budget.unit, budget.amount)} used ${periodText(standing)}${pending}, ${amount(budget.unit, left)} ` +
      `left, and the request may use up to ${amount(budget.unit, decision.needs)}`,
    `Raise it with "pai budget set ${setFlags(standing, budget.unit === "usd" ? "X" : "N")}", or lower ` +
      `"maxTokens" in config.json (each request reserves it for the answer); "pai budget show" lists the budgets`,
  );
}

/**
 * A budget of one task's run on top of the others (`pai task add --max-tokens`, or config.json's
 * `assistant.taskTokens`): wraps the budget of each model the run may use (the main one, those of its roles), all
 * counting against one total. A request whose estimate would take the run past `maxTokens` is refused before it is
 * sent, as every budget refuses, and recorded; what each request used counts from its settlement.
 */
export function taskBudget(
  task: { id: number; maxTokens: number },
  audit: Pick<AuditPort, "emit">,
  who: { sessionId: string; provider: string; model: string; mode: Mode },
): (inner: BudgetPort) => BudgetPort {
  let used = 0;
  return (inner) => ({
    async reserve(estimate, options) {
      const needs = estimate.inputTokens + estimate.outputTokens;
      if (used + needs > task.maxTokens) {
        await audit.emit({
          kind: "budget",
          budget: `task-${task.id}-tokens`,
          unit: "tokens",
          limit: task.maxTokens,
          used: used + needs,
          action: "refuse",
          ...who,
        });
        const left = Math.max(0, task.maxTokens - used);
        throw new BudgetRefusal(
          `task-${task.id}-tokens`,
          `task ${task.id}'s budget of ${amount("tokens", task.maxTokens)} could be passed: ${
            figure("tokens", used)
          } used, ${amount("tokens", left)} left, and the request may use up to ${amount("tokens", needs)}`,
          `Give it more with "pai task add … --max-tokens N" (or config.json's assistant.taskTokens), or lower ` +
            `"maxTokens" in config.json (each request reserves it for the answer)`,
        );
      }
      const reservation = await inner.reserve(estimate, options);
      return {
        settle: async (actual) => {
          used += actual.inputTokens + actual.outputTokens;
          await reservation.settle(actual);
        },
      };
    },
  });
}

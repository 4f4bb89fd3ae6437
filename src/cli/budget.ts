/** `pai budget set|show|clear`: limits on what requests to models may spend, kept in the state database. */
import type { CommandContext } from "@stricli/core";
import { EXIT, PaiError } from "../core/errors.ts";
import type { Mode } from "../core/types.ts";
import { openState } from "../modes/session_setup.ts";
import { recordUserChange } from "../modes/user_change.ts";
import { formatUsd } from "../providers/prices.ts";
import {
  type Budget,
  BUDGET_KINDS,
  type BudgetKind,
  budgetName,
  type BudgetStanding,
  clearBudgets,
  kindOf,
  listBudgets,
  periodsOf,
  setBudget,
  standingOf,
} from "../store/budgets.ts";
import { currentSession } from "../store/sessions.ts";
import { stdout } from "../ui/output.ts";
import { jsonForTerminal } from "../ui/sanitize.ts";
import { printTable } from "../ui/table.ts";

/** The selectors of `set` and `clear`: the budget covers only this provider, or this mode. */
interface Selectors {
  provider?: string;
  mode?: Mode;
}

/** Flags of `pai budget set`: one limit per kind given. */
export interface BudgetSetFlags extends Selectors {
  sessionTokens?: number;
  dailyTokens?: number;
  monthlyTokens?: number;
  dailyUsd?: number;
  monthlyUsd?: number;
}

/** Flags of `pai budget clear`: `--all`, or kinds and/or selectors. */
export interface BudgetClearFlags extends Selectors {
  all: boolean;
  sessionTokens: boolean;
  dailyTokens: boolean;
  monthlyTokens: boolean;
  dailyUsd: boolean;
  monthlyUsd: boolean;
}

/** Flags of `pai budget show`. */
export interface BudgetShowFlags {
  json: boolean;
}

/** `pai budget set`: sets (or replaces) one budget per limit flag, for the selectors given. */
export async function set(this: CommandContext, flags: BudgetSetFlags): Promise<void> {
  const given = BUDGET_KINDS.flatMap((kind) => {
    const amount = flags[kind.flag];
    return amount === undefined ? [] : [{ kind, amount }];
  });
  if (!given.length) {
    throw new PaiError(
      "Say which budget to set: --session-tokens, --daily-tokens, --monthly-tokens, --daily-usd or --monthly-usd",
      {
        exitCode: EXIT.USAGE,
        hint: "Example: pai budget set --daily-tokens 200000 --monthly-usd 20",
      },
    );
  }
  const { db } = await openState();
  try {
    for (const { kind, amount } of given) {
      const spec = { period: kind.period, unit: kind.unit, amount, provider: flags.provider, mode: flags.mode };
      setBudget(db, spec);
      await recordUserChange(db, { change: "budget_set", budget: budgetName(spec), amount });
      stdout.write(`Set ${budgetName(spec)}: ${quantity(kind, amount)} ${EVERY[kind.period]}\n`);
    }
  } finally {
    db.close();
  }
}

/** `pai budget show`: each budget with what is used, reserved and left in its current period. */
export async function show(this: CommandContext, flags: BudgetShowFlags): Promise<void> {
  const { db } = await openState();
  try {
    const now = Date.now();
    const sessionId = currentSession(db)?.id ?? "";
    const at = { sessionId, periods: periodsOf(now), now };
    const standings = listBudgets(db).map((budget) => standingOf(db, budget, at));
    if (flags.json) {
      stdout.write(`${jsonForTerminal(JSON.stringify({ budgets: standings.map(standingJson) }))}\n`);
      return;
    }
    if (!standings.length) {
      stdout.write('No budgets. Set one with "pai budget set --daily-tokens 200000" (see "pai budget set --help").\n');
      return;
    }
    printTable(stdout, [
      ["budget", "limit", "used", "left", "period"],
      ...standings.map((s) => {
        const kind = kindOf(s.budget);
        const reserved = s.reserved ? ` (+${quantity(kind, s.reserved)} reserved)` : "";
        const unpriced = s.unpriced ? ` (+${s.unpriced} answers of unknown cost)` : "";
        return [
          budgetName(s.budget),
          quantity(kind, s.budget.amount),
          `${quantity(kind, s.used)}${reserved}${unpriced}`,
          quantity(kind, left(s)),
          periodLabel(s, sessionId),
        ];
      }),
    ]);
  } finally {
    db.close();
  }
}

/** `pai budget clear`: removes every budget (`--all`), or those of the kinds and selectors given. */
export async function clear(this: CommandContext, flags: BudgetClearFlags): Promise<void> {
  const kinds: BudgetKind[] = BUDGET_KINDS.filter((kind) => flags[kind.flag]);
  const narrowed = kinds.length > 0 || flags.provider !== undefined || flags.mode !== undefined;
  if (flags.all === narrowed) {
    throw new PaiError(
      flags.all
        ? "--all clears every budget: give it alone"
        : "Say which budgets to clear: --all, or kinds (--daily-tokens …) and/or --provider and --mode",
      { exitCode: EXIT.USAGE, hint: '"pai budget show" lists the budgets' },
    );
  }
  const { db } = await openState();
  try {
    const removed = clearBudgets(db, flags.all ? "all" : { kinds, provider: flags.provider, mode: flags.mode });
    const which = flags.all
      ? "all"
      : [...kinds.map((k) => k.flag), flags.provider, flags.mode].filter(Boolean).join(" ");
    if (removed) await recordUserChange(db, { change: "budgets_cleared", budget: which, cleared: removed });
    stdout.write(
      removed
        ? `Cleared ${removed} budget${removed === 1 ? "" : "s"}.\n`
        : 'No budget matched (a budget is named by its kind, provider and mode; "pai budget show" lists them).\n',
    );
  } finally {
    db.close();
  }
}

const EVERY: Record<Budget["period"], string> = {
  session: "per session",
  day: "a day (local time)",
  month: "a month (local time)",
};

/** An amount in a kind's unit: `5,000 tokens`, `$4.50`. */
function quantity(kind: BudgetKind, value: number): string {
  return kind.unit === "tokens" ? `${Math.round(value).toLocaleString("en-US")} tokens` : formatUsd(value);
}

function left(s: BudgetStanding): number {
  return Math.max(0, s.budget.amount - s.used - s.reserved);
}

function periodLabel(s: BudgetStanding, sessionId: string): string {
  switch (s.budget.period) {
    case "session":
      return sessionId ? `this session (${sessionId})` : "this session (none yet)";
    case "day":
      return `today (${s.periodKey})`;
    case "month":
      return `this month (${s.periodKey})`;
    default:
      return s.budget.period satisfies never;
  }
}

/** A budget as `pai budget show --json` gives it (stable). */
function standingJson(s: BudgetStanding) {
  const { budget } = s;
  return {
    name: budgetName(budget),
    kind: kindOf(budget).name,
    period: budget.period,
    periodKey: s.periodKey || null,
    unit: budget.unit,
    provider: budget.provider ?? null,
    mode: budget.mode ?? null,
    limit: budget.amount,
    used: s.used,
    reserved: s.reserved,
    left: left(s),
    unpricedAnswers: s.unpriced,
  };
}

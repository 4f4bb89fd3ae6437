/** `pai usage`: tokens and cost of the models' answers, from the audit log, grouped by day, model, provider, … */
import type { CommandContext } from "@stricli/core";
import { type UsageGrouping, type UsageTotal, usageTotals } from "../audit/usage_totals.ts";
import { EXIT, PaiError } from "../core/errors.ts";
import { openState } from "../modes/session_setup.ts";
import { formatUsd } from "../providers/prices.ts";
import { stdout } from "../ui/output.ts";
import { jsonForTerminal } from "../ui/sanitize.ts";
import { printTable } from "../ui/table.ts";

/** Flags of `pai usage`. */
export interface UsageFlags {
  by: UsageGrouping;
  /** `YYYY-MM-DD` (local time) or a date and time ({@linkcode parseSince}). */
  since?: string;
  json: boolean;
}

/**
 * Parses `--since`: a local date (`2025-06-01`, from its midnight) or a date and time as JavaScript reads one
 * (`2025-06-01T12:00`, local; with `Z` or an offset, that moment).
 */
export function parseSince(input: string): Date {
  const day = input.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  const date = day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])) : new Date(input);
  if (Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(input)) {
    throw new PaiError(`Invalid --since "${input}": expected a date such as 2025-06-01 (local time)`, {
      exitCode: EXIT.USAGE,
    });
  }
  return date;
}

/** Prints the totals of every group, then all of them together. */
export async function usage(this: CommandContext, flags: UsageFlags): Promise<void> {
  const { db } = await openState();
  try {
    const since = flags.since === undefined ? undefined : parseSince(flags.since);
    const groups = usageTotals(db, { by: flags.by, since });
    const total = groups.reduce(add, {
      key: null,
      requests: 0,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: null,
      unpriced: 0,
    });
    if (flags.json) {
      const from = since?.toISOString() ?? null;
      stdout.write(`${jsonForTerminal(JSON.stringify({ by: flags.by, since: from, groups, total }))}\n`);
      return;
    }
    if (!groups.length) {
      stdout.write(`No answers recorded${flags.since ? " since then" : ""}.\n`);
      return;
    }
    const row = (key: string, t: UsageTotal) => [
      key,
      String(t.requests),
      t.inputTokens.toLocaleString("en-US"),
      t.outputTokens.toLocaleString("en-US"),
      costCell(t),
    ];
    printTable(stdout, [
      [flags.by, "answers", "input tokens", "output tokens", "cost"],
      ...groups.map((g) => row(g.key ?? "(none)", g)),
      ...(groups.length > 1 ? [row("total", total)] : []),
    ]);
  } finally {
    db.close();
  }
}

function add(a: UsageTotal, b: UsageTotal): UsageTotal {
  return {
    key: null,
    requests: a.requests + b.requests,
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    costUsd: a.costUsd === null && b.costUsd === null
      ? null
      : Math.round(((a.costUsd ?? 0) + (b.costUsd ?? 0)) * 1e9) / 1e9,
    unpriced: a.unpriced + b.unpriced,
  };
}

/** `$0.0123`, `unknown`, or `$0.0123 + unknown (2 answers)` when some answers had no price. */
function costCell(t: UsageTotal): string {
  if (!t.unpriced) return formatUsd(t.costUsd ?? 0);
  const unknown = `unknown (${t.unpriced} answer${t.unpriced === 1 ? "" : "s"})`;
  return t.costUsd === null ? unknown : `${formatUsd(t.costUsd)} + ${unknown}`;
}

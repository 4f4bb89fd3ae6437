/**
 * What was spent, from the audit log's response rows (one per answer of a model, with its tokens and cost): the
 * totals `pai usage` shows, grouped by day (local time), model, provider, session or mode.
 *
 * @example
 * ```ts
 * usageTotals(db, { by: "model", since: new Date(2025, 5, 1) });
 * // [{ key: "gpt-4o-mini", requests: 12, inputTokens: 5230, outputTokens: 812, costUsd: 0.0013, unpriced: 0 }]
 * ```
 */
import type { Database } from "../store/db.ts";

/** What `pai usage --by` groups by. */
export const USAGE_GROUPINGS = ["day", "model", "provider", "session", "mode"] as const;
export type UsageGrouping = typeof USAGE_GROUPINGS[number];

/** One group's totals. */
export interface UsageTotal {
  /** The day (`2025-06-01`, local time), model, provider, session id or mode; `null` where a row has none. */
  key: string | null;
  /** Answers of a model (each request's response row). */
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** USD of the answers whose cost is known; `null` when none of them is. */
  costUsd: number | null;
  /** Answers whose cost is unknown (a model without a price, or recorded before PAI kept costs). */
  unpriced: number;
}

/** Options for {@linkcode usageTotals}. */
export interface UsageTotalsOptions {
  by: UsageGrouping;
  /** Only answers from this moment on. */
  since?: Date;
}

/** The SQL of each grouping's key. SQLite's `localtime` reads the same time zone (`TZ`) as JavaScript's `Date`. */
const KEYS: { readonly [G in UsageGrouping]: string } = {
  day: "date(ts, 'localtime')",
  model: "model",
  provider: "provider",
  session: "session_id",
  mode: "mode",
};

/** The totals of every group, in the order of their keys (days oldest first). */
export function usageTotals(db: Database, options: UsageTotalsOptions): UsageTotal[] {
  const since = options.since?.toISOString() ?? "";
  const rows = db.prepare(
    `SELECT ${KEYS[options.by]} AS key, count(*) AS requests, coalesce(sum(input_tokens), 0) AS input,
            coalesce(sum(output_tokens), 0) AS output, sum(cost_usd) AS usd,
            count(CASE WHEN cost_usd IS NULL THEN 1 END) AS unpriced
     FROM audit_log WHERE kind = 'response' AND ts >= ?
     GROUP BY key ORDER BY key`,
  ).all(since);
  return rows.map((r) => ({
    key: r.key === null || r.key === undefined ? null : String(r.key),
    requests: Number(r.requests),
    inputTokens: Number(r.input),
    outputTokens: Number(r.output),
    // Rounded to a billionth of a dollar, as each row's cost is: a sum of binary fractions is not.
    costUsd: r.usd === null || r.usd === undefined ? null : Math.round(Number(r.usd) * 1e9) / 1e9,
    unpriced: Number(r.unpriced),
  }));
}

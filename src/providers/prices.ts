/**
 * What a model costs, in USD per million tokens, and what a request cost: one table of the common OpenAI and
 * Anthropic models, the user's overrides in `config.json` (`models`), and local models free. A remote model nothing
 * prices has an unknown cost (`null`), never zero: a budget in dollars cannot be checked against it.
 *
 * @example
 * ```ts
 * const { price } = resolvePrice({ spec: { name: "openai" }, locality: "remote", model: "gpt-4o-mini" });
 * costUsd(price, { inputTokens: 1000, outputTokens: 500 }); // 0.00045
 * formatUsd(0.00045); // "$0.00045"
 * ```
 */
import type { Usage } from "../core/types.ts";
import { configOverride, tableName } from "./model_windows.ts";
import type { ProviderName } from "./registry.ts";

/** USD per million tokens. */
export interface ModelPrice {
  inputPerMillion: number;
  outputPerMillion: number;
  /** Input tokens the provider read from its prompt cache (they are part of the input); absent: priced as input. */
  cachedInputPerMillion?: number;
}

/** A user's prices for a model (`models` in `config.json`); each field is optional and wins over the table's. */
export interface PriceOverride {
  inputPerMillion?: number;
  outputPerMillion?: number;
  cachedInputPerMillion?: number;
}

/** A model's price as far as PAI knows it, and where it comes from. */
export interface ResolvedPrice {
  /** `null`: unknown (a remote model neither the table nor the config prices). */
  price: ModelPrice | null;
  source: "config" | "table" | "local" | "unknown";
}

const p = (inputPerMillion: number, outputPerMillion: number, cachedInputPerMillion?: number): ModelPrice => ({
  inputPerMillion,
  outputPerMillion,
  ...(cachedInputPerMillion === undefined ? {} : { cachedInputPerMillion }),
});

/**
 * List prices in USD per million tokens (input, output, cached input), standard tier, by model name: from
 * openai.com/api/pricing and docs.anthropic.com's pricing page as they stood in November 2025 (Anthropic's cached
 * input is its "cache hits" rate; its cache writes and its long-context surcharge above 200k tokens are not
 * modelled). Prices change: set yours in `config.json` (`models`), which wins over this table.
 *
 * Names are matched as in `model_windows.ts` (lower case, vendor prefix dropped, Claude's dots read as dashes), but
 * a key covers only itself and its dated snapshots or aliases (`gpt-4o-2024-08-06`, `claude-3-5-sonnet-latest`),
 * not every longer name: a newer model of a family is often priced otherwise (`gpt-5.4` is not `gpt-5`), and an
 * unknown price is honest where a borrowed one would under-count.
 */
export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  // OpenAI
  "gpt-5": p(1.25, 10, 0.125),
  "gpt-5-chat": p(1.25, 10, 0.125),
  "gpt-5-mini": p(0.25, 2, 0.025),
  "gpt-5-nano": p(0.05, 0.4, 0.005),
  "gpt-5-pro": p(15, 120),
  "gpt-4.1": p(2, 8, 0.5),
  "gpt-4.1-mini": p(0.4, 1.6, 0.1),
  "gpt-4.1-nano": p(0.1, 0.4, 0.025),
  "gpt-4.5-preview": p(75, 150, 37.5),
  "gpt-4o": p(2.5, 10, 1.25),
  "gpt-4o-2024-05-13": p(5, 15),
  "gpt-4o-mini": p(0.15, 0.6, 0.075),
  "chatgpt-4o": p(5, 15),
  "o1": p(15, 60, 7.5),
  "o1-preview": p(15, 60, 7.5),
  "o1-mini": p(1.1, 4.4, 0.55),
  "o1-pro": p(150, 600),
  "o3": p(2, 8, 0.5),
  "o3-mini": p(1.1, 4.4, 0.55),
  "o3-pro": p(20, 80),
  "o4-mini": p(1.1, 4.4, 0.275),
  "gpt-4-turbo": p(10, 30),
  "gpt-4-1106": p(10, 30),
  "gpt-4-0125": p(10, 30),
  "gpt-4": p(30, 60),
  "gpt-4-32k": p(60, 120),
  "gpt-3.5-turbo": p(0.5, 1.5),
  "gpt-3.5-turbo-instruct": p(1.5, 2),
  // Anthropic (cached input: cache hits)
  "claude-3-haiku": p(0.25, 1.25, 0.03),
  "claude-3-sonnet": p(3, 15, 0.3),
  "claude-3-opus": p(15, 75, 1.5),
  "claude-3-5-haiku": p(0.8, 4, 0.08),
  "claude-3-5-sonnet": p(3, 15, 0.3),
  "claude-3-7-sonnet": p(3, 15, 0.3),
  "claude-sonnet-4": p(3, 15, 0.3),
  "claude-sonnet-4-0": p(3, 15, 0.3),
  "claude-sonnet-4-5": p(3, 15, 0.3),
  "claude-opus-4": p(15, 75, 1.5),
  "claude-opus-4-0": p(15, 75, 1.5),
  "claude-opus-4-1": p(15, 75, 1.5),
  "claude-opus-4-5": p(5, 25, 0.5),
  "claude-haiku-4-5": p(1, 5, 0.1),
};

/** What may follow a key and still name that model: dated snapshots (`-2024-08-06`, `-20241022`, `-0613`), aliases. */
const SNAPSHOT_SUFFIX = /^(?:-(?:\d{4}-\d{2}-\d{2}|\d{8}|\d{4}|latest|preview))*$/;

/** Providers that never bill per token, wherever they run (a user's own Ollama or LM Studio on a LAN box). */
const UNMETERED: ReadonlySet<ProviderName> = new Set(["ollama", "lmstudio"]);

/** The table's price of a model by its name, or `undefined` when the table does not list it. */
export function lookupPrice(model: string): ModelPrice | undefined {
  const name = tableName(model);
  let best: string | undefined;
  for (const key of Object.keys(MODEL_PRICES)) {
    const named = name.startsWith(key) && SNAPSHOT_SUFFIX.test(name.slice(key.length));
    if (named && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : MODEL_PRICES[best];
}

/** Where a session's requests go, as far as pricing cares. */
export interface PricedEndpoint {
  spec: { name: ProviderName };
  locality: "local" | "remote";
  model: string;
}

/**
 * The price of a session's model: the user's `models` entry (field by field over the table's), else free for a
 * local endpoint or an unmetered provider (Ollama, LM Studio), else the table's, else unknown.
 */
export function resolvePrice(
  endpoint: PricedEndpoint,
  models?: Readonly<Record<string, PriceOverride>>,
): ResolvedPrice {
  const { spec, locality, model } = endpoint;
  const free = locality === "local" || UNMETERED.has(spec.name);
  const base = free ? p(0, 0) : lookupPrice(model);
  const override = configOverride(spec.name, model, models);
  const input = override?.inputPerMillion ?? base?.inputPerMillion;
  const output = override?.outputPerMillion ?? base?.outputPerMillion;
  const setsPrice = override?.inputPerMillion !== undefined || override?.outputPerMillion !== undefined ||
    override?.cachedInputPerMillion !== undefined;
  if (input === undefined || output === undefined) return { price: null, source: "unknown" };
  const cached = override?.cachedInputPerMillion ??
    (override?.inputPerMillion === undefined ? base?.cachedInputPerMillion : undefined);
  return { price: p(input, output, cached), source: setsPrice ? "config" : free ? "local" : "table" };
}

/**
 * What `usage` cost at `price`, in USD; `null` when the price is unknown. Cached input tokens (a part of the
 * input) are priced at the cached rate when the model has one.
 */
export function costUsd(price: ModelPrice | null | undefined, usage: Usage): number | null {
  if (!price) return null;
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const cachedRate = price.cachedInputPerMillion ?? price.inputPerMillion;
  const micro = (usage.inputTokens - cached) * price.inputPerMillion + cached * cachedRate +
    usage.outputTokens * price.outputPerMillion;
  // Rounded to a billionth of a dollar: sums of binary fractions would otherwise show as 0.30000000000000004.
  return Math.round(micro / 1e6 * 1e9) / 1e9;
}

/** A cost for people: `$0`, `$0.00045`, `$0.0123`, `$1.50`; `unknown` for `null`. */
export function formatUsd(usd: number | null): string {
  if (usd === null) return "unknown";
  if (usd === 0) return "$0";
  if (Math.abs(usd) >= 1) return `$${usd.toFixed(2)}`;
  if (Math.abs(usd) >= 0.01) return `$${usd.toFixed(4)}`;
  // Two significant digits, written out (never `1e-7`).
  const digits = Math.min(9, 1 - Math.floor(Math.log10(Math.abs(usd))));
  return `$${usd.toFixed(digits).replace(/0+$/, "")}`;
}

/**
 * How many tokens a model reads (its context window, prompt and answer together) and writes at most, by model name,
 * and the window PAI should assume for a session: the user's config first, then what Ollama says of its model, then
 * this table, then a conservative default.
 *
 * @example
 * ```ts
 * lookupModelWindow("gpt-4o-2024-08-06"); // { contextWindow: 128000, maxOutputTokens: 16384, known: true }
 * resolveModelWindow("ollama", "llama3.2:3b").contextWindow; // 4096: Ollama's default num_ctx, not the model's 131072
 * ```
 */
import { findOfferedModel } from "./model_names.ts";
import type { ProviderName } from "./registry.ts";

/** A model's limits in tokens. */
export interface ModelLimits {
  /** Prompt and answer together. */
  contextWindow: number;
  /** The most tokens of one answer. For local models, which have no limit of their own, a share of the window. */
  maxOutputTokens: number;
}

/** A model's limits as far as PAI knows them. */
export interface ModelWindow extends ModelLimits {
  /** False when nothing named this model (table, config or server) and the limits are a conservative default. */
  known: boolean;
}

/** The window PAI assumes for a session, and why. */
export interface EffectiveWindow extends ModelWindow {
  /** Where the context window came from, in words, for `pai status` and debugging. */
  reason: string;
}

/** A user's override of one model's limits (`models` in `config.json`); each field is optional. */
export interface ModelOverride {
  contextWindow?: number;
  maxOutputTokens?: number;
}

/**
 * What Ollama says of a model (`POST /api/show`): its own maximum (`model_info["<arch>.context_length"]`) and the
 * `num_ctx` its Modelfile sets, if any.
 */
export interface OllamaModelFacts {
  contextLength?: number;
  numCtx?: number;
}

/**
 * The `num_ctx` Ollama uses when neither the model's Modelfile nor the request sets one: 4096 tokens in current
 * Ollama (2048 before 0.6), unless its server was started with `OLLAMA_CONTEXT_LENGTH`. Requests through the
 * OpenAI-compatible `/v1` cannot set `num_ctx`.
 */
export const OLLAMA_DEFAULT_NUM_CTX = 4096;

/** For a model nothing names: small enough to fit any chat model in use today. */
export const UNKNOWN_MODEL: Readonly<ModelLimits> = Object.freeze({ contextWindow: 8192, maxOutputTokens: 4096 });

/** Every Claude model since Claude 3 reads 200k tokens; an unknown one is assumed to, with the oldest output limit. */
const UNKNOWN_CLAUDE: Readonly<ModelLimits> = Object.freeze({ contextWindow: 200_000, maxOutputTokens: 4096 });

/**
 * The share of the window a local model's answer is given. Local models have no output limit of their own (Ollama's
 * `num_predict` is -1: until the window is full), so a request that reserved the whole window for the answer would
 * leave nothing for the prompt; a quarter leaves three quarters for it.
 */
export const LOCAL_ANSWER_SHARE = 0.25;

/** Window and answer budget of a local model. */
const local = (window: number): ModelLimits => ({
  contextWindow: window,
  maxOutputTokens: Math.floor(window * LOCAL_ANSWER_SHARE),
});

/**
 * Limits by name prefix; the longest prefix that starts a name wins (`gpt-4o-mini-2024-07-18` is `gpt-4o-mini`, not
 * `gpt-4o` or `gpt-4`). OpenAI and Anthropic figures are from their model pages; Ollama ones are the models'
 * `context_length` (what `/api/show` reports), the upper bound of what Ollama's `num_ctx` can use. Claude names are
 * matched with dots read as dashes (`claude-3.5-sonnet` as OpenRouter writes it).
 */
export const MODEL_WINDOWS: Readonly<Record<string, ModelLimits>> = {
  // OpenAI
  "gpt-5": { contextWindow: 400_000, maxOutputTokens: 128_000 },
  "gpt-5-chat": { contextWindow: 128_000, maxOutputTokens: 16_384 },
  "gpt-4.1": { contextWindow: 1_047_576, maxOutputTokens: 32_768 },
  "gpt-4.5": { contextWindow: 128_000, maxOutputTokens: 16_384 },
  "gpt-4o": { contextWindow: 128_000, maxOutputTokens: 16_384 },
  "gpt-4o-2024-05-13": { contextWindow: 128_000, maxOutputTokens: 4096 },
  "gpt-4o-mini": { contextWindow: 128_000, maxOutputTokens: 16_384 },
  "chatgpt-4o": { contextWindow: 128_000, maxOutputTokens: 16_384 },
  "o1": { contextWindow: 200_000, maxOutputTokens: 100_000 },
  "o1-mini": { contextWindow: 128_000, maxOutputTokens: 65_536 },
  "o1-preview": { contextWindow: 128_000, maxOutputTokens: 32_768 },
  "o3": { contextWindow: 200_000, maxOutputTokens: 100_000 },
  "o4-mini": { contextWindow: 200_000, maxOutputTokens: 100_000 },
  "gpt-4-turbo": { contextWindow: 128_000, maxOutputTokens: 4096 },
  "gpt-4-1106": { contextWindow: 128_000, maxOutputTokens: 4096 },
  "gpt-4-0125": { contextWindow: 128_000, maxOutputTokens: 4096 },
  "gpt-4-vision": { contextWindow: 128_000, maxOutputTokens: 4096 },
  "gpt-4": { contextWindow: 8192, maxOutputTokens: 8192 },
  "gpt-4-32k": { contextWindow: 32_768, maxOutputTokens: 32_768 },
  "gpt-3.5-turbo": { contextWindow: 16_385, maxOutputTokens: 4096 },
  "gpt-3.5-turbo-instruct": { contextWindow: 4096, maxOutputTokens: 4096 },
  "gpt-3.5-turbo-0301": { contextWindow: 4096, maxOutputTokens: 4096 },
  "gpt-3.5-turbo-0613": { contextWindow: 4096, maxOutputTokens: 4096 },
  "gpt-3.5-turbo-16k": { contextWindow: 16_385, maxOutputTokens: 4096 },
  "gpt-oss": local(131_072),
  // Anthropic: 200k windows; the output limits differ
  "claude-3-haiku": { contextWindow: 200_000, maxOutputTokens: 4096 },
  "claude-3-sonnet": { contextWindow: 200_000, maxOutputTokens: 4096 },
  "claude-3-opus": { contextWindow: 200_000, maxOutputTokens: 4096 },
  "claude-3-5-haiku": { contextWindow: 200_000, maxOutputTokens: 8192 },
  "claude-3-5-sonnet": { contextWindow: 200_000, maxOutputTokens: 8192 },
  "claude-3-7-sonnet": { contextWindow: 200_000, maxOutputTokens: 64_000 },
  "claude-sonnet-4": { contextWindow: 200_000, maxOutputTokens: 64_000 },
  "claude-opus-4": { contextWindow: 200_000, maxOutputTokens: 32_000 },
  "claude-opus-4-1": { contextWindow: 200_000, maxOutputTokens: 32_000 },
  "claude-opus-4-5": { contextWindow: 200_000, maxOutputTokens: 64_000 },
  "claude-sonnet-4-5": { contextWindow: 200_000, maxOutputTokens: 64_000 },
  "claude-haiku-4-5": { contextWindow: 200_000, maxOutputTokens: 64_000 },
  // Ollama's library
  "llama2": local(4096),
  "llama3": local(8192),
  "llama3.1": local(131_072),
  "llama3.2": local(131_072),
  "llama3.3": local(131_072),
  "codellama": local(16_384),
  "qwen2": local(32_768),
  "qwen2.5": local(32_768),
  "qwen2.5-coder": local(32_768),
  "qwen3": local(40_960),
  "qwen3-coder": local(262_144),
  "mistral": local(32_768),
  "mistral-nemo": local(1_024_000),
  "mistral-small": local(32_768),
  "mistral-small3.1": local(131_072),
  "mistral-small3.2": local(131_072),
  "mistral-large": local(131_072),
  "mixtral": local(32_768),
  "gemma": local(8192),
  "gemma2": local(8192),
  "gemma3": local(131_072),
  "gemma3:1b": local(32_768),
  "gemma3:270m": local(32_768),
  "gemma3n": local(32_768),
  "phi3": local(4096),
  "phi3:medium-128k": local(131_072),
  "phi3:mini-128k": local(131_072),
  "phi3.5": local(131_072),
  "phi4": local(16_384),
  "phi4-mini": local(131_072),
  "phi4-reasoning": local(32_768),
  "deepseek-r1": local(131_072),
  "deepseek-coder": local(16_384),
  "deepseek-coder-v2": local(163_840),
  "deepseek-v3": local(163_840),
  "command-r": local(131_072),
  "tinyllama": local(2048),
  "smollm2": local(8192),
};

/**
 * The name as the table is keyed: lower case, without a registry, namespace or vendor (`openai/gpt-4o`). The price
 * table (`prices.ts`) keys its names so too.
 */
export function tableName(model: string): string {
  const name = model.trim().toLowerCase().split("/").at(-1) ?? "";
  return name.startsWith("claude") ? name.replaceAll(".", "-") : name;
}

/** The entry whose key is the longest prefix of `name`, among `keys`. */
function longestPrefix(name: string, keys: Iterable<string>): string | undefined {
  let best: string | undefined;
  for (const key of keys) {
    if (name.startsWith(key) && (best === undefined || key.length > best.length)) best = key;
  }
  return best;
}

/** The built-in limits of a model by its name (an Ollama tag, a dated snapshot); `known: false` when none match. */
export function lookupModelWindow(model: string): ModelWindow {
  const name = tableName(model);
  const key = longestPrefix(name, Object.keys(MODEL_WINDOWS));
  if (key !== undefined) return { ...MODEL_WINDOWS[key], known: true };
  return { ...(name.startsWith("claude") ? UNKNOWN_CLAUDE : UNKNOWN_MODEL), known: false };
}

/** Options for {@linkcode resolveModelWindow}. */
export interface ResolveWindowOptions {
  /** The `models` of `config.json`: keyed by a model's name or the start of it (the longest key that matches wins). */
  models?: Readonly<Record<string, ModelOverride>>;
  /** What Ollama's `/api/show` said of the model (`ollamaContextLength` in `local_probe.ts`). */
  ollama?: OllamaModelFacts;
  /** The Ollama server's `num_ctx` default, when known (its `OLLAMA_CONTEXT_LENGTH`); else {@linkcode OLLAMA_DEFAULT_NUM_CTX}. */
  ollamaDefaultNumCtx?: number;
}

/**
 * The window PAI should assume for `model` on `provider`. The user's config wins, field by field. Otherwise, for
 * Ollama: the smaller of the model's own maximum (`context_length`, probed or from the table) and the `num_ctx`
 * Ollama will use (the Modelfile's, else the server's default, 4096). Ollama's `/v1` endpoint applies `num_ctx`
 * whatever the model could read, and silently drops the start of a longer prompt, so assuming the model's maximum
 * would lose the system prompt and the oldest turns without an error. A user who raised `num_ctx` on the server
 * says so in `config.json`. Other providers: the table, or a conservative default (`known: false`).
 */
export function resolveModelWindow(
  provider: ProviderName,
  model: string,
  options: ResolveWindowOptions = {},
): EffectiveWindow {
  const table = lookupModelWindow(model);
  const override = configOverride(provider, model, options.models);
  const base = provider === "ollama" ? ollamaWindow(model, table, options) : { ...table, reason: tableReason(table) };
  const contextWindow = override?.contextWindow ?? base.contextWindow;
  const reason = override?.contextWindow !== undefined ? `config.json sets ${contextWindow} for ${model}` : base.reason;
  // An Ollama answer takes its share of the window, whatever set the window; no answer is longer than the window.
  const answer = provider === "ollama" ? Math.floor(contextWindow * LOCAL_ANSWER_SHARE) : base.maxOutputTokens;
  const maxOutputTokens = Math.min(override?.maxOutputTokens ?? answer, contextWindow);
  const known = base.known || override?.contextWindow !== undefined;
  return { contextWindow, maxOutputTokens, known, reason };
}

function tableReason(table: ModelWindow): string {
  return table.known ? "PAI's table of models" : "a conservative default for a model PAI does not know";
}

function ollamaWindow(model: string, table: ModelWindow, options: ResolveWindowOptions): EffectiveWindow {
  const facts = options.ollama ?? {};
  const modelMax = facts.contextLength ?? (table.known ? table.contextWindow : undefined);
  const numCtx = facts.numCtx ?? options.ollamaDefaultNumCtx ?? OLLAMA_DEFAULT_NUM_CTX;
  const ctxSource = facts.numCtx !== undefined
    ? `the num_ctx of ${model}'s Modelfile`
    : options.ollamaDefaultNumCtx !== undefined
    ? "the Ollama server's num_ctx"
    : "Ollama's default num_ctx";
  const maxSource = facts.contextLength !== undefined ? "Ollama reports" : "PAI's table gives";
  const contextWindow = modelMax === undefined ? numCtx : Math.min(modelMax, numCtx);
  const reason = modelMax === undefined
    ? `${ctxSource} (${numCtx}); the model's own maximum is not known`
    : modelMax <= numCtx
    ? `the model's own maximum (${modelMax}, as ${maxSource}), within ${ctxSource} (${numCtx})`
    : `${ctxSource} (${numCtx}), below the model's own maximum (${modelMax}, as ${maxSource})`;
  const maxOutputTokens = Math.floor(contextWindow * LOCAL_ANSWER_SHARE);
  return { contextWindow, maxOutputTokens, known: modelMax !== undefined, reason };
}

/**
 * The user's override for `model`: the entry naming it by the provider's rules (for Ollama, `llama3.2` is
 * `llama3.2:latest`), else the one whose key is the longest prefix of its name.
 */
export function configOverride<T>(
  provider: ProviderName,
  model: string,
  models: Readonly<Record<string, T>> | undefined,
): T | undefined {
  if (models === undefined) return undefined;
  const keys = Object.keys(models);
  const key = findOfferedModel(provider, model, keys) ?? longestPrefix(model, keys);
  return key === undefined ? undefined : models[key];
}

/**
 * Asks local servers what they offer, bounded in time so that PAI never hangs
 * on a host that does not answer. Ollama is asked on its native API
 * (`/api/tags`, and `/api/show` for what a model can do and how much it reads), everything else on
 * the OpenAI-style `/models`.
 */
import { probeJson } from "./http.ts";
import type { OllamaModelFacts } from "./model_windows.ts";
import type { ResolvedProvider } from "./registry.ts";

/** How long a probe may take: enough for loopback, short enough never to feel like a hang. */
export const PROBE_TIMEOUT_MS = 800;

/** The models a server offers, or `undefined` when it does not answer in time. */
export async function probeModels(
  provider: ResolvedProvider,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<string[] | undefined> {
  if (provider.spec.name === "ollama") {
    const tags = await probeJson(`${ollamaRoot(provider)}/api/tags`, timeoutMs) as
      | { models?: { name?: unknown }[] }
      | undefined;
    if (!Array.isArray(tags?.models)) return undefined;
    return tags.models.map((m) => m.name).filter((n): n is string => typeof n === "string");
  }
  const headers: Record<string, string> = {};
  if (provider.apiKey) {
    if (provider.spec.protocol === "anthropic") {
      headers["x-api-key"] = provider.apiKey;
      headers["anthropic-version"] = "2023-06-01";
    } else headers.authorization = `Bearer ${provider.apiKey}`;
  }
  // Anthropic's base URL is the host; OpenAI-style base URLs already end in /v1.
  const path = provider.spec.protocol === "anthropic" ? "/v1/models" : "/models";
  const list = await probeJson(`${provider.baseUrl}${path}`, timeoutMs, headers) as
    | { data?: { id?: unknown }[] }
    | undefined;
  if (!Array.isArray(list?.data)) return undefined;
  return list.data.map((m) => m.id).filter((n): n is string => typeof n === "string");
}

/** Ollama's own API sits beside its OpenAI-compatible `/v1`. */
function ollamaRoot(provider: ResolvedProvider | string): string {
  return (typeof provider === "string" ? provider : provider.baseUrl).replace(/\/v1\/?$/, "").replace(/\/$/, "");
}

/** Options for {@linkcode probeCapabilities}. */
export interface CapabilityProbeOptions {
  /** For all the models together: they are asked at once. */
  timeoutMs?: number;
}

/**
 * What Ollama's `POST /api/show` says each model can do (`completion`, `tools`, `embedding`, `vision`…), in the
 * order asked. An entry is `undefined` where Ollama did not say: no answer within the time limit, an error, or an
 * Ollama too old to report capabilities.
 */
export async function probeCapabilities(
  provider: ResolvedProvider,
  models: readonly string[],
  options: CapabilityProbeOptions = {},
): Promise<(string[] | undefined)[]> {
  const signal = AbortSignal.timeout(options.timeoutMs ?? PROBE_TIMEOUT_MS);
  const url = `${ollamaRoot(provider)}/api/show`;
  return await Promise.all(models.map(async (model) => {
    const capabilities = (await showModel(url, model, signal))?.capabilities;
    return Array.isArray(capabilities) && capabilities.every((c) => typeof c === "string") ? capabilities : undefined;
  }));
}

/** Options for {@linkcode ollamaContextLength}. */
export interface ContextProbeOptions {
  /** The `fetch` to use (tests, a proxy-aware one); the global one by default. */
  fetch?: typeof fetch;
  /** Ends the probe early; it also ends after {@linkcode PROBE_TIMEOUT_MS}. */
  signal?: AbortSignal;
}

/**
 * What Ollama's `POST /api/show` says of a model's window: its own maximum (`model_info["<arch>.context_length"]`)
 * and the `num_ctx` its Modelfile sets, if any (see `model_windows.ts` for the window PAI assumes from them).
 * `baseUrl` is Ollama's root or its `/v1`. `undefined` when Ollama does not answer in time, or not with a model.
 *
 * @example
 * ```ts
 * await ollamaContextLength("http://127.0.0.1:11434", "llama3.2"); // { contextLength: 131072 }
 * ```
 */
export async function ollamaContextLength(
  baseUrl: string,
  model: string,
  options: ContextProbeOptions = {},
): Promise<OllamaModelFacts | undefined> {
  const timeout = AbortSignal.timeout(PROBE_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const shown = await showModel(`${ollamaRoot(baseUrl)}/api/show`, model, signal, options.fetch);
  if (shown === undefined) return undefined;
  const info = typeof shown.model_info === "object" && shown.model_info !== null
    ? shown.model_info as Record<string, unknown>
    : {};
  const arch = info["general.architecture"];
  const contextLength = positiveInt(typeof arch === "string" ? info[`${arch}.context_length`] : undefined);
  // `parameters` is the Modelfile's PARAMETER lines as text: "num_ctx    8192\nstop ...".
  const parameters = typeof shown.parameters === "string" ? shown.parameters : "";
  const numCtx = positiveInt(Number(/^num_ctx\s+(\d+)\s*$/m.exec(parameters)?.[1]));
  const facts: OllamaModelFacts = {};
  if (contextLength !== undefined) facts.contextLength = contextLength;
  if (numCtx !== undefined) facts.numCtx = numCtx;
  return facts;
}

function positiveInt(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/** Ollama's answer to `POST /api/show {model}`, or `undefined` on an error, a non-object or no answer in time. */
async function showModel(
  url: string,
  model: string,
  signal: AbortSignal,
  fetchFn: typeof fetch = fetch,
): Promise<Record<string, unknown> | undefined> {
  try {
    const response = await fetchFn(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model }),
      signal,
    });
    if (!response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    const shown: unknown = await response.json();
    return typeof shown === "object" && shown !== null && !Array.isArray(shown)
      ? shown as Record<string, unknown>
      : undefined;
  } catch {
    return undefined;
  }
}

/** The model to chat with at Ollama and why, or why there is none; `why` completes a sentence of the notice. */
export type ChatModelChoice = { kind: "chosen"; model: string; why: string } | { kind: "none"; why: string };

/**
 * Picks the first of `models` whose capabilities include `completion` (Ollama's word for a model that generates
 * text: embedding models report only `embedding`). A model Ollama said nothing about is taken only when none is
 * known to chat, so that an old Ollama still works as before. `listed` is how many models Ollama lists in all,
 * when only the first of them were asked about.
 *
 * @example
 * ```ts
 * chooseChatModel(["nomic-embed-text:latest", "llama3.2:latest"], [["embedding"], ["completion"]]);
 * // { kind: "chosen", model: "llama3.2:latest",
 * //   why: "the first chat model Ollama lists (nomic-embed-text:latest is an embedding model)" }
 * ```
 */
export function chooseChatModel(
  models: readonly string[],
  capabilities: readonly (readonly string[] | undefined)[],
  listed: number = models.length,
): ChatModelChoice {
  const chat = models.findIndex((_, i) => capabilities[i]?.includes("completion"));
  if (chat >= 0) {
    const skipped = notChat(models.slice(0, chat), capabilities.slice(0, chat));
    return { kind: "chosen", model: models[chat], why: `the first chat model Ollama lists${inParentheses(skipped)}` };
  }
  const unknown = models.findIndex((_, i) => capabilities[i] === undefined);
  if (unknown >= 0) {
    const before = notChat(models.slice(0, unknown), capabilities.slice(0, unknown));
    const why = [before, "it did not say which of its models chat"].filter(Boolean).join("; ");
    return {
      kind: "chosen",
      model: models[unknown],
      why: `the first model Ollama lists${before ? " that may chat" : ""} (${why})`,
    };
  }
  const among = listed > models.length ? ` among the first ${models.length} it lists` : "";
  return { kind: "none", why: `no chat model${among}${inParentheses(notChat(models, capabilities))}` };
}

/** "a and b are embedding models; c is not a chat model: it reports vision", or "" when nothing was skipped. */
function notChat(models: readonly string[], capabilities: readonly (readonly string[] | undefined)[]): string {
  const embedding = models.filter((_, i) => capabilities[i]?.includes("embedding"));
  const other = models.flatMap((m, i) =>
    capabilities[i] && !capabilities[i].includes("embedding")
      ? [`${m} is not a chat model: it reports ${capabilities[i].join(", ") || "no capabilities"}`]
      : []
  );
  const parts = embedding.length === 0
    ? []
    : embedding.length === 1
    ? [`${embedding[0]} is an embedding model`]
    : [`${embedding.slice(0, -1).join(", ")} and ${embedding.at(-1)} are embedding models`];
  return [...parts, ...other].join("; ");
}

function inParentheses(text: string): string {
  return text ? ` (${text})` : "";
}

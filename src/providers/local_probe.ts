/**
 * Asks local servers what they offer, bounded in time so that PAI never hangs
 * on a host that does not answer. Ollama is asked on its native API
 * (`/api/tags`, and `/api/show` for what a model can do), everything else on
 * the OpenAI-style `/models`.
 */
import { probeJson } from "./http.ts";
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
function ollamaRoot(provider: ResolvedProvider): string {
  return provider.baseUrl.replace(/\/v1$/, "");
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
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model }),
        signal,
      });
      if (!response.ok) {
        await response.body?.cancel();
        return undefined;
      }
      const { capabilities } = await response.json() as { capabilities?: unknown };
      return Array.isArray(capabilities) && capabilities.every((c) => typeof c === "string") ? capabilities : undefined;
    } catch {
      return undefined;
    }
  }));
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

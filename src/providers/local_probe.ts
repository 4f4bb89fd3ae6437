/**
 * Asks local servers what they offer, bounded in time so that PAI never hangs
 * on a host that does not answer. Ollama is asked on its native API
 * (`/api/tags`), everything else on the OpenAI-style `/models`.
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
    const root = provider.baseUrl.replace(/\/v1$/, "");
    const tags = await probeJson(`${root}/api/tags`, timeoutMs) as { models?: { name?: unknown }[] } | undefined;
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

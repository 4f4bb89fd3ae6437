/**
 * Model names the way each provider matches them, so that what a user types is checked against what the provider
 * lists by the provider's own rules. Ollama resolves a name to `registry/namespace/model:tag` with defaults
 * (`registry.ollama.ai`, `library`, `latest`) and compares without regard to case: `llama3.2`,
 * `library/llama3.2` and `registry.ollama.ai/library/llama3.2:latest` are one model there. OpenAI, Anthropic and
 * the other servers take ids as they list them, exactly.
 *
 * @example
 * ```ts
 * findOfferedModel("ollama", "llama3.2", ["llama3.2:latest"]); // "llama3.2:latest"
 * findOfferedModel("openai", "GPT-4o", ["gpt-4o"]); // undefined
 * ```
 */
import type { ProviderName } from "./registry.ts";

/** Ollama's defaults for the parts of a name left out (`types/model/name.go` in Ollama). */
const OLLAMA_DEFAULT_HOST = "registry.ollama.ai";
const OLLAMA_DEFAULT_NAMESPACE = "library";
const OLLAMA_DEFAULT_TAG = "latest";

/** The name as the provider lists it for the model `wanted` stands for, or `undefined` if it offers none. */
export function findOfferedModel(
  provider: ProviderName,
  wanted: string,
  offered: readonly string[],
): string | undefined {
  const key = keyOf(provider, wanted);
  return offered.find((name) => keyOf(provider, name) === key);
}

function keyOf(provider: ProviderName, name: string): string {
  return provider === "ollama" ? ollamaKey(name) : name;
}

/** `registry/namespace/model:tag` in lower case, each missing part filled in as Ollama fills it. */
function ollamaKey(name: string): string {
  let rest = name.trim().toLowerCase();
  let tag = OLLAMA_DEFAULT_TAG;
  // The tag follows the last colon after the last slash: the colon of `host:port/…` is not a tag.
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1) || OLLAMA_DEFAULT_TAG;
    rest = rest.slice(0, colon);
  }
  const parts = rest.split("/");
  if (parts.length === 1) parts.unshift(OLLAMA_DEFAULT_NAMESPACE);
  if (parts.length === 2) parts.unshift(OLLAMA_DEFAULT_HOST);
  return `${parts.join("/")}:${tag}`;
}

/**
 * A model as the user names it on the command line: `PROVIDER:MODEL` (`ollama:llama3.2`, `anthropic:claude-…`), or,
 * where the provider is known from elsewhere (the session's), a bare model. A model's own name may hold colons
 * (Ollama's tags: `ollama:llama3.2:latest`): only a known provider's name before the first colon is taken as one.
 *
 * @example
 * ```ts
 * parseModelRef("ollama:qwen2.5:7b", "--model"); // { provider: "ollama", model: "qwen2.5:7b" }
 * parseModelRef("gpt-4o", "--model"); // { model: "gpt-4o" }
 * ```
 */
import { EXIT, PaiError } from "../core/errors.ts";
import { PROVIDER_NAMES, type ProviderName } from "./registry.ts";

/** A model, with its provider when the user named one. */
export interface ModelRef {
  provider?: ProviderName;
  model: string;
}

/** A model whose provider is named. */
export type FullModelRef = Required<ModelRef>;

/** Parses `PROVIDER:MODEL` or a bare model; `flag` names where it was given, for the error. */
export function parseModelRef(input: string, flag: string): ModelRef {
  const text = input.trim();
  const colon = text.indexOf(":");
  const head = colon > 0 ? text.slice(0, colon).toLowerCase() : "";
  if ((PROVIDER_NAMES as readonly string[]).includes(head)) {
    const model = text.slice(colon + 1).trim();
    if (!model) throw usage(flag, input, `"${head}:" names no model`);
    return { provider: head as ProviderName, model };
  }
  if (!text) throw usage(flag, input, "it is empty");
  if (text.startsWith(":")) throw usage(flag, input, "it names no provider before its colon");
  // A provider's name mistyped ("olama:") would send the text to the session's provider as a model of that name.
  const near = head.length >= 4 ? PROVIDER_NAMES.find((name) => distance(head, name.toLowerCase()) <= 2) : undefined;
  if (near) throw usage(flag, input, `"${head}" is not a provider; did you mean ${near}:${text.slice(colon + 1)}?`);
  return { model: text };
}

/** The edit distance of two short words (insertions, deletions and substitutions). */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length];
}

/** Parses `PROVIDER:MODEL`, where the provider must be named (a role's model has no session provider to fall back on). */
export function parseFullModelRef(input: string, flag: string): FullModelRef {
  const ref = parseModelRef(input, flag);
  if (!ref.provider) throw usage(flag, input, "it names no provider");
  return ref as FullModelRef;
}

/** How a model is written back: `ollama:llama3.2`. */
export function formatModelRef(ref: { provider: string; model: string }): string {
  return `${ref.provider}:${ref.model}`;
}

function usage(flag: string, input: string, why: string): PaiError {
  return new PaiError(`${flag} "${input}": ${why}`, {
    exitCode: EXIT.USAGE,
    hint: `Write PROVIDER:MODEL, such as ollama:llama3.2 or openai:gpt-4o-mini (providers: ${
      PROVIDER_NAMES.join(", ")
    })`,
  });
}

/**
 * Estimates the tokens of a request before it is sent, so that the context manager can keep it inside the model's
 * window. OpenAI models are counted with their own encoding (`o200k_base` or `cl100k_base`) by `gpt-tokenizer`;
 * every other model with `o200k_base` scaled up by a stated margin, because their tokenizers are not available here.
 * The tokenizer is loaded on first use (~100–250 ms and 35–60 MiB for its tables: `bench/README.md`), so a run that
 * counts nothing never pays for it.
 *
 * @example
 * ```ts
 * const counter = await loadTokenCounter("openai", "gpt-4o");
 * counter.countMessages([{ role: "user", content: "Hello" }], { system: "Be brief" }); // 14
 * const claude = await loadTokenCounter("anthropic", "claude-sonnet-4-5");
 * claude.exact; // false: show "≈"
 * ```
 */
import { lazyImport } from "../core/lazy_import.ts";
import type { ChatMessage, ToolDefinition } from "../core/types.ts";
import type { ProviderName } from "../providers/registry.ts";

/** The tiktoken encodings of OpenAI's chat models. */
export type Encoding = "o200k_base" | "cl100k_base";

/** Counts tokens for one model. */
export interface TokenCounter {
  /** What counts: a tokenizer encoding, or UTF-8 bytes when the tokenizer could not be loaded. */
  readonly encoding: Encoding | "utf8_bytes";
  /** Whether the text is counted with the model's own tokenizer (message framing is an estimate even then). */
  readonly exact: boolean;
  /** How the count is approximated, when it is not exact: for the UI, which shows "≈". */
  readonly approximation?: string;
  /** The tokens of a text. Special-token strings such as `<|endoftext|>` count as the plain text they are. */
  count(text: string): number;
  /** The tokens of a whole request: messages, the system prompt and the tools offered, with their framing. */
  countMessages(messages: readonly ChatMessage[], options?: CountMessagesOptions): number;
}

/** Options for {@linkcode TokenCounter.countMessages}. */
export interface CountMessagesOptions {
  /** The system prompt, when it is not among the messages. */
  system?: string;
  tools?: readonly ToolDefinition[];
}

/**
 * Anthropic does not publish the tokenizer of Claude 3 and later; its `count_tokens` endpoint is the only exact count,
 * and costs a request. Its legacy (Claude 2) tokenizer counts 1.01–1.11× o200k on this repository's text (`bench/token_margins.ts`),
 * and the newer ones are reported to count more than the legacy one. 1.3× means to over-count rather than under-count:
 * a window trimmed a little early costs less than a request refused for being too long.
 */
export const CLAUDE_MARGIN = 1.3;

/**
 * Local models bring their own tokenizers. Measured against o200k on this repository's prose, tables, code and JSON
 * (`bench/token_margins.ts`): Llama 3 and Qwen 3 count 0.99–1.02×, Gemma 3 1.05–1.19×. 1.25× covers them; Ollama
 * drops the start of a prompt that overflows, so over-counting is the safe side. The margins are measured on English
 * and code: other scripts can differ more (o200k was built to count them in fewer tokens than older vocabularies).
 */
export const LOCAL_MARGIN = 1.25;

/** The 32k-vocabulary SentencePiece tokenizers (Llama 2, Mistral 7B, Phi-3) count 1.14–1.40× o200k, tables worst. */
export const SMALL_VOCABULARY_MARGIN = 1.4;

/** Families whose tokenizer has a 32k vocabulary: Mistral's later models (Nemo, Small 3) use a 131k one. */
const SMALL_VOCABULARY = /^(llama-?2|codellama|mistral(?!-nemo|-small-?3)|mixtral|phi-?3|tinyllama)/;

/**
 * The fallback when no tokenizer loads: UTF-8 bytes ÷ 3. In o200k, English prose takes ~5 bytes a token and code ~4,
 * so this over-counts them; Chinese or Japanese take ~3 bytes a character and about a token each, so it stays near.
 */
export const FALLBACK_BYTES_PER_TOKEN = 3;

/**
 * Framing per OpenAI's cookbook, as `gpt-tokenizer` also counts it: each message costs 3 tokens besides its role and
 * text, the reply is primed with 3, a tool call with 3 besides its name and arguments, and the tool definitions with
 * 9. Tools are counted as the JSON sent, more than the TypeScript-like text OpenAI turns them into.
 */
const PER_MESSAGE = 3;
const PER_REPLY = 3;
const PER_TOOL_CALL = 3;
const PER_TOOL_SET = 9;
/**
 * Anthropic adds a system prompt of its own when tools are offered (with `tool_choice: auto`): 346 tokens for Claude
 * 3.7 and 4.x, up to 530 for Claude 3 Opus, per its pricing page. The largest is counted.
 */
const ANTHROPIC_TOOL_PROMPT = 530;

/** The encoding of an OpenAI model, or `undefined` for a model that is not OpenAI's. */
export function openAIEncoding(model: string): Encoding | undefined {
  const name = model.toLowerCase().split("/").at(-1) ?? "";
  // gpt-4 and gpt-3.5 (also gpt-4-turbo, gpt-4-32k) use cl100k; gpt-4o, gpt-4.1, gpt-4.5 and later use o200k.
  if (/^(gpt-4(?![o.])|gpt-3\.5|gpt-35)/.test(name)) return "cl100k_base";
  // gpt-oss uses o200k_harmony, which is o200k_base plus special tokens: ordinary text counts the same.
  if (/^(gpt-|chatgpt-|o\d|codex-)/.test(name)) return "o200k_base";
  return undefined;
}

/**
 * The token counter for a model on a provider: exact for OpenAI models, a stated approximation for the others. When
 * the tokenizer cannot be loaded (a compiled binary built without it, a broken cache), the byte-count fallback, which
 * says so in its `approximation`.
 */
export async function loadTokenCounter(provider: ProviderName, model: string): Promise<TokenCounter> {
  const own = provider === "anthropic" ? undefined : openAIEncoding(model);
  const encoding = own ?? "o200k_base";
  let countText: (text: string) => number;
  try {
    countText = await loadEncoding(encoding);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return fallbackTokenCounter(provider, model, { why: `the tokenizer could not be loaded: ${why}` });
  }
  if (own !== undefined) return makeCounter({ encoding, exact: true, countText, margin: 1, provider });
  const margin = marginFor(provider, model);
  const whose = margin === CLAUDE_MARGIN ? "Anthropic's tokenizer" : "its own tokenizer";
  const approximation = `${encoding} tokens × ${margin} (${model} uses ${whose}, not available here)`;
  return makeCounter({ encoding, exact: false, approximation, countText, margin, provider });
}

/** Options for {@linkcode fallbackTokenCounter}. */
export interface FallbackOptions {
  /** Why there is no tokenizer, for the counter's `approximation`. */
  why?: string;
}

/**
 * The counter used only when the tokenizer cannot be loaded: UTF-8 bytes ÷ {@linkcode FALLBACK_BYTES_PER_TOKEN},
 * synchronous and free, scaled by the model's margin when it is not OpenAI's. It over-counts most text (see the
 * constant).
 */
export function fallbackTokenCounter(
  provider: ProviderName,
  model: string,
  options: FallbackOptions = {},
): TokenCounter {
  const margin = provider !== "anthropic" && openAIEncoding(model) ? 1 : marginFor(provider, model);
  const scaled = margin === 1 ? "" : ` × ${margin}`;
  return makeCounter({
    encoding: "utf8_bytes",
    exact: false,
    approximation: `UTF-8 bytes ÷ ${FALLBACK_BYTES_PER_TOKEN}${scaled} for ${model}, ${options.why ?? "no tokenizer"}`,
    countText: (text) => utf8Length(text) / FALLBACK_BYTES_PER_TOKEN,
    margin,
    provider,
  });
}

/** The margin for a model that is not OpenAI's, by its tokenizer's family. */
function marginFor(provider: ProviderName, model: string): number {
  const name = model.toLowerCase().split("/").at(-1) ?? "";
  if (provider === "anthropic" || name.includes("claude")) return CLAUDE_MARGIN;
  return SMALL_VOCABULARY.test(name) ? SMALL_VOCABULARY_MARGIN : LOCAL_MARGIN;
}

/** UTF-8 bytes ÷ {@linkcode FALLBACK_BYTES_PER_TOKEN}, rounded up. */
export function countByBytes(text: string): number {
  return Math.ceil(utf8Length(text) / FALLBACK_BYTES_PER_TOKEN);
}

interface CounterParts {
  encoding: TokenCounter["encoding"];
  exact: boolean;
  approximation?: string;
  countText: (text: string) => number;
  /** Applied to whole counts, rounded up, so that an approximation never rounds below what it counts. */
  margin: number;
  provider: ProviderName;
}

function makeCounter(parts: CounterParts): TokenCounter {
  const { countText, margin, provider } = parts;
  return {
    encoding: parts.encoding,
    exact: parts.exact,
    approximation: parts.approximation,
    count: (text) => Math.ceil(countText(text) * margin),
    countMessages(messages, options = {}) {
      let total = PER_REPLY;
      if (options.system !== undefined) total += PER_MESSAGE + countText("system") + countText(options.system);
      for (const message of messages) {
        total += PER_MESSAGE + countText(message.role) + countText(message.content);
        for (const call of message.toolCalls ?? []) {
          total += PER_TOOL_CALL + countText(call.name) + countText(call.arguments);
        }
      }
      if (options.tools && options.tools.length > 0) {
        const sent = options.tools.map((t) => ({ type: "function", function: t }));
        total += PER_TOOL_SET + countText(JSON.stringify(sent));
        if (provider === "anthropic") total += ANTHROPIC_TOOL_PROMPT;
      }
      return Math.ceil(total * margin);
    },
  };
}

/** The part of `gpt-tokenizer`'s encoding modules that PAI uses (both encodings export the same API). */
type EncodingModule = typeof import("gpt-tokenizer/encoding/o200k_base");

/** One load per encoding and process, shared by every counter. */
const loaded = new Map<Encoding, Promise<(text: string) => number>>();

function loadEncoding(encoding: Encoding): Promise<(text: string) => number> {
  let pending = loaded.get(encoding);
  if (pending === undefined) {
    pending = lazyImport<EncodingModule>(`gpt-tokenizer/encoding/${encoding}`).then((api) => {
      // An empty disallowed set: a prompt that contains "<|endoftext|>" is text to count, not an error.
      const options = { disallowedSpecial: new Set<string>() };
      return (text: string) => api.countTokens(text, options);
    });
    // A failed load is not cached, so that a later call may try again.
    pending.catch(() => loaded.delete(encoding));
    loaded.set(encoding, pending);
  }
  return pending;
}

/**
 * The UTF-8 length of a string: also an upper bound on its tokens for a byte-level BPE tokenizer (each token is at
 * least one byte of the text), framing aside. Encoded natively, in pieces into one reusable buffer, so a 4 MB paste
 * allocates nothing: a loop over the characters in JavaScript took ~3 ms for the 8 KB of tool definitions in a
 * process that had not warmed up, and every run counts them (`bench/README.md`, "Turn pipeline"). A lone surrogate
 * is encoded as U+FFFD, 3 bytes, as it is sent.
 */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let at = 0; at < text.length;) {
    let end = Math.min(at + UTF8_PIECE, text.length);
    // Never between the halves of a surrogate pair: the pair is one character of 4 bytes, each half alone 3.
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1)) && isLowSurrogate(text.charCodeAt(end))) end--;
    bytes += ENCODER.encodeInto(at === 0 && end === text.length ? text : text.slice(at, end), UTF8_BUFFER).written;
    at = end;
  }
  return bytes;
}

/** UTF-16 code units encoded at a time; each takes at most 3 bytes, so the buffer always holds a whole piece. */
const UTF8_PIECE = 1 << 16;
const UTF8_BUFFER = new Uint8Array(3 * UTF8_PIECE);
const ENCODER = new TextEncoder();

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

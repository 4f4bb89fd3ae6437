/**
 * The context manager: what each request carries, by the mode's strategy, kept inside the model's window.
 *
 * - `history` (chat): the whole history while it fits; when a request would pass `TRIGGER` of the window, the
 *   oldest turns are summarised by the model into the session's summary and the request carries the summary and
 *   the recent turns (`KEEP` of the window), so the next turns fit again without a summary each.
 * - `summary` (prompt): the session's summary, if there is one, and the prompt.
 * - `run` (agent): the run's whole reasoning context; when it outgrows the window, old tool results are compacted
 *   first (a short note with their size), then the older rounds are summarised.
 * - `memory` (assistant): as `history` (the recent tasks' turns while they fit, a summary beyond), with the working
 *   memory the task calls for before the input: the memories that share its words, and the newest, within
 *   `MEMORY_SHARE` of the window; those the provider may not receive are left out, and the block says how many.
 * - `input` (`pai ask`): the input alone.
 *
 * History is read from the newest message backwards and only as far as it is sent, so assembling a request does
 * not grow with the part of the history that is not sent. The model is asked for summaries through the turn loop
 * (`Summarise`): summaries pass the policy's scanners like every request, and carry the highest label of what
 * they summarise, so they are sent only where that data may go.
 */
import type { ContextStrategy } from "../core/mode_profile.ts";
import { EXIT, PaiError } from "../core/errors.ts";
import {
  type Carried,
  type ChatMessage,
  higherLabel,
  type Label,
  type Mode,
  type ToolDefinition,
} from "../core/types.ts";
import type { Database } from "../store/db.ts";
import {
  labelsBetween,
  messagesBetween,
  newestMessages,
  setMessageTokens,
  type StoredMessage,
} from "../store/messages.ts";
import { injectionMarkers, untrustedBlock } from "../policy/injection.ts";
import { getSummary, saveSummary, type Summary } from "../store/summaries.ts";
import { lazyImport } from "../core/lazy_import.ts";
import { historyMessage } from "./history.ts";
import type { RememberedCounts } from "./token_memo.ts";
import { type TokenCounter as FullCounter, utf8Length } from "./tokens.ts";

/** What the context manager needs of a counter (`tokens.ts` has the model's tokenizer). */
export type TokenCounter = Pick<FullCounter, "count">;

/** UTF-8 bytes: an upper bound on the tokens of byte-level BPE tokenizers (GPT, Claude, Llama), free to count. */
export const BYTES: TokenCounter = { count: utf8Length };

/**
 * How a context manager counts: a bound that costs nothing first, and the model's tokenizer only when the bound
 * says the request may not fit (a tokenizer's tables take tens of milliseconds to load: a short prompt never
 * pays for them).
 */
export interface Counters {
  /** Never less than the tokens of a text (`BYTES`: a byte-level tokenizer makes at most one token per byte). */
  bound: TokenCounter;
  exact(): Promise<TokenCounter>;
  /**
   * Exact counts of the system prompt and the tools from earlier runs (`token_memo.ts`): the bound counts JSON tool
   * definitions at about three times their tokens, enough to fill a small window before the prompt is counted.
   */
  remembered?: RememberedCounts;
}

/** The share of the window past which the history is summarised. */
export const TRIGGER = 0.75;
/** The share of the window the recent turns may keep once older ones are summarised. */
export const KEEP = 0.4;
/** The share of the window the fixed parts must take by the bound before remembered counts are looked up. */
const RECALL_SHARE = 0.1;
/** Tokens every message costs besides its text (role and framing; OpenAI's published figure is 3–4). */
const MESSAGE_OVERHEAD = 4;
/**
 * Tokens an attached image is counted as before sending: a stated approximation, the most either provider charges
 * for one image at its default detail (Anthropic: about 1,600 for 1.15 megapixels; OpenAI's high detail: up to
 * 1,105 for 2048×768 tiles). The provider's reported usage replaces it after.
 */
const IMAGE_TOKENS = 1_600;

/** What every request of the turn carries besides the messages. */
export interface FixedParts {
  system: string;
  tools?: readonly ToolDefinition[];
}

/**
 * Asks the model for a summary (through the turn loop) of `messages`, extending `previous` (whose text is sent
 * with them, carrying what it carries); resolves to the summary and the hash that names the answer that wrote it.
 * `label` is the most sensitive label of what is summarised, as stored: the loop sends it only where that may go.
 */
export type Summarise = (
  messages: readonly ChatMessage[],
  previous: { text: string; carries?: Carried[] } | undefined,
  label?: Label,
) => Promise<{ text: string; hash?: string }>;

/** What the context port needs about the model and the provider. */
export interface ContextLimits {
  /** The model's context window, in tokens. */
  window: number;
  /** Tokens kept free for the answer. */
  output: number;
  /** The model's name, for messages. */
  model: string;
  /** Whether the provider may receive data with this label (the policy's ceiling). */
  mayReceive(label: Label): boolean;
  /**
   * The label of the files and resources a message's data came from, as the policy and the resources label them
   * now (a file labelled private since it was read is private when it is sent again). Absent: the stored label.
   */
  labelOf?(sources: readonly string[]): Label | undefined;
  /** The provider as the user reads it in a refusal ("openai (remote)"). */
  provider: string;
}

/** The context of one turn, as the turn loop uses it. */
export interface ContextPort {
  /**
   * The messages of the turn's first request: what the strategy keeps of the history, then the input. With
   * `preview` (a dry run) nothing is summarised or saved: the request shows where a summary would go.
   */
  start(
    input: string,
    fixed: FixedParts,
    summarise: Summarise,
    options?: { preview?: boolean },
  ): Promise<ChatMessage[]>;
  /** Before each later request of the turn (results added): compacted to fit the window when it must be. */
  fit(messages: ChatMessage[], fixed: FixedParts, summarise: Summarise): Promise<ChatMessage[]>;
  /** The tokens of a message when the tokenizer was needed in this turn (stored with it), else `undefined`. */
  tokensOf(message: ChatMessage): number | undefined;
  /** The tokens a whole request is estimated at (what a budget reserves before it is sent). */
  tokensOfRequest(
    request: { system?: string; messages: readonly ChatMessage[]; tools?: readonly ToolDefinition[] },
  ): number;
  /** Why the history sent in this turn taints the run (private data, untrusted content): the loop tells the tools. */
  taints(): string[];
  /**
   * The most sensitive label of the history, summary and memories sent in this turn, and their sources: the loop
   * tells the tools (a memory saved in the run is labelled with what the run has seen).
   */
  seen(): { label?: Label; sources: string[] };
  /** What the last `start` or `fit` did, for `pai status` and the bench. */
  readonly stats: ContextStats;
}

/** What the context manager did in one turn. */
export interface ContextStats {
  /** Estimated tokens of the largest request of the turn. */
  largestRequest: number;
  /** Summaries made in the turn. */
  summaries: number;
  /** Tool results compacted in the turn. */
  compacted: number;
  /** Whether the last request built carries the session's summary. */
  summarySent?: boolean;
}

/** The summary's place in a request: before the first kept message, which is the user's. */
/**
 * The summary's place in a request: before the first kept message, as untrusted content. The model wrote it
 * from turns that held tool results, so an instruction in it is data, never the user's (its markers taint the run).
 */
const summaryBlock = (text: string) =>
  `${untrustedBlock("conversation_summary", 'of="the earlier turns"', SUMMARY_FROM, text, injectionMarkers(text))}\n\n`;

/** The share of the room left by the fixed parts that working memory may take. */
const MEMORY_SHARE = 0.1;
/** Memories that share the input's words, at most; and the newest ones besides. */
const MEMORY_PICKS = 8;
const MEMORY_NEWEST = 4;
/** Who wrote the memories, as their envelope's warning says. */
const MEMORY_FROM = "notes you saved in earlier tasks (from what you read then)";

/** Who wrote a summary, as its envelope's warning says. */
const SUMMARY_FROM = "a summary the model wrote of earlier turns (which held tool results)";

/** What the model is asked to keep in a summary. */
export const SUMMARY_INSTRUCTION = "Summarise the conversation below for your own later use: the user's goals, the " +
  "facts and decisions established, what the tools returned that still matters, and open questions. Be concise; " +
  "keep names, numbers and paths exactly. Write only the summary.";

/** The context manager of one session and mode. */
export class ContextManager implements ContextPort {
  readonly #db: Database;
  readonly #sessionId: string;
  readonly #mode: Mode;
  readonly #strategy: ContextStrategy;
  readonly #limits: ContextLimits;
  readonly #counters: Counters;
  /** The bound until a request may not fit; the tokenizer from then on. */
  #counter: TokenCounter;
  #exact = false;
  /** Exact counts of the messages of this turn's requests (a message is counted once, however often it is sent). */
  #counted = new WeakMap<ChatMessage, number>();
  /** What the history sent in this turn brings for the flow rule (see `taints()`). */
  #taints = new Set<string>();
  /** The highest label and the sources of what the history sent in this turn holds (see `seen()`). */
  #seen: { label?: Label; sources: Set<string> } = { sources: new Set() };
  /** Exact counts of the fixed parts' texts (the system prompt, the tools as sent), remembered or counted. */
  #fixedCounts = new Map<string, number>();
  #toolsText = new WeakMap<readonly ToolDefinition[], string>();
  stats: ContextStats = { largestRequest: 0, summaries: 0, compacted: 0 };

  constructor(
    db: Database,
    session: { id: string },
    profile: { mode: Mode; context: ContextStrategy },
    limits: ContextLimits,
    counters: Counters,
  ) {
    this.#db = db;
    this.#sessionId = session.id;
    this.#mode = profile.mode;
    this.#strategy = profile.context;
    this.#limits = limits;
    this.#counters = counters;
    this.#counter = counters.bound;
  }

  tokensOf(message: ChatMessage): number | undefined {
    return this.#exact ? this.#count(message) : undefined;
  }

  #count(message: ChatMessage): number {
    const known = this.#exact ? this.#counted.get(message) : undefined;
    if (known !== undefined) return known;
    const calls = message.toolCalls?.length ? this.#counter.count(JSON.stringify(message.toolCalls)) : 0;
    const images = (message.images?.length ?? 0) * IMAGE_TOKENS;
    const tokens = this.#counter.count(message.content) + calls + images + MESSAGE_OVERHEAD;
    if (this.#exact) this.#counted.set(message, tokens);
    return tokens;
  }

  tokensOfRequest(
    request: { system?: string; messages: readonly ChatMessage[]; tools?: readonly ToolDefinition[] },
  ): number {
    return this.#sum(request.messages) + this.#fixedTokens({ system: request.system ?? "", tools: request.tools });
  }

  async start(
    input: string,
    fixed: FixedParts,
    summarise: Summarise,
    options: { preview?: boolean } = {},
  ): Promise<ChatMessage[]> {
    return await this.#fits(await this.#start(input, fixed, summarise, options), fixed);
  }

  async fit(messages: ChatMessage[], fixed: FixedParts, summarise: Summarise): Promise<ChatMessage[]> {
    return await this.#fits(await this.#fit(messages, fixed, summarise), fixed);
  }

  /**
   * The last check of every request the context manager gives: it fits the window with the answer's room, counted
   * exactly when the bound says it may not (a summary that grew, a summary beside a large input). Nothing that
   * Ollama would silently cut from the front, where the system prompt is, leaves PAI.
   */
  async #fits(messages: ChatMessage[], fixed: FixedParts): Promise<ChatMessage[]> {
    if (this.#sum(messages) <= this.#room(fixed)) return messages;
    await this.#upgrade();
    const tokens = this.#sum(messages);
    if (tokens > this.#room(fixed)) throw this.#tooLarge(tokens, this.#room(fixed), "the request");
    return messages;
  }

  async #start(
    input: string,
    fixed: FixedParts,
    summarise: Summarise,
    options: { preview?: boolean },
  ): Promise<ChatMessage[]> {
    await this.#recall(fixed);
    const inputTokens = await this.#inputTokens(input, fixed);
    const summary = this.#strategy === "input" ? undefined : getSummary(this.#db, this.#sessionId);
    if (this.#strategy === "memory") input = await this.#withMemory(input, fixed);
    if (this.#strategy !== "history" && this.#strategy !== "memory") {
      const messages = summary ? [this.#withSummary(summary, { role: "user", content: input })] : [];
      return this.#measured(messages.length ? messages : [{ role: "user", content: input }], fixed);
    }
    const made = options.preview ? preview : summarise;
    const first = await this.#history(input, inputTokens, fixed, summary, made, !options.preview);
    if (first || this.#exact) return this.#measured(this.#memoryCarried(first ?? []), fixed);
    // By the bound the history does not fit: count it with the tokenizer before summarising anything.
    await this.#upgrade();
    const counted = await this.#inputTokens(input, fixed);
    const history = (await this.#history(input, counted, fixed, summary, made, !options.preview))!;
    return this.#measured(this.#memoryCarried(history), fixed);
  }

  /** What the working memory put before the input carries (its memories' sources), set by `#withMemory`. */
  #memoryPiece?: Carried;

  /**
   * The input with the working memory before it: the memories relevant to it (sharing its words, best first) and the
   * newest, as untrusted content (the model wrote them from what it read), within `MEMORY_SHARE` of the window.
   */
  async #withMemory(input: string, fixed: FixedParts): Promise<string> {
    this.#memoryPiece = undefined;
    // The working memory's store loads only for the mode that has it.
    const { newestMemories, searchMemories } = await lazyImport<typeof import("../store/memories.ts")>(
      "../store/memories.ts",
      import.meta.url,
    );
    const seen = new Set<number>();
    const picked = [
      ...searchMemories(this.#db, this.#sessionId, input, MEMORY_PICKS),
      ...newestMemories(this.#db, this.#sessionId, MEMORY_NEWEST),
    ]
      .filter((m) => !seen.has(m.id) && seen.add(m.id));
    if (!picked.length) return input;
    const room = Math.floor(this.#room(fixed) * MEMORY_SHARE);
    const lines: string[] = [];
    const sources = new Set<string>();
    let withheld = 0;
    let used = 0;
    for (const m of picked) {
      const label = this.#labelNow(m) ?? m.label;
      if (!this.#limits.mayReceive(label)) {
        withheld++;
        continue;
      }
      const text = `[memory ${m.id}, ${m.createdAt.slice(0, 10)}] ${m.text.replace(/\s+/g, " ")}`;
      used += this.#counter.count(text);
      if (used > room) break;
      lines.push(text);
      this.#carries(label, undefined, "working memory", m.sources);
      for (const source of m.sources) sources.add(source);
    }
    if (withheld) lines.push(`(${withheld} more memories are labelled above what this model may receive)`);
    const body = lines.join("\n");
    const markers = injectionMarkers(body);
    if (markers.length) this.#taints.add("text shaped like instructions (in working memory)");
    this.#memoryPiece = { via: "memory", ...(sources.size ? { sources: [...sources] } : {}), earlier: true };
    return `${untrustedBlock("working_memory", 'of="earlier tasks"', MEMORY_FROM, body, markers)}\n\n${input}`;
  }

  /** The request's input carries the working memory put before it. */
  #memoryCarried(messages: ChatMessage[]): ChatMessage[] {
    const piece = this.#memoryPiece;
    const last = messages.at(-1);
    if (!piece || !last) return messages;
    return [...messages.slice(0, -1), { ...last, carries: [...last.carries ?? [], piece] }];
  }

  /** The input's tokens; an input that cannot fit even alone is refused, counted only as far as needed. */
  async #inputTokens(input: string, fixed: FixedParts): Promise<number> {
    const bound = this.#count({ role: "user", content: input });
    if (bound <= this.#room(fixed)) return bound;
    await this.#upgrade();
    const room = this.#room(fixed);
    const tokens = countUpTo(this.#counter, input, room) + MESSAGE_OVERHEAD;
    if (tokens > room) throw this.#tooLarge(tokens, room);
    return tokens;
  }

  async #upgrade(): Promise<void> {
    if (this.#exact) return;
    this.#counter = await this.#counters.exact();
    this.#exact = true;
  }

  async #fit(messages: ChatMessage[], fixed: FixedParts, summarise: Summarise): Promise<ChatMessage[]> {
    await this.#recall(fixed);
    if (this.#sum(messages) <= this.#limit(fixed)) return this.#measured(messages, fixed);
    await this.#upgrade();
    const limit = this.#limit(fixed);
    if (this.#sum(messages) <= limit) return this.#measured(messages, fixed);
    const compacted = this.#compactResults(messages, limit);
    if (this.#sum(compacted) <= limit) return this.#measured(compacted, fixed);
    const summarised = await this.#summariseRun(compacted, summarise);
    if (this.#sum(summarised) <= limit) return this.#measured(summarised, fixed);
    // The latest results alone are too large: each is cut to its share of what is left, saying so.
    let cutDown = summarised;
    // Characters are cut in proportion to tokens: a second pass takes what uneven text left over.
    for (let pass = 0; pass < 3 && this.#sum(cutDown) > limit; pass++) cutDown = this.#cutLatestResults(cutDown, limit);
    if (this.#sum(cutDown) <= limit) return this.#measured(cutDown, fixed);
    throw this.#tooLarge(this.#sum(cutDown), limit);
  }

  /** The most tokens the messages of a request may take: the trigger share, and never past the answer's room. */
  #limit(fixed: FixedParts): number {
    return Math.min(Math.floor(this.#limits.window * TRIGGER), this.#room(fixed));
  }

  /** The tokens left for messages once the system prompt, the tools and the answer's room are counted. */
  #room(fixed: FixedParts): number {
    return this.#limits.window - this.#limits.output - this.#fixedTokens(fixed);
  }

  #fixedTokens(fixed: FixedParts): number {
    return this.#fixedTexts(fixed).reduce((n, text) => n + this.#fixedCount(text), 0);
  }

  /** The texts of the fixed parts as they are sent (the tools as JSON, each array stringified once). */
  #fixedTexts(fixed: FixedParts): string[] {
    if (!fixed.tools?.length) return [fixed.system];
    let tools = this.#toolsText.get(fixed.tools);
    if (tools === undefined) this.#toolsText.set(fixed.tools, tools = JSON.stringify(fixed.tools));
    return [fixed.system, tools];
  }

  /** A fixed text's tokens: exact when remembered or once the tokenizer is loaded (then remembered), else the bound. */
  #fixedCount(text: string): number {
    const known = this.#fixedCounts.get(text);
    if (known !== undefined) return known;
    const tokens = this.#counter.count(text);
    if (this.#exact) {
      this.#fixedCounts.set(text, tokens);
      this.#counters.remembered?.set(text, tokens);
    }
    return tokens;
  }

  /**
   * Looks up the exact counts of the fixed parts that earlier runs made, before anything is counted by the bound;
   * only where the bound of the fixed parts takes a real share of the window (`RECALL_SHARE`). In a large window
   * their over-count decides nothing, and the look-up (a file read, two SHA-256) would be paid by every run.
   */
  async #recall(fixed: FixedParts): Promise<void> {
    const remembered = this.#counters.remembered;
    if (!remembered || this.#exact || this.#fixedTokens(fixed) < this.#limits.window * RECALL_SHARE) return;
    const texts = this.#fixedTexts(fixed).filter((text) => !this.#fixedCounts.has(text));
    const counts = await Promise.all(texts.map((text) => remembered.get(text)));
    texts.forEach((text, i) => counts[i] !== undefined && this.#fixedCounts.set(text, counts[i]));
  }

  #sum(messages: readonly ChatMessage[]): number {
    return messages.reduce((n, m) => n + this.#count(m), 0);
  }

  /**
   * A stored message's tokens: by the bound, or exactly — as stored, or counted now and stored for the next turn
   * (rows kept before the tokenizer was needed have none).
   */
  #stored(m: StoredMessage): number {
    if (!this.#exact) return this.#count(m);
    if (m.tokens !== undefined) return m.tokens;
    const tokens = this.#count(m);
    if (m.id !== undefined) setMessageTokens(this.#db, m.id, tokens);
    return tokens;
  }

  #measured(messages: ChatMessage[], fixed: FixedParts): ChatMessage[] {
    const total = this.#sum(messages) + this.#fixedTokens(fixed);
    this.stats.largestRequest = Math.max(this.stats.largestRequest, total);
    return messages;
  }

  /**
   * Chat: the newest turns while they fit under the trigger; if older ones would not fit, everything older than
   * the turns that fit in `KEEP` of the window is summarised (with the summary before it), and sent as one.
   * Counting by the bound, a history that seems not to fit is `undefined`: the caller counts again exactly.
   */
  async #history(
    input: string,
    inputTokens: number,
    fixed: FixedParts,
    summary: Summary | undefined,
    summarise: Summarise,
    save: boolean,
  ): Promise<ChatMessage[] | undefined> {
    // Nothing labelled above what the provider may receive is sent, not even to be summarised: checked first.
    if (summary) this.#mayGo(this.#labelNow(summary), "the session's summary");
    const summaryTokens = summary ? (this.#exact ? summary.tokens : this.#counter.count(summary.text)) : 0;
    const limit = this.#limit(fixed) - inputTokens - summaryTokens;
    const keepLimit = Math.min(limit, Math.floor(this.#limits.window * KEEP) - inputTokens);
    const newest: StoredMessage[] = [];
    let used = 0;
    /** How many of `newest` (a whole number of turns) fit in `keepLimit`. */
    let keep = 0;
    let overflow = false;
    for (const m of newestMessages(this.#db, this.#sessionId, this.#mode, summary?.throughId ?? 0)) {
      this.#mayGo(this.#labelNow(m), "a message of this session's history");
      used += this.#stored(m);
      if (used > limit) {
        overflow = true;
        break;
      }
      newest.push(m);
      // A turn starts at the user's message: the history is cut only there, never between a call and its result.
      if (m.role === "user" && used <= keepLimit) keep = newest.length;
    }
    if (!overflow) return this.#messages(newest.reverse(), summary, input);
    if (!this.#exact) return undefined;
    const kept = newest.slice(0, keep).reverse();
    const through = kept.length ? kept[0].id! - 1 : newest[0]?.id ?? summary?.throughId ?? 0;
    const older = labelsBetween(this.#db, this.#sessionId, this.#mode, summary?.throughId ?? 0, through);
    const olderLabel = this.#labelNow({ label: older.labels.reduce(higherLabel, "public"), sources: older.sources });
    this.#mayGo(olderLabel, "an older message of this session's history");
    const made = await this.#summarise(summary, through, summarise, save, older);
    return this.#messages(kept, made, input);
  }

  /** The history as messages, the summary before the first one, the input last; each label checked. */
  #messages(history: readonly StoredMessage[], summary: Summary | undefined, input: string): ChatMessage[] {
    const messages: ChatMessage[] = history.map((m) => {
      const label = this.#labelNow(m);
      this.#mayGo(label, "a message of this session's history");
      this.#carries(label, m.taint, "the session's history", m.sources);
      const sent = historyMessage(m);
      if (this.#exact && m.tokens !== undefined && !m.interrupted) this.#counted.set(sent, m.tokens);
      return sent;
    });
    messages.push({ role: "user", content: input });
    if (summary) messages[0] = this.#withSummary(summary, messages[0]);
    return messages;
  }

  #withSummary(summary: Summary, first: ChatMessage): ChatMessage {
    const label = this.#labelNow(summary);
    this.#mayGo(label, "the session's summary");
    this.#carries(label, summary.taint, "the session's summary", summary.sources);
    this.stats.summarySent = true;
    const piece = summaryPiece(summary);
    return { ...first, content: summaryBlock(summary.text) + first.content, carries: [piece, ...first.carries ?? []] };
  }

  /**
   * What re-sent history brings into the run for the flow rule: private data, untrusted content. The run is
   * tainted as if its own tools had read them (`taints()`).
   */
  #carries(label: Label | undefined, taint: string | undefined, where: string, sources?: readonly string[]): void {
    if (label === "private" || label === "secret") this.#taints.add(`data labelled ${label} (in ${where})`);
    if (taint) this.#taints.add(`${taint} (in ${where})`);
    if (label) this.#seen.label = this.#seen.label ? higherLabel(this.#seen.label, label) : label;
    for (const source of sources ?? []) this.#seen.sources.add(source);
  }

  taints(): string[] {
    return [...this.#taints];
  }

  seen(): { label?: Label; sources: string[] } {
    return { ...(this.#seen.label ? { label: this.#seen.label } : {}), sources: [...this.#seen.sources] };
  }

  /** Refuses to send data labelled above what the provider may receive. */
  /** A stored label, raised to what its sources are labelled now. */
  #labelNow(m: { label?: Label; sources?: readonly string[] }): Label | undefined {
    const now = m.sources?.length ? this.#limits.labelOf?.(m.sources) : undefined;
    return m.label && now ? higherLabel(m.label, now) : m.label ?? now;
  }

  #mayGo(label: Label | undefined, what: string): void {
    if (!label || this.#limits.mayReceive(label)) return;
    throw new PaiError(
      `Not sent: ${what} holds data labelled ${label}, which ${this.#limits.provider} may not receive`,
      {
        exitCode: EXIT.POLICY,
        hint: '"pai reset" clears the history and its summary; or use a local model: "pai init ollama --model MODEL"',
      },
    );
  }

  /**
   * Summarises the messages after the current summary through `throughId`, in chunks that fit the window, each
   * extending the summary before it; saves and returns the result.
   */
  async #summarise(
    summary: Summary | undefined,
    throughId: number,
    summarise: Summarise,
    save: boolean,
    older: { taints: readonly string[]; sources: readonly string[] },
  ): Promise<Summary> {
    const chunkLimit = Math.floor(this.#room({ system: SUMMARY_INSTRUCTION }) * KEEP);
    let text = summary?.text;
    let hash = summary?.auditHash;
    // Each chunk extends the summary before it, sent with it: the first, the session's, carries what it carries.
    let carries: Carried[] | undefined = summary ? [summaryPiece(summary)] : undefined;
    // Only labelled data raises it: unlabelled text is sent as it is, so its summary may go wherever it went.
    let label: Label = (summary && this.#labelNow(summary)) ?? "public";
    let chunk: ChatMessage[] = [];
    let chunkTokens = 0;
    const flush = async () => {
      if (!chunk.length) return;
      const before = text === undefined ? undefined : { text, ...(carries ? { carries } : {}) };
      const made = await summarise(chunk, before, label);
      ({ text, hash } = made);
      carries = [{ via: "summary", ...(hash ? { hash } : {}) }];
      this.stats.summaries++;
      chunk = [];
      chunkTokens = 0;
    };
    for (const m of messagesBetween(this.#db, this.#sessionId, this.#mode, summary?.throughId ?? 0, throughId)) {
      const tokens = this.#stored(m);
      if (chunkTokens + tokens > chunkLimit) await flush();
      const now = this.#labelNow(m);
      if (now) label = higherLabel(label, now);
      // A single message larger than a chunk is cut: the summary needs its gist, not all of it.
      const sent = historyMessage(m);
      chunk.push(tokens > chunkLimit ? { ...sent, content: cut(sent.content, chunkLimit, tokens) } : sent);
      chunkTokens += Math.min(tokens, chunkLimit);
    }
    await flush();
    const markers = injectionMarkers(text ?? "");
    // A summary taints a run when what it summarises did, or when it carries text shaped like instructions.
    const taint = summary?.taint ?? older.taints[0] ??
      (markers.length ? "text shaped like instructions" : undefined);
    // Where its data came from, so that its label is judged again when it is sent (capped: a summary of a long
    // life names its most recent sources; its stored label keeps the highest of all).
    const sources = [...new Set([...(summary?.sources ?? []), ...older.sources])].slice(-MAX_SOURCES);
    const made = {
      throughId,
      text: text ?? "",
      label,
      ...(taint ? { taint } : {}),
      ...(sources.length ? { sources } : {}),
      ...(hash ? { auditHash: hash } : {}),
      tokens: this.#counter.count(text ?? "") + MESSAGE_OVERHEAD,
    };
    if (!save) return { ...made, made: 0, updatedAt: "" };
    saveSummary(this.#db, this.#sessionId, made);
    return getSummary(this.#db, this.#sessionId)!;
  }

  /** Agent: old tool results become a short note with their size, oldest first, keeping the latest round's. */
  #compactResults(messages: ChatMessage[], limit: number): ChatMessage[] {
    const out = [...messages];
    const lastAssistant = out.findLastIndex((m) => m.role === "assistant");
    let total = this.#sum(out);
    for (let i = 0; i < lastAssistant && total > limit; i++) {
      const m = out[i];
      if (m.role !== "tool" || m.content.startsWith(COMPACTED)) continue;
      const before = this.#count(m);
      // A compacted result carries none of its data: the request it goes in does not either.
      const { carries: _, ...rest } = m;
      out[i] = {
        ...rest,
        content: `${COMPACTED} ${m.content.length} characters, about ${before} tokens; call the tool ` +
          "again if you need it]",
      };
      total -= before - this.#count(out[i]);
      this.stats.compacted++;
    }
    return out;
  }

  /** Agent: when compacting was not enough, the rounds before the latest are summarised into the goal's message. */
  async #summariseRun(messages: ChatMessage[], summarise: Summarise): Promise<ChatMessage[]> {
    const lastAssistant = messages.findLastIndex((m) => m.role === "assistant");
    if (lastAssistant <= 1) return messages; // no older round to summarise
    const [goal, ...rest] = messages;
    const older = rest.slice(0, lastAssistant - 1);
    const { text, hash } = await summarise(older, undefined);
    this.stats.summaries++;
    if (injectionMarkers(text).length) this.#taints.add("text shaped like instructions (in a summary of this run)");
    const sources = [...new Set(older.flatMap((m) => m.carries ?? []).flatMap((c) => c.sources ?? []))];
    const piece: Carried = { via: "summary", ...(hash ? { hash } : {}), ...(sources.length ? { sources } : {}) };
    const summarised = `${goal.content}\n\n${summaryBlock(text).trim()}`;
    return [
      { ...goal, content: summarised, carries: [...goal.carries ?? [], piece] },
      ...rest.slice(lastAssistant - 1),
    ];
  }

  /** The latest round's results, each cut to its share of the tokens left once the rest is counted. */
  #cutLatestResults(messages: ChatMessage[], limit: number): ChatMessage[] {
    const lastAssistant = messages.findLastIndex((m) => m.role === "assistant");
    const results = messages.slice(lastAssistant + 1).filter((m) => m.role === "tool");
    const resultTokens = results.reduce((n, m) => n + this.#count(m), 0);
    const left = limit - (this.#sum(messages) - resultTokens) - results.length * CUT_NOTE_TOKENS;
    if (left <= 0 || !resultTokens) return messages;
    return messages.map((m, i) => {
      if (i <= lastAssistant || m.role !== "tool") return m;
      const tokens = this.#count(m);
      this.stats.compacted++;
      return { ...m, content: cut(m.content, Math.floor(tokens * left / resultTokens), tokens) };
    });
  }

  #tooLarge(tokens: number, room: number, what = "the input"): PaiError {
    const { window, model } = this.#limits;
    return new PaiError(
      `Not sent: ${what} is about ${tokens} tokens, and ${model}'s window of ${window} tokens leaves ${
        Math.max(room, 0)
      } for it (after the system prompt, the tools and the room kept for the answer)`,
      {
        exitCode: EXIT.USAGE,
        hint:
          "Send a smaller part (for a file: the lines that matter), use a model with a larger window, or, if your " +
          'server runs this model with a larger one, set it in config.json: "models": {"MODEL": {"contextWindow": N}}',
      },
    );
  }
}

/** A dry run's stand-in for the summary the model would write: nothing is sent. */
const preview: Summarise = (messages) =>
  Promise.resolve({ text: `(dry run: ${messages.length} older messages would be summarised by the model here)` });

/** What the session's summary carries into a request: the answer that wrote it, and what it summarised came from. */
function summaryPiece(summary: Summary): Carried {
  return {
    via: "summary",
    ...(summary.auditHash ? { hash: summary.auditHash } : {}),
    ...(summary.sources ? { sources: summary.sources } : {}),
    earlier: true,
  };
}

/** The most sources a summary keeps. */
const MAX_SOURCES = 500;

/** Room kept for the note that says a result was cut. */
const CUT_NOTE_TOKENS = 24;

/** The start of a compacted tool result. */
const COMPACTED = "[tool result compacted:";

/**
 * The tokens of a text, counted in pieces until they pass `limit`; the rest is estimated from the part counted (a
 * 4 MB paste is refused in milliseconds, not after tokenizing all of it).
 */
function countUpTo(counter: TokenCounter, text: string, limit: number): number {
  const PIECE = 64 * 1024;
  let tokens = 0;
  for (let at = 0; at < text.length; at += PIECE) {
    tokens += counter.count(text.slice(at, at + PIECE));
    if (tokens > limit && at + PIECE < text.length) return Math.round(tokens * text.length / (at + PIECE));
  }
  return tokens;
}

/** The start of a text, cut to about `limit` of its `tokens`, saying so. */
function cut(text: string, limit: number, tokens: number): string {
  return `${text.slice(0, Math.floor(text.length * limit / tokens))}\n[… cut: about ${tokens - limit} more tokens]`;
}

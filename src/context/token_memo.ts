/**
 * Exact token counts of the texts that go with every request — the system prompt and the tools offered — kept
 * from one run to the next. The context manager counts with a free bound first (UTF-8 bytes), and JSON tool
 * definitions take about three bytes a token: by the bound, PAI's 5–8 KB of them fill most of a small window (an
 * unknown model's 8k, Ollama's 4k), so every short prompt would load the tokenizer (~200 ms) only to learn that they
 * fit. A count is remembered once the tokenizer has made it, and only as a number under a SHA-256 of the text, the
 * provider and the model (no text is stored); it is found again only for the very same text.
 *
 * The file is in PAI's state folder, which no tool is ever granted: a count made smaller there would make PAI send
 * more than the window holds (Ollama drops the start of such a prompt).
 *
 * @example
 * ```ts
 * const memo = openTokenMemo(`${paiPaths().dataDir}/token_counts.json`, "openai/gpt-4o");
 * await memo.get(tools); // undefined: never counted
 * memo.set(tools, 2816); // after the tokenizer counted it (a text looked up with `get` first)
 * ```
 */
import { writeFileAtomic } from "../store/atomic_file.ts";

/** What the context manager needs of remembered counts. */
export interface RememberedCounts {
  /** The exact count of this text, when an earlier run made it. */
  get(text: string): Promise<number | undefined>;
  /** Remembers the exact count of a text looked up with `get` in this run (others are not remembered). */
  set(text: string, tokens: number): void;
}

/**
 * What the counts depend on besides the text, provider and model: the tokenizer's version (as in `deno.json`, a
 * test holds them equal) and how PAI counts. Changing it forgets every count.
 */
export const COUNTED_WITH = "gpt-tokenizer@4.0.0 count v1";

/** The most counts kept: a few per model and mode; the oldest go first. */
const MAX_ENTRIES = 64;

/** The counts in the file at `path`, for texts counted for `scope` (the provider and the model). */
export function openTokenMemo(path: string, scope: string): RememberedCounts {
  return new FileTokenMemo(path, scope);
}

class FileTokenMemo implements RememberedCounts {
  readonly #path: string;
  readonly #scope: string;
  #reading?: Promise<Map<string, number>>;
  /** The file's counts, once read. */
  #counts?: Map<string, number>;
  /** The key of each text looked up in this run. */
  readonly #keys = new Map<string, string>();

  constructor(path: string, scope: string) {
    this.#path = path;
    this.#scope = scope;
  }

  async get(text: string): Promise<number | undefined> {
    const [counts, key] = await Promise.all([this.#reading ??= this.#read(), this.#keyOf(text)]);
    this.#counts = counts;
    return counts.get(key);
  }

  set(text: string, tokens: number): void {
    // `get` read the file and made the key, so this is synchronous: PAI may exit right after.
    const key = this.#keys.get(text);
    const counts = this.#counts;
    if (key === undefined || !counts || counts.get(key) === tokens || !Number.isSafeInteger(tokens) || tokens < 0) {
      return;
    }
    counts.delete(key);
    counts.set(key, tokens);
    for (const oldest of counts.keys()) {
      if (counts.size <= MAX_ENTRIES) break;
      counts.delete(oldest);
    }
    try {
      writeFileAtomic(this.#path, JSON.stringify(Object.fromEntries(counts)), { createNew: false });
    } catch { /* not remembered: the next run counts again */ }
  }

  async #keyOf(text: string): Promise<string> {
    const known = this.#keys.get(text);
    if (known !== undefined) return known;
    const bytes = new TextEncoder().encode(`${COUNTED_WITH}\0${this.#scope}\0${text}`);
    const digest = await crypto.subtle.digest("SHA-256", bytes);
    const key = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
    this.#keys.set(text, key);
    return key;
  }

  /** The file's counts; a missing or broken file is no counts (it is only ever a cache). */
  async #read(): Promise<Map<string, number>> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await Deno.readTextFile(this.#path));
    } catch {
      return new Map();
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return new Map();
    return new Map(
      Object.entries(parsed).filter((entry): entry is [string, number] =>
        /^[0-9a-f]{64}$/.test(entry[0]) && Number.isSafeInteger(entry[1]) && entry[1] >= 0
      ),
    );
  }
}

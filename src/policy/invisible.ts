/**
 * Invisible text, removed from everything sent to a model. Unicode tag
 * characters (U+E0000–U+E007F) render as nothing, yet models read them: each
 * of U+E0020–U+E007E stands for one ASCII character, so a line of them is an
 * instruction the user never sees. Zero-width and other invisible format
 * characters hide text the same way (bit patterns between visible letters) and
 * split a secret so that the scanners miss it.
 *
 * A run of variation selectors (U+FE00–U+FE0F, U+E0100–U+E01EF) carries a byte per selector, which models
 * decode: it is removed too, but for a single selector after a character (❤️, an ideograph's variant).
 *
 * Two more legitimate uses are kept:
 * - the tag sequence of an emoji subdivision flag (🏴 followed by 2–6 tag
 *   letters or digits and CANCEL TAG, as in England's flag): too short to
 *   carry an instruction;
 * - a single zero-width joiner (U+200D) inside an emoji sequence (👩‍💻,
 *   🏳️‍🌈), and a single joiner or non-joiner (U+200C) between two non-ASCII
 *   letters or marks, or after a combining mark such as a virama, where
 *   Persian and Indic scripts need it for spelling (ന്‍, می‌خواهم).
 *   No ASCII key or instruction can hide in either.
 *
 * @example
 * ```ts
 * const { text, runs } = stripInvisible("hi\u{E0041}\u{E0042}");
 * // text === "hi", runs[0].hidden === "AB"
 * ```
 */

/** One stretch of removed characters. */
export interface InvisibleRun {
  /** Offsets in the original text. */
  start: number;
  end: number;
  kind: "tag" | "format";
  /** Code points removed. */
  count: number;
  /** For tag characters: the ASCII text they spell (U+E0020–U+E007E); "" otherwise. */
  hidden: string;
}

/** The text without its invisible characters, and what was removed. */
export interface Stripped {
  text: string;
  runs: InvisibleRun[];
}

/** Format characters that render as nothing: zero-width space to RLM, word joiner to invisible plus, BOM. */
const FORMAT = "\u200B-\u200F\u2060-\u2064\uFEFF";
/**
 * Variation selectors: one after a character picks how it is drawn (emoji or text style, an ideograph's variant),
 * but a run of them carries a byte each, and models decode them: only a single one is kept.
 */
const VARIATION = "\uFE00-\uFE0F\\u{E0100}-\\u{E01EF}";
/** One invisible character of any kind this module removes, as a regular expression's source (with the `u` flag). */
export const INVISIBLE_CHARACTER = `[${FORMAT}${VARIATION}]|[\\u{E0000}-\\u{E007F}]`;
const ANY_INVISIBLE = new RegExp(INVISIBLE_CHARACTER, "u");
const RUNS = new RegExp(`[\\u{E0000}-\\u{E007F}]+|[${VARIATION}]+|[${FORMAT}]+`, "gu");
const VARIATION_SELECTOR = new RegExp(`^[${VARIATION}]`, "u");
const SUBDIVISION_FLAG_TAGS = /^[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]{2,6}\u{E007F}$/u;
const BLACK_FLAG = 0x1f3f4;
const EMOJI_BEFORE_JOINER = /^[\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F]$/u;
const EMOJI = /^\p{Extended_Pictographic}$/u;
const NON_ASCII_LETTER = /^[\p{L}\p{M}]$/u;
const MARK = /^\p{M}$/u;

/** The code point that ends just before `index`, as a string ("" at the start). */
function charBefore(text: string, index: number): string {
  if (index <= 0) return "";
  const low = text.charCodeAt(index - 1);
  const paired = index >= 2 && low >= 0xdc00 && low <= 0xdfff;
  return text.slice(paired ? index - 2 : index - 1, index);
}

/** The code point that starts at `index`, as a string ("" at the end). */
function charAt(text: string, index: number): string {
  const c = text.codePointAt(index);
  return c === undefined ? "" : String.fromCodePoint(c);
}

function isNonAsciiLetter(c: string): boolean {
  return c.charCodeAt(0) > 0x7f && NON_ASCII_LETTER.test(c);
}

/** Whether a run of format characters is one joiner doing its legitimate job (see the module comment). */
function isLegitimateJoiner(text: string, start: number, run: string): boolean {
  if (run !== "\u200D" && run !== "\u200C") return false;
  const before = charBefore(text, start);
  const after = charAt(text, start + run.length);
  if (run === "\u200D" && EMOJI_BEFORE_JOINER.test(before) && EMOJI.test(after)) return true;
  if (isNonAsciiLetter(before) && MARK.test(before)) return true;
  return isNonAsciiLetter(before) && isNonAsciiLetter(after);
}

/** Whether a run of tag characters is an emoji subdivision flag's tag sequence. */
function isFlagTags(text: string, start: number, run: string): boolean {
  return charBefore(text, start).codePointAt(0) === BLACK_FLAG && SUBDIVISION_FLAG_TAGS.test(run);
}

/** The ASCII text a run of tag characters spells. */
function decodeTags(run: string): string {
  let out = "";
  for (const c of run) {
    const p = c.codePointAt(0)! - 0xe0000;
    if (p >= 0x20 && p <= 0x7e) out += String.fromCharCode(p);
  }
  return out;
}

/** `text` without tag characters and invisible format characters (but for the legitimate uses above). */
export function stripInvisible(text: string): Stripped {
  if (!ANY_INVISIBLE.test(text)) return { text, runs: [] };
  const runs: InvisibleRun[] = [];
  const kept: string[] = [];
  let at = 0;
  for (const m of text.matchAll(RUNS)) {
    const start = m.index!;
    const run = m[0];
    const tag = run.codePointAt(0)! >= 0xe0000 && run.codePointAt(0)! <= 0xe007f;
    const legitimate = tag
      ? isFlagTags(text, start, run)
      : VARIATION_SELECTOR.test(run)
      ? [...run].length === 1
      : isLegitimateJoiner(text, start, run);
    if (legitimate) continue;
    kept.push(text.slice(at, start));
    at = start + run.length;
    runs.push({
      start,
      end: at,
      kind: tag ? "tag" : "format",
      count: [...run].length,
      hidden: tag ? decodeTags(run) : "",
    });
  }
  kept.push(text.slice(at));
  return { text: runs.length ? kept.join("") : text, runs };
}

/** The text hidden in tag characters in `text`, one line per run ("" when there is none). */
export function hiddenText(text: string): string {
  return stripInvisible(text).runs.filter((r) => r.hidden).map((r) => r.hidden).join("\n");
}

/**
 * The one path for untrusted text to the terminal. Model output, tool results,
 * file names, resource definitions and arguments are all untrusted: a terminal
 * obeys escape sequences wherever they come from. Cursor movement and screen
 * clearing can forge what the user sees (an approval question drawn over the
 * real one), OSC 8 hides a link behind harmless text, OSC 52 writes the
 * clipboard, bidi controls reorder text ("Trojan Source"), and invisible
 * characters hide text or make two names look alike. Each such character is
 * made visible instead of being sent raw, which defeats all of them whatever
 * the chunk boundaries are (a sequence is inert without its leading ESC or C1
 * byte).
 *
 * Two contexts, one classification:
 * - {@linkcode neutralizeControls} for a block of text (a streamed answer, a
 *   file's content), where newline and tab keep their meaning;
 * - {@linkcode inline} and the {@linkcode line} tag for a value inside one
 *   line (a path, an argument, a name, a reason, an error message), where a
 *   newline too is shown, so that a value can never start a line of its own.
 *
 * @example
 * ```ts
 * stderr.write(line`? ${tool} ${args}\n  needs ${permissions}\n`);
 * ```
 */

/**
 * Every control (C0, DEL, C1: `\p{Cc}`), every format character (`\p{Cf}`: bidi controls, zero-width characters,
 * soft hyphen, BOM, tag characters) and the line and paragraph separators. Tag characters carry hidden ASCII (text
 * the user cannot see but a model reads), so they are shown even where they would spell a subdivision flag.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/** Zero-width (non-)joiners: invisible, but scripts such as Persian and emoji sequences (👩‍💻) need them. */
const JOINERS = new Set(["\u200c", "\u200d"]);
/** What a joiner may stand between to be kept: non-ASCII letters, marks, pictographs (and skin tones before it). */
const JOINABLE = /^[\p{L}\p{M}\p{Extended_Pictographic}\p{Emoji_Modifier}]/u;

function joinable(c: string | undefined): boolean {
  return c !== undefined && c.codePointAt(0)! > 0x7f && JOINABLE.test(c);
}

/** Whether the joiner at `at` joins two characters that need it (inside an ASCII file name it only hides). */
function joinsText(text: string, at: number): boolean {
  // Code points, not code units: an emoji is a surrogate pair. Each is tested alone, anchored at its start: in
  // Deno 2.9 V8 fails to match an astral character class followed by `$` (`/[\p{Extended_Pictographic}]$/u`).
  const before = Array.from(text.slice(Math.max(0, at - 2), at)).at(-1);
  const next = text.codePointAt(at + 1);
  return joinable(before) && joinable(next === undefined ? undefined : String.fromCodePoint(next));
}

/** How `c` is shown: C0 as its control picture (␛ for ESC, ␊ for LF…), DEL as ␡, anything else as `<U+XXXX>`. */
function visible(c: string): string {
  const code = c.codePointAt(0)!;
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return "\u2421";
  return `<U+${code.toString(16).toUpperCase().padStart(4, "0")}>`;
}

/** Replaces each unsafe character by what `keep` says, or else by its visible form; joiners that join stay. */
function replaceUnsafe(text: string, keep: (c: string) => string | undefined): string {
  return text.replace(UNSAFE, (c, at: number, whole: string) => {
    if (JOINERS.has(c) && joinsText(whole, at)) return c;
    return keep(c) ?? visible(c);
  });
}

/**
 * Returns a block of untrusted `text` (a streamed answer, a file's content) safe to write to a terminal: newline and
 * tab are kept, a CR is dropped (CRLF stays a line break; a lone CR can no longer overwrite a line), every other
 * control, format character and separator is shown. Works on any chunking of the text.
 *
 * @example
 * ```ts
 * neutralizeControls("ok\x1b[2J\r\n"); // "ok␛[2J\n"
 * ```
 */
export function neutralizeControls(text: string): string {
  return replaceUnsafe(text, (c) => c === "\n" || c === "\t" ? c : c === "\r" ? "" : undefined);
}

/**
 * Returns an untrusted value as text for the inside of one line: every control (newline, CR and tab included),
 * format character and separator is shown, so the value can neither move the cursor nor start a line.
 * Idempotent: what it shows is left alone by a second pass.
 *
 * @example
 * ```ts
 * inline("notes.md\n  needs nothing"); // "notes.md␊  needs nothing"
 * ```
 */
export function inline(value: unknown): string {
  return replaceUnsafe(String(value), () => undefined);
}

/**
 * A tag for terminal text built from PAI's own words and untrusted values: the literal parts are PAI's and are
 * written as they are (they may hold the newlines PAI chose), every interpolated value goes through
 * {@linkcode inline}. Style (colour) is applied to the result, never passed in as a value.
 *
 * @example
 * ```ts
 * line`pai: ${"No resource named \"x\x1b[2J\""}`; // 'pai: No resource named "x␛[2J"'
 * ```
 */
export function line(literals: TemplateStringsArray, ...values: unknown[]): string {
  let out = literals[0];
  for (let i = 0; i < values.length; i++) out += inline(values[i]) + literals[i + 1];
  return out;
}

/**
 * Returns JSON text (as `JSON.stringify` writes it) with every character {@linkcode inline} would show written as a
 * `\u` escape instead. `JSON.stringify` escapes only C0 controls inside strings: C1 controls (U+009B is CSI to some
 * terminals), bidi, zero-width and tag characters stay raw, and `--json` output is often read in a terminal.
 * Those characters can only stand inside strings, so the text parses to exactly the same value; newline, CR and
 * tab outside strings (the indentation of `JSON.stringify(x, null, 2)`) are kept.
 *
 * @example
 * ```ts
 * jsonForTerminal(JSON.stringify({ text: "a\u202eb" })); // '{"text":"a\\u202eb"}'
 * ```
 */
export function jsonForTerminal(json: string): string {
  return json.replace(UNSAFE, (c) => {
    if (c === "\n" || c === "\r" || c === "\t") return c;
    let escaped = "";
    for (let i = 0; i < c.length; i++) escaped += `\\u${c.charCodeAt(i).toString(16).padStart(4, "0")}`;
    return escaped;
  });
}

/**
 * The line editor of `pai chat` on a terminal, as pure parts: the keys in raw terminal input, the edit each makes
 * to a (possibly multi-line) message, and the frame that draws it. The terminal driver (`cli/terminal_input.ts`)
 * only reads bytes and writes frames, so everything a user can type is tested here without a terminal.
 *
 * A message spans several lines by Alt+Enter or Ctrl+J, a `\` before Enter, a bracketed paste (kept whole, its
 * line breaks included), or a block opened by a line `"""` and closed by another.
 */
import { inline } from "./sanitize.ts";
import { cellWidth } from "./text_width.ts";

/** One key (or one paste) of terminal input. */
export type Key =
  | { kind: "text"; text: string }
  | {
    kind:
      | "enter"
      | "newline"
      | "backspace"
      | "delete"
      | "left"
      | "right"
      | "up"
      | "down"
      | "home"
      | "end"
      | "wordLeft"
      | "wordRight"
      | "killEnd"
      | "killStart"
      | "killWord"
      | "interrupt"
      | "eof"
      | "redraw";
  };

type Named = Exclude<Key, { kind: "text" }>["kind"];

const PASTE_START = "\x1b[200~";
const PASTE_END = "\x1b[201~";

/** Single bytes with a meaning (readline's and Emacs's bindings). */
const CONTROLS: Readonly<Record<string, Named>> = {
  "\r": "enter",
  "\n": "newline",
  "\x7f": "backspace",
  "\x08": "backspace",
  "\x01": "home",
  "\x05": "end",
  "\x02": "left",
  "\x06": "right",
  "\x10": "up",
  "\x0e": "down",
  "\x0b": "killEnd",
  "\x15": "killStart",
  "\x17": "killWord",
  "\x03": "interrupt",
  "\x04": "eof",
  "\x0c": "redraw",
};

/** Escape sequences with a meaning; any other complete one is read and ignored. */
const SEQUENCES: Readonly<Record<string, Named>> = {
  "\x1b\r": "newline",
  "\x1b\n": "newline",
  "\x1b[A": "up",
  "\x1bOA": "up",
  "\x1b[B": "down",
  "\x1bOB": "down",
  "\x1b[C": "right",
  "\x1bOC": "right",
  "\x1b[D": "left",
  "\x1bOD": "left",
  "\x1b[H": "home",
  "\x1bOH": "home",
  "\x1b[1~": "home",
  "\x1b[F": "end",
  "\x1bOF": "end",
  "\x1b[4~": "end",
  "\x1b[3~": "delete",
  "\x1b[1;5D": "wordLeft",
  "\x1b[1;3D": "wordLeft",
  "\x1bb": "wordLeft",
  "\x1b[1;5C": "wordRight",
  "\x1b[1;3C": "wordRight",
  "\x1bf": "wordRight",
  "\x1b\x7f": "killWord",
};

/** After ESC: a CSI sequence (`[` parameters intermediates final), an SS3 one (`O` final), half a CSI one. */
const CSI = /^\[[0-?]*[ -/]*[@-~]/;
const SS3 = /^O[@-~]/;
const CSI_START = /^\[[0-?]*[ -/]*$/;
/** The known sequences, longest first. */
const KNOWN = Object.keys(SEQUENCES).sort((a, b) => b.length - a.length);

/** When {@linkcode readKey} may take what may be the start of something longer as complete. */
export interface ReadKeyOptions {
  /** No more input came for a moment: a lone ESC is a key of its own (dropped), half a sequence is dropped. */
  waited?: boolean;
  /** No more input will come (stdin closed): a paste whose end never came is taken as it is. */
  ended?: boolean;
}

/**
 * Reads the first key of raw terminal input and how many characters it took. What may be the start of a longer
 * sequence (a lone ESC, half a CSI) reads as no key and length 0: read it again with more input. A paste is one
 * key, read only once its end has come, however long that takes: a paste that arrives in pieces (over SSH, a slow
 * link) is still pasted text, its line breaks never Enter. A character that is no key (another control, an Alt+key
 * PAI has no use for) reads as no key.
 */
export function readKey(input: string, options: ReadKeyOptions = {}): { key?: Key; length: number } {
  // Half of the paste's start is waited for as long as the paste itself.
  if (PASTE_START.startsWith(input) && !options.ended) return { length: 0 };
  if (input.startsWith(PASTE_START)) {
    const end = input.indexOf(PASTE_END);
    if (end < 0 && !options.ended) return { length: 0 };
    // A terminal pastes line breaks as CR: they are line breaks of the message, not Enter.
    const text = input.slice(PASTE_START.length, end < 0 ? undefined : end).replace(/\r\n?/g, "\n");
    return { key: { kind: "text", text }, length: end < 0 ? input.length : end + PASTE_END.length };
  }
  if (input[0] === "\x1b") {
    const after = input.slice(1);
    const matched = KNOWN.find((s) => input.startsWith(s)) ??
      [after.match(CSI)?.[0], after.match(SS3)?.[0]].map((m) => m && `\x1b${m}`).find(Boolean);
    if (matched) return { key: SEQUENCES[matched] ? { kind: SEQUENCES[matched] } : undefined, length: matched.length };
    if (!options.waited && !options.ended && incomplete(input)) return { length: 0 };
    return { length: input.length > 1 && input[1] !== "\x1b" ? 2 : 1 };
  }
  const control = CONTROLS[input[0]];
  if (control) return { key: { kind: control }, length: 1 };
  const c = String.fromCodePoint(input.codePointAt(0)!);
  return { key: c === "\t" || c >= " " ? { kind: "text", text: c } : undefined, length: c.length };
}

/** Whether `text` (starting with ESC) may be the first part of a sequence that more input would complete. */
function incomplete(text: string): boolean {
  if (text.length === 1) return true;
  if (text[1] === "[") return CSI_START.test(text.slice(1));
  if (text[1] === "O") return text.length === 2;
  return PASTE_START.startsWith(text);
}

/** What an edit asks of the driver: send the message, or the user's Ctrl+C or Ctrl+D on an empty message. */
export type EditResult = "submit" | "interrupt" | "eof" | "cleared" | "redraw" | undefined;

/** A message being typed: its text, the cursor in it, and the earlier messages that Up brings back. */
export class LineEditor {
  text: string;
  cursor: number;
  #history: readonly string[];
  #at: number;
  #draft = "";

  constructor(history: readonly string[] = [], initial = "") {
    this.#history = history;
    this.#at = history.length;
    this.text = initial;
    this.cursor = initial.length;
  }

  /** Applies one key. */
  apply(key: Key): EditResult {
    switch (key.kind) {
      case "text":
        return void this.#insert(key.text);
      case "enter":
        if (this.text.endsWith("\\") && this.cursor === this.text.length) {
          this.text = this.text.slice(0, -1);
          this.cursor -= 1;
          return void this.#insert("\n");
        }
        if (blockOpen(this.text)) return void this.#insert("\n");
        return "submit";
      case "newline":
        return void this.#insert("\n");
      case "backspace":
        if (this.cursor > 0) this.#cut(this.#previous(this.cursor), this.cursor);
        return;
      case "delete":
        if (this.cursor < this.text.length) this.#cut(this.cursor, this.#next(this.cursor));
        return;
      case "eof":
        if (!this.text) return "eof";
        if (this.cursor < this.text.length) this.#cut(this.cursor, this.#next(this.cursor));
        return;
      case "interrupt":
        if (!this.text) return "interrupt";
        this.text = "";
        this.cursor = 0;
        this.#at = this.#history.length;
        return "cleared";
      case "left":
        this.cursor = this.#previous(this.cursor);
        return;
      case "right":
        this.cursor = this.#next(this.cursor);
        return;
      case "home":
        this.cursor = this.text.lastIndexOf("\n", this.cursor - 1) + 1;
        return;
      case "end": {
        const end = this.text.indexOf("\n", this.cursor);
        this.cursor = end < 0 ? this.text.length : end;
        return;
      }
      case "wordLeft":
        this.cursor = wordStart(this.text, this.cursor);
        return;
      case "wordRight":
        this.cursor = wordEnd(this.text, this.cursor);
        return;
      case "killEnd": {
        const end = this.text.indexOf("\n", this.cursor);
        return void this.#cut(this.cursor, end < 0 || end === this.cursor ? this.text.length : end);
      }
      case "killStart":
        return void this.#cut(this.text.lastIndexOf("\n", this.cursor - 1) + 1, this.cursor);
      case "killWord":
        return void this.#cut(wordStart(this.text, this.cursor), this.cursor);
      case "up":
        return void this.#vertical(-1);
      case "down":
        return void this.#vertical(1);
      case "redraw":
        return "redraw";
      default:
        return key satisfies never;
    }
  }

  #insert(text: string): void {
    this.text = this.text.slice(0, this.cursor) + text + this.text.slice(this.cursor);
    this.cursor += text.length;
  }

  #cut(from: number, to: number): void {
    this.text = this.text.slice(0, from) + this.text.slice(to);
    this.cursor = from;
  }

  /** Up and Down move between the message's lines, and past its first or last line through the history. */
  #vertical(step: -1 | 1): void {
    const lineStart = this.text.lastIndexOf("\n", this.cursor - 1) + 1;
    const column = this.cursor - lineStart;
    if (step < 0 && lineStart > 0) {
      const above = this.text.lastIndexOf("\n", lineStart - 2) + 1;
      this.cursor = Math.min(above + column, lineStart - 1);
      return;
    }
    const lineEnd = this.text.indexOf("\n", this.cursor);
    if (step > 0 && lineEnd >= 0) {
      const belowEnd = this.text.indexOf("\n", lineEnd + 1);
      this.cursor = Math.min(lineEnd + 1 + column, belowEnd < 0 ? this.text.length : belowEnd);
      return;
    }
    const to = this.#at + step;
    if (to < 0 || to > this.#history.length) return;
    if (this.#at === this.#history.length) this.#draft = this.text;
    this.#at = to;
    this.text = to === this.#history.length ? this.#draft : this.#history[to];
    this.cursor = this.text.length;
  }

  #previous(at: number): number {
    if (at <= 0) return 0;
    const low = this.text.charCodeAt(at - 1);
    return low >= 0xdc00 && low <= 0xdfff && at >= 2 ? at - 2 : at - 1;
  }

  #next(at: number): number {
    if (at >= this.text.length) return this.text.length;
    return (this.text.codePointAt(at) ?? 0) > 0xffff ? at + 2 : at + 1;
  }
}

function wordStart(text: string, at: number): number {
  let i = at;
  while (i > 0 && /\s/.test(text[i - 1])) i--;
  while (i > 0 && !/\s/.test(text[i - 1])) i--;
  return i;
}

function wordEnd(text: string, at: number): number {
  let i = at;
  while (i < text.length && /\s/.test(text[i])) i++;
  while (i < text.length && !/\s/.test(text[i])) i++;
  return i;
}

/** The line that opens and closes a block message. */
const FENCE = '"""';

/** Whether `text` is a block (its first line `"""`) that no later `"""` line has closed yet. */
export function blockOpen(text: string): boolean {
  const lines = text.split("\n");
  return lines[0].trim() === FENCE && (lines.length === 1 || lines.at(-1)!.trim() !== FENCE);
}

/** The message a typed text stands for: a closed block without its fences, anything else as it is. */
export function messageOf(text: string): string {
  const lines = text.split("\n");
  if (lines.length >= 2 && lines[0].trim() === FENCE && lines.at(-1)!.trim() === FENCE) {
    return lines.slice(1, -1).join("\n");
  }
  return text;
}

/** What a character of the message looks like on screen: a tab as spaces, a control as its visible form. */
function shown(c: string): string {
  return c === "\t" ? "    " : inline(c);
}

/** A prompt: what is written (possibly styled) and how many cells it takes. */
export interface PromptText {
  text: string;
  width: number;
}

/** The prompts of the first line and of each line after it. */
export interface Prompts {
  first: PromptText;
  rest: PromptText;
}

/** A drawn message: the text to write from the first row's start, the row the cursor is left on, and its rows. */
export interface Frame {
  output: string;
  cursorRow: number;
  rows: number;
}

/** One row on the screen: what is written on it. */
type Row = string;

/**
 * Draws the message for a terminal `columns` wide and `maxRows` high, assuming the cursor stands at the start of the
 * frame's first row with everything below it cleared. Rows are cut by PAI, not wrapped by the terminal (whose wrap
 * state at the last column terminals disagree on), and a message taller than the screen is drawn as the rows around
 * the cursor under a line that counts the rows above: what scrolled off the screen could not be redrawn.
 */
export function drawFrame(
  editor: Pick<LineEditor, "text" | "cursor">,
  prompts: Prompts,
  columns: number,
  maxRows = Infinity,
): Frame {
  const cols = Math.max(2, columns);
  const rows: Row[] = [];
  let cursor = { row: 0, col: 0 };
  let offset = 0; // of the current line in the text
  editor.text.split("\n").forEach((text, i) => {
    const prompt = i === 0 ? prompts.first : prompts.rest;
    let row = prompt.text;
    let width = prompt.width;
    const place = (at: number) => {
      if (offset + at !== editor.cursor) return;
      // At a full row's end, the cursor stands at the start of the next one.
      cursor = width >= cols ? { row: rows.length + 1, col: 0 } : { row: rows.length, col: width };
    };
    let at = 0;
    for (const c of text) {
      place(at);
      const look = shown(c);
      const cells = [...look].reduce((n, part) => n + cellWidth(part), 0);
      if (width + cells > cols) {
        rows.push(row);
        row = "";
        width = 0;
        place(at);
      }
      row += look;
      width += cells;
      at += c.length;
    }
    place(at);
    rows.push(row);
    if (cursor.row === rows.length) rows.push(""); // the cursor's row after a full last row
    offset += text.length + 1;
  });
  let shownRows = rows;
  let cursorRow = cursor.row;
  if (rows.length > maxRows && maxRows >= 2) {
    // The rows around the cursor, under a line counting those above them.
    const window = maxRows - 1;
    const start = Math.min(Math.max(0, cursor.row - window + 1), rows.length - window);
    shownRows = [`  … ${start} row${start === 1 ? "" : "s"} above`, ...rows.slice(start, start + window)];
    cursorRow = cursor.row - start + 1;
  }
  const up = shownRows.length - 1 - cursorRow;
  const output = shownRows.join("\r\n") + (up ? `\x1b[${up}A` : "") + "\r" + (cursor.col ? `\x1b[${cursor.col}C` : "");
  return { output, cursorRow, rows: shownRows.length };
}

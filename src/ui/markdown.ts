/**
 * Markdown for a terminal, rendered as the answer streams. The answer's text is untrusted: it is neutralised first
 * (`sanitize.ts`), and only PAI's own styles (SGR colours and weights) are added, so a model can neither move the
 * cursor nor hide a link: a link is shown as its text and its URL, never as an OSC 8 hyperlink.
 *
 * Forward only: nothing is erased or redrawn (`MarkdownStream`). A line's text is written as soon as no inline
 * construct in it is still open; table rows are held until the table ends, then drawn to fit the terminal's width. Code blocks are highlighted by a small highlighter for common languages (keywords, strings,
 * comments, numbers), with no dependency to load.
 */
import { clip, fitWidths, textWidth } from "./text_width.ts";

/** Where the rendered text goes, and how wide the terminal is. */
export interface MarkdownTarget {
  write(text: string): void;
  columns: number;
}

const SGR = {
  bold: ["\x1b[1m", "\x1b[22m"],
  dim: ["\x1b[2m", "\x1b[22m"],
  italic: ["\x1b[3m", "\x1b[23m"],
  underline: ["\x1b[4m", "\x1b[24m"],
  cyan: ["\x1b[36m", "\x1b[39m"],
  green: ["\x1b[32m", "\x1b[39m"],
  yellow: ["\x1b[33m", "\x1b[39m"],
  magenta: ["\x1b[35m", "\x1b[39m"],
  blue: ["\x1b[34m", "\x1b[39m"],
} as const;

/** A code span's placeholder while the rest of a line is rendered (a NUL, which neutralised text never holds). */
const PLACEHOLDER = new RegExp("\u0000(\\d+)\u0000", "g");

function style(name: keyof typeof SGR, text: string): string {
  return `${SGR[name][0]}${text}${SGR[name][1]}`;
}

/** Inline Markdown: code spans, links, bold, italics and strikethrough; the rest as it is. */
export function renderInline(text: string): string {
  const spans: string[] = [];
  // Code spans first: nothing inside them is Markdown. Kept aside as placeholders PAI alone writes.
  let out = text.replace(/`([^`]+)`/g, (_, code: string) => {
    spans.push(style("yellow", code));
    return `\u0000${spans.length - 1}\u0000`;
  });
  out = out
    .replace(
      /!?\[([^\]]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g,
      (_, label: string, url: string) =>
        label && label !== url ? `${style("underline", label)} ${style("dim", `(${url})`)}` : style("underline", url),
    )
    .replace(/\*\*([^*]+)\*\*|__([^_]+)__/g, (_, a?: string, b?: string) => style("bold", a ?? b ?? ""))
    .replace(/(^|[^\w*])\*([^*\s][^*]*)\*(?!\w)/g, (_, pre: string, em: string) => `${pre}${style("italic", em)}`)
    .replace(/(^|\W)_([^_\s][^_]*)_(?!\w)/g, (_, pre: string, em: string) => `${pre}${style("italic", em)}`)
    .replace(/~~([^~]+)~~/g, (_, gone: string) => style("dim", gone));
  return out.replace(PLACEHOLDER, (_, i: string) => spans[Number(i)]);
}

/** The keywords the highlighter colours, for the languages answers hold most. */
const KEYWORDS = new Set(
  ("as async await break case catch class const continue def default del do elif else enum except export extends " +
    "false finally fn for from func function go if impl import in interface let loop match mod mut new nil None " +
    "null package pass pub raise return self static struct super switch this throw true True False try type " +
    "typeof undefined use var void while with yield echo then fi done esac local").split(" "),
);

/** One line of code, highlighted: comments, strings, numbers and keywords. */
export function highlightCode(line: string, language: string): string {
  const hash = /^(py|python|sh|bash|zsh|shell|rb|ruby|yaml|yml|toml|r|perl|makefile|dockerfile)$/i.test(language);
  const token = hash
    ? /(#.*$)|("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')|(\b\d[\d_.]*\b)|([A-Za-z_][\w]*)/g
    : /(\/\/.*$|--\s.*$)|("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`(?:\\.|[^`\\])*`)|(\b\d[\d_.]*\b)|([A-Za-z_$][\w$]*)/g;
  return line.replace(token, (match, comment?: string, string?: string, number?: string, word?: string) => {
    if (comment) return style("dim", comment);
    if (string) return style("green", string);
    if (number) return style("magenta", number);
    if (word && KEYWORDS.has(word)) return style("blue", word);
    return match;
  });
}

/** A table's rows (cells as written), drawn with aligned columns that fit `columns` cells. */
export function renderTable(rows: readonly string[][], columns: number): string[] {
  const body = rows.filter((r) => !r.every((c) => /^:?-{2,}:?$/.test(c.trim())));
  const cells = body.map((r) => r.map((c) => renderInline(c.trim())));
  const count = Math.max(...cells.map((r) => r.length));
  const widths = Array.from({ length: count }, (_, i) => Math.max(1, ...cells.map((r) => textWidth(r[i] ?? ""))));
  fitWidths(widths, columns - 3 * (count - 1));
  return cells.map((r, row) =>
    widths.map((w, i) => {
      const cell = pad(clip(r[i] ?? "", w), w);
      return row === 0 ? style("bold", cell) : cell;
    }).join(style("dim", " │ ")).trimEnd()
  );
}

function pad(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - textWidth(text)));
}

/** How a line's start is shown, once it is known: what it opens with, what it closes with, where its text starts. */
interface LineStart {
  /** Drawn before the line's text (a bullet, a quote bar, a heading's style). */
  open: string;
  /** Written when the line ends (a heading's style closed). */
  close: string;
  /** Where the line's inline text starts. */
  body: number;
}

/**
 * What kind of line `line` (its start so far) is: `undefined` while more of it is needed to tell (`#`, `-`, `12`,
 * spaces), `"held"` for a line shown only once whole (a table row, a code fence, a rule), or how its text is shown.
 */
function lineStart(line: string): LineStart | "held" | undefined {
  if (/^\s*$/.test(line)) return undefined;
  if (/^\s*(\||```|~~~)/.test(line)) return "held";
  if (/^\s*[`~]{1,2}$/.test(line)) return undefined;
  // Only rule characters so far: a rule (`---`, held whole), or the start of a bullet (`- `) or of emphasis (`**`).
  if (/^\s*[-*_][-*_\s]*$/.test(line)) {
    return /^\s*[-*+] +$/.test(line) && !/^\s*([-*_])\s+\1/.test(line) ? bulletStart(line) : undefined;
  }
  const heading = line.match(/^(#{1,6})( +)/);
  if (heading) {
    const styled = heading[1].length === 1 ? "\x1b[1m\x1b[4m" : "\x1b[1m";
    return { open: styled, close: heading[1].length === 1 ? "\x1b[24m\x1b[22m" : "\x1b[22m", body: heading[0].length };
  }
  if (/^#{1,6}$/.test(line)) return undefined;
  const quote = line.match(/^\s*> ?/);
  if (quote) return { open: `${style("dim", "│")} `, close: "", body: quote[0].length };
  if (/^\s*[-*+] /.test(line)) return bulletStart(line);
  if (/^\s*\d+[.)]?$/.test(line) || /^\s*\d+[.)]$/.test(line)) return undefined;
  const numbered = line.match(/^(\s*)(\d+[.)]) +/);
  if (numbered) return { open: `${numbered[1]}${style("cyan", numbered[2])} `, close: "", body: numbered[0].length };
  return { open: "", close: "", body: 0 };
}

/** A bullet's start: its indent, a bullet, and a check box for a task (`- [x] `). */
function bulletStart(line: string): LineStart | undefined {
  const bullet = line.match(/^(\s*)[-*+] +/)!;
  const rest = line.slice(bullet[0].length);
  if (/^\[([ xX](\])?)?$/.test(rest)) return undefined; // maybe a task's box, still arriving
  const box = rest.match(/^\[([ xX])\] +/);
  const open = `${bullet[1]}${style("cyan", "•")} ${box ? (box[1] === " " ? "☐ " : "☑ ") : ""}`;
  return { open, close: "", body: bullet[0].length + (box ? box[0].length : 0) };
}

/**
 * How much of `text` can be rendered now: up to the first inline construct that is still open (a code span, an
 * emphasis or a link whose end has not arrived). What follows waits for more of the line.
 */
export function settledLength(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "`") {
      const end = text.indexOf("`", i + 1);
      if (end < 0) return i;
      i = end;
    } else if (c === "*" || c === "_" || c === "~") {
      const run = text.slice(i).match(c === "*" ? /^\*+/ : c === "_" ? /^_+/ : /^~+/)![0];
      const end = text.indexOf(run, i + run.length);
      if (end < 0) return i;
      i = end + run.length - 1;
    } else if (c === "[" || (c === "!" && text[i + 1] === "[")) {
      const link = text.slice(i).match(/^!?\[[^\]]*\]\([^)\s]*(\s+"[^"]*")?\)/);
      if (link) i += link[0].length - 1;
      else if (/^!?\[[^\]]*(\](\([^)]*)?)?$/.test(text.slice(i))) return i; // a link still arriving
    }
  }
  return text.length;
}

/** Renders one whole line that was held: a rule. */
function heldLine(line: string, columns: number): string {
  if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) return style("dim", "─".repeat(Math.min(columns, 80)));
  const start = lineStart(line);
  const shape = start === undefined || start === "held" ? { open: "", close: "", body: 0 } : start;
  return shape.open + renderInline(line.slice(shape.body)) + shape.close;
}

/**
 * An answer's Markdown, rendered as it arrives. Nothing is ever redrawn: the cursor only moves forward. A line's
 * start is held until its kind is known; its text is written as soon as no inline construct in it is still open;
 * table rows, code lines and rules are written once whole. So however a model chooses its characters (ones whose
 * width terminals disagree on, very long lines), it cannot make PAI erase or overwrite what is on the screen.
 */
export class MarkdownStream {
  #target: MarkdownTarget;
  /** The line still arriving. */
  #line = "";
  /** How the line starts, once known. */
  #start?: LineStart | "held";
  /** How much of the line has been written. */
  #written = 0;
  /** The open code block's language, when in one. */
  #fence?: string;
  /** Table rows held until the table ends. */
  #table: string[][] = [];

  constructor(target: MarkdownTarget) {
    this.#target = target;
  }

  /** Takes a piece of the answer (already neutralised). */
  push(piece: string): void {
    const parts = piece.split("\n");
    for (const [i, part] of parts.entries()) {
      if (i > 0) this.#endLine(true);
      if (part) {
        this.#line += part;
        this.#advance(false);
      }
    }
  }

  /** Ends the answer: the last line and any held table are written. */
  end(): void {
    if (this.#line) this.#endLine(false);
    this.#flushTable();
  }

  /** Writes what can be written of the line so far (all of it when `whole`). */
  #advance(whole: boolean): void {
    if (this.#start === undefined) {
      this.#start = this.#fence !== undefined ? "held" : lineStart(this.#line);
      if (this.#start === undefined && !whole) return;
      if (this.#start === undefined) this.#start = "held";
      if (this.#start !== "held" || !/^\s*\|/.test(this.#line)) this.#flushTable();
      if (this.#start !== "held") {
        this.#target.write(this.#start.open);
        this.#written = this.#start.body;
      }
    }
    if (this.#start === "held") return;
    const rest = this.#line.slice(this.#written);
    const settled = whole ? rest.length : settledLength(rest);
    if (!settled) return;
    this.#target.write(renderInline(rest.slice(0, settled)));
    this.#written += settled;
  }

  /** The line is whole: what is left of it is written, or the held line rendered. */
  #endLine(newline: boolean): void {
    const line = this.#line;
    this.#advance(true);
    const start = this.#start;
    this.#line = "";
    this.#start = undefined;
    this.#written = 0;
    if (start !== "held") {
      this.#target.write((start?.close ?? "") + (newline ? "\n" : ""));
      return;
    }
    const fence = line.match(/^\s*(```|~~~)\s*([\w+#-]*)\s*$/);
    if (this.#fence === undefined && /^\s*\|.*\|\s*$/.test(line)) {
      return void this.#table.push(line.trim().replace(/^\||\|$/g, "").split("|"));
    }
    this.#flushTable();
    let out: string;
    if (fence) {
      out = style("dim", this.#fence === undefined ? `┌ ${fence[2] || "code"}` : "└");
      this.#fence = this.#fence === undefined ? fence[2] ?? "" : undefined;
    } else if (this.#fence !== undefined) {
      out = `${style("dim", "│")} ${highlightCode(line, this.#fence)}`;
    } else {
      out = heldLine(line, this.#target.columns);
    }
    this.#target.write(out + (newline ? "\n" : ""));
  }

  #flushTable(): void {
    if (!this.#table.length) return;
    const lines = renderTable(this.#table, this.#target.columns);
    this.#table = [];
    this.#target.write(lines.map((l) => `${l}\n`).join(""));
  }
}

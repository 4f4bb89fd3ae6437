/**
 * Markdown for a terminal, rendered as the answer streams. The answer's text is untrusted: it is neutralised first
 * (`sanitize.ts`), and only PAI's own styles (SGR colours and weights) are added, so a model can neither move the
 * cursor nor hide a link: a link is shown as its text and its URL, never as an OSC 8 hyperlink.
 *
 * Line by line: the part of a line still arriving is shown as it is, and redrawn rendered once the line is whole
 * (it is erased by counting the rows it took). Table rows are held until the table ends, then drawn to fit the
 * terminal's width. Code blocks are highlighted by a small highlighter for common languages (keywords, strings,
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

/** Renders one whole line outside code blocks and tables. */
function renderLine(line: string, columns: number): string {
  const heading = line.match(/^(#{1,6})\s+(.*)$/);
  if (heading) {
    const text = renderInline(heading[2]);
    return heading[1].length === 1 ? style("bold", style("underline", text)) : style("bold", text);
  }
  if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) return style("dim", "─".repeat(Math.min(columns, 80)));
  const quote = line.match(/^\s*>\s?(.*)$/);
  if (quote) return `${style("dim", "│")} ${style("italic", renderInline(quote[1]))}`;
  const bullet = line.match(/^(\s*)[-*+]\s+(\[[ xX]\]\s+)?(.*)$/);
  if (bullet) {
    const box = bullet[2] ? (/x/i.test(bullet[2]) ? "☑ " : "☐ ") : "";
    return `${bullet[1]}${style("cyan", "•")} ${box}${renderInline(bullet[3])}`;
  }
  const numbered = line.match(/^(\s*)(\d+[.)])\s+(.*)$/);
  if (numbered) return `${numbered[1]}${style("cyan", numbered[2])} ${renderInline(numbered[3])}`;
  return renderInline(line);
}

/** An answer's Markdown, rendered line by line as it arrives. */
export class MarkdownStream {
  #target: MarkdownTarget;
  /** The line still arriving, as shown so far (raw). */
  #partial = "";
  /** The open code block's language, when in one. */
  #fence?: string;
  /** Table rows held until the table ends. */
  #table: string[][] = [];
  /** Whether the line still arriving is held (it may be a table row), not shown. */
  #held = false;

  constructor(target: MarkdownTarget) {
    this.#target = target;
  }

  /** Takes a piece of the answer (already neutralised). */
  push(piece: string): void {
    const parts = piece.split("\n");
    for (const [i, part] of parts.entries()) {
      if (i === 0) this.#grow(part);
      else {
        this.#finishLine();
        this.#grow(part);
      }
    }
  }

  /** Ends the answer: the last line and any held table are drawn. */
  end(): void {
    if (this.#partial) this.#finishLine(false);
    this.#flushTable();
  }

  /** Whether the output ends at the start of a line. */
  get atLineStart(): boolean {
    return this.#partial === "";
  }

  #grow(part: string): void {
    if (!part) return;
    const starting = this.#partial === "";
    this.#partial += part;
    // A table row is held whole; anything else is shown as it comes, to be redrawn when the line is whole.
    if (starting) this.#held = this.#fence === undefined && /^\s*\|/.test(this.#partial);
    if (this.#held) return;
    if (this.#table.length) this.#flushTable();
    this.#target.write(part);
  }

  /** The line is whole: erase it as shown and draw it rendered. */
  #finishLine(newline = true): void {
    const line = this.#partial;
    this.#partial = "";
    const fence = line.match(/^\s*(```|~~~)\s*([\w+#-]*)\s*$/);
    const row = this.#fence === undefined && /^\s*\|.*\|\s*$/.test(line);
    if (row) return void this.#table.push(line.trim().replace(/^\||\|$/g, "").split("|"));
    if (!this.#held) this.#erase(line);
    this.#held = false;
    this.#flushTable();
    let out: string;
    if (fence) {
      out = style("dim", this.#fence === undefined ? `┌ ${fence[2] || "code"}` : "└");
      this.#fence = this.#fence === undefined ? fence[2] ?? "" : undefined;
    } else if (this.#fence !== undefined) {
      out = `${style("dim", "│")} ${highlightCode(line, this.#fence)}`;
    } else {
      out = renderLine(line, this.#target.columns);
    }
    this.#target.write(out + (newline ? "\n" : ""));
  }

  /** Erases what was shown of a line as it arrived: the rows it took, from the first. */
  #erase(shown: string): void {
    if (!shown) return;
    const rows = Math.max(1, Math.ceil(textWidth(shown) / Math.max(1, this.#target.columns)));
    this.#target.write(`${rows > 1 ? `\x1b[${rows - 1}A` : ""}\r\x1b[J`);
  }

  #flushTable(): void {
    if (!this.#table.length) return;
    const lines = renderTable(this.#table, this.#target.columns);
    this.#table = [];
    this.#target.write(lines.map((l) => `${l}\n`).join(""));
  }
}

/** How many cells text takes on a terminal, and fitting text into a number of cells. */

/** How many terminal cells `c` (one code point) takes: 0 for marks and joiners, 2 for wide East Asian and emoji. */
export function cellWidth(c: string): number {
  const code = c.codePointAt(0)!;
  if (/^[\p{Mn}\p{Me}]$/u.test(c) || code === 0x200d || (code >= 0xfe00 && code <= 0xfe0f)) return 0;
  // Emoji shown as pictures by default (🚀, ✅, 🫠…) take two cells, as wide East Asian characters do.
  if (/^\p{Emoji_Presentation}$/u.test(c)) return 2;
  const wide = (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf && code !== 0x303f) ||
    (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) || (code >= 0xffe0 && code <= 0xffe6) || (code >= 0x20000 && code <= 0x3fffd);
  return wide ? 2 : 1;
}

/** PAI's own styles in a rendered text (written as a string: the linter takes a control in a literal for a slip). */
const STYLES = new RegExp("\x1b\\[[0-9;]*m", "g");
/** How many cells `text` takes (PAI's own styles take none). */
export function textWidth(text: string): number {
  let width = 0;
  for (const c of text.replace(STYLES, "")) width += cellWidth(c);
  return width;
}

/** Shrinks the widest columns until they all fit in `room` cells (each keeps at least 3). */
export function fitWidths(widths: number[], room: number): void {
  while (widths.reduce((a, b) => a + b, 0) > Math.max(room, widths.length * 3)) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest] <= 3) return;
    widths[widest] -= 1;
  }
}

/** `text` cut to `width` cells, with an ellipsis where it was cut; styles are dropped from a cut cell. */
export function clip(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  let out = "";
  let used = 0;
  for (const c of text.replace(STYLES, "")) {
    const w = cellWidth(c);
    if (used + w > width - 1) break;
    out += c;
    used += w;
  }
  return `${out}…`;
}

/**
 * The change a write or edit would make, as a unified diff for its approval question. `diff` (npm) is imported only
 * when there is a change to show. Every line is neutralised: the new text is the model's, the old the file's.
 */
import { lazyImport } from "../core/lazy_import.ts";
import type { ProposedChange } from "../tools/tool_manager.ts";
import { inline } from "../ui/sanitize.ts";
import { clip } from "../ui/text_width.ts";

/** The most lines of a diff shown; the rest is counted. */
export const MAX_DIFF_LINES = 60;

/** Options for {@linkcode changeDiff}. */
export interface DiffOptions {
  color: boolean;
  maxLines?: number;
  /** The terminal's width: each line is cut to it, so that no line wraps into rows of the model's choosing. */
  width?: number;
}

/**
 * The diff of `change`, indented to sit in the question, with a line saying how much was left out.
 *
 * @example
 * ```ts
 * await changeDiff({ path: "a.txt", before: "x\n", after: "y\n" }, { color: false });
 * // "  --- a.txt\n  +++ a.txt\n  @@ -1,1 +1,1 @@\n  -x\n  +y"
 * ```
 */
export async function changeDiff(change: ProposedChange, options: DiffOptions): Promise<string> {
  const { structuredPatch } = await lazyImport<typeof import("diff")>("diff");
  const patch = structuredPatch(change.path, change.path, change.before ?? "", change.after, "", "", { context: 3 });
  // Cut before it is painted: two columns of indent, and the cut's ellipsis within the width.
  const fit = (text: string) => options.width ? clip(text, options.width - 2) : text;
  const paint = (code: string, text: string) => options.color ? `\x1b[${code}m${fit(text)}\x1b[39m` : fit(text);
  const lines = [
    fit(`--- ${change.before === undefined ? "/dev/null (a new file)" : inline(change.path)}`),
    fit(`+++ ${inline(change.path)}`),
  ];
  for (const hunk of patch.hunks) {
    lines.push(paint("36", `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`));
    for (const text of hunk.lines) {
      if (text.startsWith("\\")) continue; // "\ No newline at end of file"
      const sign = text[0];
      const shown = `${sign}${inline(text.slice(1))}`;
      lines.push(sign === "+" ? paint("32", shown) : sign === "-" ? paint("31", shown) : fit(shown));
    }
  }
  if (!patch.hunks.length) lines.push("(no change: the file would stay as it is)");
  const max = Math.min(options.maxLines ?? MAX_DIFF_LINES, MAX_DIFF_LINES);
  const kept = lines.length > max ? [...lines.slice(0, max - 1), `… ${lines.length - max + 1} more lines`] : lines;
  return kept.map((l) => `  ${l}`).join("\n");
}

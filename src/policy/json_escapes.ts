/**
 * Text as it reads once JSON string escapes are undone, with where each character came from. Tool results and
 * recorded payloads are JSON: a key at the start of a line is `\nAKIA…` there, a password in quotes is
 * `password=\"…\"`, and patterns anchored on word boundaries or quotes no longer see them. The scanners read the
 * decoded text too, and map what they find back to the escaped text that is sent.
 */

const SIMPLE: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", '"': '"', "\\": "\\", "/": "/" };

/** `text` with one level of JSON string escapes decoded; `from[i]` is where decoded character `i` starts in `text`. */
export function unescapeJson(text: string): { text: string; from: number[] } {
  let out = "";
  const from: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const at = i;
    let c = text[i];
    if (c === "\\" && i + 1 < text.length) {
      const next = text[i + 1];
      if (next in SIMPLE) (c = SIMPLE[next], i++);
      else if (next === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        c = String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 5;
      }
    }
    for (let k = 0; k < c.length; k++) from.push(at);
    out += c;
  }
  from.push(text.length);
  return { text: out, from };
}

/**
 * The views of `text` to scan beyond itself: one and two levels of JSON escapes undone (a tool call's arguments
 * are JSON inside JSON), each with a map back to `text`. None when `text` has no backslash.
 */
export function escapedViews(text: string): { text: string; toOriginal(index: number): number }[] {
  if (!text.includes("\\")) return [];
  const once = unescapeJson(text);
  const views = [{ text: once.text, toOriginal: (i: number) => once.from[i] }];
  if (once.text.includes("\\")) {
    const twice = unescapeJson(once.text);
    views.push({ text: twice.text, toOriginal: (i: number) => once.from[twice.from[i]] });
  }
  return views.filter((v) => v.text !== text);
}

/**
 * Finds where a JSON text first goes wrong. V8's `JSON.parse` messages give a
 * position for some errors and only an excerpt for others ("Unexpected token
 * ']'"), so PAI scans the text itself to name the line and column.
 */

/** Where and why a JSON text is invalid. */
export interface JsonSyntaxError {
  offset: number;
  line: number;
  column: number;
  reason: string;
}

class Fail {
  constructor(readonly offset: number, readonly reason: string) {}
}

/** Where each value starts, by its path ("a.b.0"), filled in while scanning. */
export type ValueOffsets = Map<string, number>;

/**
 * JSONC → JSON, keeping every offset and newline so that errors report true
 * lines and columns: comments (`//`, `/* … *\/`) and trailing commas (which
 * uncommenting one example line leaves behind) become spaces.
 */
export function blankJsonComments(text: string): string {
  return blankTrailingCommas(blankComments(text));
}

/**
 * Rewrites `text` outside its string literals: `step` looks at position `i`
 * and returns the replacement and the next position, or nothing to copy the
 * character as it is.
 */
function rewriteOutsideStrings(text: string, step: (i: number) => [string, number] | undefined): string {
  let out = "";
  for (let i = 0; i < text.length;) {
    if (text[i] === '"') {
      let end = i + 1;
      for (; end < text.length && text[end] !== '"'; end++) if (text[end] === "\\") end++;
      out += text.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    const replaced = step(i);
    if (replaced) [out, i] = [out + replaced[0], replaced[1]];
    else out += text[i++];
  }
  return out;
}

function blankTrailingCommas(text: string): string {
  return rewriteOutsideStrings(
    text,
    (i) => text[i] === "," && /^\s*[\]}]/.test(text.slice(i + 1)) ? [" ", i + 1] : undefined,
  );
}

function blankComments(text: string): string {
  return rewriteOutsideStrings(text, (i) => {
    if (text[i] !== "/" || (text[i + 1] !== "/" && text[i + 1] !== "*")) return undefined;
    const block = text[i + 1] === "*";
    const close = block ? text.indexOf("*/", i + 2) : text.indexOf("\n", i);
    const stop = close === -1 ? text.length : close + (block ? 2 : 0);
    return [text.slice(i, stop).replace(/[^\n]/g, " "), stop];
  });
}

/** Line and column (1-based) of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/** The first syntax error in `text`, or `undefined` if it is valid JSON. Fills `offsets` when given. */
export function locateJsonError(text: string, offsets?: ValueOffsets): JsonSyntaxError | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const expect = (what: string) => {
    throw new Fail(
      i,
      i >= text.length ? `unexpected end of file, expected ${what}` : `expected ${what}, found "${text[i]}"`,
    );
  };
  const string = () => {
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) throw new Fail(i, "control character in a string");
      if (text[i] === "\\") {
        i++;
        if (text[i] === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) throw new Fail(i, "bad \\u escape");
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? "")) throw new Fail(i, "bad escape in a string");
      }
      i++;
    }
    if (i >= text.length) throw new Fail(i, "unterminated string");
    i++;
  };
  const value = (path: string[] = []): void => {
    ws();
    offsets?.set(path.join("."), i);
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") return void i++;
      while (true) {
        ws();
        if (text[i] !== '"') expect("a property name in double quotes");
        const keyStart = i;
        string();
        const key = JSON.parse(text.slice(keyStart, i)) as string;
        ws();
        if (text[i] !== ":") expect('":"');
        i++;
        value([...path, key]);
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") return void i++;
        expect('"," or "}"');
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") return void i++;
      for (let index = 0;; index++) {
        value([...path, String(index)]);
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") return void i++;
        expect('"," or "]"');
      }
    }
    if (c === '"') return string();
    const literal = text.slice(i).match(/^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/);
    if (literal) return void (i += literal[0].length);
    expect("a value");
  };
  try {
    value();
    ws();
    if (i < text.length) throw new Fail(i, `unexpected "${text[i]}" after the end of the JSON value`);
    return undefined;
  } catch (error) {
    if (!(error instanceof Fail)) throw error;
    return { offset: error.offset, ...lineColumn(text, error.offset), reason: error.reason };
  }
}

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

/** The first syntax error in `text`, or `undefined` if it is valid JSON. */
export function locateJsonError(text: string): JsonSyntaxError | undefined {
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
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") return void i++;
      while (true) {
        ws();
        if (text[i] !== '"') expect("a property name in double quotes");
        string();
        ws();
        if (text[i] !== ":") expect('":"');
        i++;
        value();
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
      while (true) {
        value();
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
    const before = text.slice(0, error.offset).split("\n");
    return { offset: error.offset, line: before.length, column: before.at(-1)!.length + 1, reason: error.reason };
  }
}

import assert from "node:assert/strict";
import { EXIT } from "./errors.ts";

const README = Deno.readTextFileSync(new URL("../../README.md", import.meta.url));

/** The rows of the README's one table of exit codes (`| code | name | … |`), as `[name, code]`. */
function documentedExitCodes(): [string, number][] {
  const lines = README.split("\n");
  const headers = lines.flatMap((l, i) => /^\|\s*code\s*\|\s*name\s*\|/.test(l) ? [i] : []);
  assert.equal(headers.length, 1, "the README has one table of exit codes");
  const rows: [string, number][] = [];
  for (const row of lines.slice(headers[0] + 2)) {
    if (!row.startsWith("|")) break;
    const [code, name] = row.split("|").slice(1, 3).map((cell) => cell.trim().replaceAll("`", ""));
    rows.push([name, Number(code)]);
  }
  return rows;
}

Deno.test("the README's table of exit codes is EXIT, code for code and name for name", () => {
  assert.deepEqual(documentedExitCodes(), Object.entries(EXIT).sort((a, b) => a[1] - b[1]));
});

Deno.test("every exit code the README's prose mentions is one of EXIT's", () => {
  const codes = new Set<number>(Object.values(EXIT));
  const mentioned = [...README.matchAll(/\bexits?(?: code| with)? (\d+)\b/gi)].map((m) => Number(m[1]));
  assert.ok(mentioned.length > 0);
  for (const code of mentioned) assert.ok(codes.has(code), `the README mentions exit ${code}, which EXIT lacks`);
});

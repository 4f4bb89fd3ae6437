import assert from "node:assert/strict";
import { blankJsonComments, locateJsonError } from "./json_locate.ts";

Deno.test("locateJsonError() accepts valid JSON of every kind", () => {
  for (const text of ['{"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"]}', "[]", "{}", ' "s" ', "0"]) {
    assert.equal(locateJsonError(text), undefined, text);
  }
});

Deno.test("locateJsonError() names the line and column of a trailing comma", () => {
  assert.deepEqual(locateJsonError('{\n  "a": ["x",]\n}'), {
    offset: 14,
    line: 2,
    column: 13,
    reason: 'expected a value, found "]"',
  });
});

Deno.test("locateJsonError() finds unquoted keys, missing commas, junk and early ends", () => {
  assert.equal(locateJsonError("{a: 1}")?.reason, 'expected a property name in double quotes, found "a"');
  assert.equal(locateJsonError('{"a": 1 "b": 2}')?.column, 9);
  assert.equal(locateJsonError('{"a": 1} x')?.reason, 'unexpected "x" after the end of the JSON value');
  assert.equal(locateJsonError('{"a": ')?.reason, "unexpected end of file, expected a value");
  assert.equal(locateJsonError('"abc')?.reason, "unterminated string");
});

Deno.test("locateJsonError() records where each value starts, by path", () => {
  const offsets = new Map<string, number>();
  locateJsonError('{"a": {"b": [1, "x"]}}', offsets);
  assert.equal(offsets.get("a.b.1"), 16);
  assert.equal(offsets.get(""), 0);
});

Deno.test("blankJsonComments() removes comments but keeps offsets, newlines and strings", () => {
  const text = '{\n  // note\n  "a": "http://x", /* c */ "b": 1\n}';
  const blank = blankJsonComments(text);
  assert.equal(blank.length, text.length);
  assert.deepEqual(JSON.parse(blank), { a: "http://x", b: 1 });
  assert.equal(blank.split("\n").length, 4);
});

Deno.test("blankJsonComments() accepts trailing commas, outside strings only", () => {
  const text = '{"a": [1, 2,], "s": ",]", // x\n}';
  assert.deepEqual(JSON.parse(blankJsonComments(text)), { a: [1, 2], s: ",]" });
});

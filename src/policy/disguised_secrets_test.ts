import assert from "node:assert/strict";
import { encodedFindings, looksDeliberate, spacedFindings } from "./disguised_secrets.ts";
import { SCAN_RULES } from "./scan_rules.ts";

const PRECISE = SCAN_RULES.filter((r) => r.decoded);
const AWS = "AKIAIOSFODNN7EXAMPLE";
const hex = (text: string) => Array.from(text, (c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("");

Deno.test("looksDeliberate() accepts one-character or even groups, not words run together", () => {
  for (const ok of [[1, 1, 1, 1, 2, 1], [4, 4, 4, 4, 4], [8, 4, 4, 4, 2], [4, 16], [24]]) {
    assert.ok(looksDeliberate(ok));
  }
  for (const no of [[4, 7, 5, 4], [12, 4], [4, 4, 4, 6], [3, 12, 12, 12]]) assert.ok(!looksDeliberate(no), `${no}`);
});

Deno.test("encodedFindings() decodes hex and base64 runs, layer after layer, and skips spans already found", () => {
  const text = `a ${hex(AWS)} b ${btoa(AWS)} c ${btoa(btoa(hex(btoa(AWS))))}`;
  const found = encodedFindings(text, PRECISE, []);
  assert.deepEqual(found.map((f) => [f.rule.id, f.encoding, f.value]), [
    ["aws_access_key", "hex", hex(AWS)],
    ["aws_access_key", "base64", btoa(AWS)],
    ["aws_access_key", "base64", btoa(btoa(hex(btoa(AWS))))],
  ]);
  assert.deepEqual(encodedFindings(text, PRECISE, found), []);
});

Deno.test("spacedFindings() maps a spaced key back to its span in the original text", () => {
  const text = "keys: AKIA IOSF ODNN 7EXA MPLE and A\u200BK\u200BIAIOSFODNN7EXAMPLE!";
  const found = spacedFindings(text, PRECISE, []);
  assert.deepEqual(found.map((f) => [f.rule.id, text.slice(f.start, f.end)]), [
    ["aws_access_key", "AKIA IOSF ODNN 7EXA MPLE"],
    ["aws_access_key", "A\u200BK\u200BIAIOSFODNN7EXAMPLE"],
  ]);
  // A key as written is the plain rule's, not a spaced one.
  assert.deepEqual(spacedFindings(`plain ${AWS}`, PRECISE, []), []);
});

import assert from "node:assert/strict";
import type { AuditRecord, AuditRowDetail } from "../audit/query.ts";
import { localTime, showText, snippetLine, tableText } from "./audit_text.ts";

// deno-lint-ignore no-control-regex -- the test looks for exactly these characters
const RAW = /[\x1b\x07\x9b\u202e]/;

function record(over: Partial<AuditRecord> = {}): AuditRecord {
  return {
    id: 12,
    ts: new Date(2026, 4, 1, 9, 5, 7).toISOString(),
    osUser: "me",
    sessionId: "5a6322d3-dd00-44b5-97a6-3b8453c8d0da",
    mode: "agent",
    provider: "openai",
    model: "gpt-4o-mini",
    kind: "response",
    inputTokens: 280,
    outputTokens: 11,
    costUsd: null,
    summary: "response: Sure \x1b]0;pwned\x07 \u202egnp.exe and a long tail of words that goes on",
    event: null,
    payload: "Sure",
    payloadHash: "a".repeat(64),
    prevHash: "b".repeat(64),
    hash: "c".repeat(64),
    ...over,
  };
}

Deno.test("localTime() shows a UTC time in the local zone, to the second", () => {
  assert.equal(localTime(new Date(2026, 4, 1, 9, 5, 7, 500).toISOString()), "2026-05-01 09:05:07");
  assert.equal(localTime("not a time"), "not a time");
});

Deno.test("tableText() in a pipe shows every column and whole lines, each cell neutralised", () => {
  const text = tableText([record()]);
  const [header, row] = text.trimEnd().split("\n");
  assert.match(header, /^ID +TIME +SESSION +MODE +PROVIDER\/MODEL +KIND +IN\/OUT +SUMMARY$/);
  assert.match(row, /^12 +2026-05-01 09:05:07 +5a6322d3 +agent +openai\/gpt-4o-mini +response +280\/11 +response: /);
  assert.ok(row.endsWith("goes on"));
  assert.ok(row.includes("␛]0;pwned␇ <U+202E>gnp.exe") && !RAW.test(text), text);
});

Deno.test("tableText() in a narrow terminal drops the less telling columns first and cuts lines to its width", () => {
  const wide = tableText([record()], { width: 140 }).split("\n");
  assert.match(wide[0], /SESSION +MODE +PROVIDER\/MODEL +KIND +IN\/OUT +SUMMARY/);
  const narrow = tableText([record()], { width: 70 }).trimEnd().split("\n");
  assert.match(narrow[0], /^ID +TIME +KIND +SUMMARY$/);
  assert.ok(narrow.every((l) => Array.from(l).length <= 70), narrow.join("\n"));
  assert.ok(narrow[1].endsWith("…"));
});

Deno.test("tableText() puts the lines it is given under their rows", () => {
  const text = tableText([record(), record({ id: 13 })], { after: (i) => i === 1 ? "    under 13" : undefined });
  assert.deepEqual(text.trimEnd().split("\n").map((l) => l.split(" ")[0]), ["ID", "12", "13", ""]);
});

Deno.test("snippetLine() marks matches, neutralises the text around them and is cut before it is styled", () => {
  const snippet = "renew my \u0002pass\x1b[2Jport\u0003 soon";
  assert.equal(snippetLine(snippet), "    renew my «pass␛[2Jport» soon");
  assert.equal(snippetLine(snippet, { color: true }), "    renew my \x1b[1mpass␛[2Jport\x1b[22m soon");
  const cut = snippetLine(snippet, { width: 20, color: true });
  assert.equal(cut, "    renew my \x1b[1mpass␛[\x1b[22m…", "20 characters shown, the bold closed");
});

Deno.test("showText() shows the content neutralised, keeps its lines, and says when a hash does not match", () => {
  const row: AuditRowDetail = {
    ...record({ kind: "tool_result", payload: "line one\x1b[2J\nline two" }),
    detail: '{"tool":"fs_read","ok":true,"size":17}',
    check: { payload: "mismatch", row: "match", link: "broken", previousId: 10 },
  };
  const text = showText(row);
  assert.ok(!RAW.test(text), text);
  assert.match(text, /^payload hash +a{64}: DOES NOT MATCH the content/m);
  assert.match(text, /^prev hash +b{64}: NOT the hash of row 10, the row before/m);
  assert.match(text, /^hash +c{64}: matches the row's columns/m);
  assert.match(text, /^ {2}tool +fs_read$/m);
  assert.match(text, /^ {2}size +17$/m);
  assert.ok(text.endsWith("content (21 characters):\nline one␛[2J\nline two\n"), text);
  const old = showText({ ...row, detail: null, payload: null, check: { ...row.check, payload: "not_stored" } });
  assert.match(old, /^event fields: none \(a row written before events were typed/m);
  assert.ok(old.endsWith("content: not stored (only its hash)\n"));
});

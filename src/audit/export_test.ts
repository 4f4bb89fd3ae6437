import assert from "node:assert/strict";
import { csvField, csvRecord, EXPORT_COLUMNS, exportLines, jsonLine } from "./export.ts";

const ROW = {
  id: 3,
  ts: "2026-05-01T08:00:00.000Z",
  os_user: "me",
  session_id: "s1",
  mode: "agent",
  provider: "openai",
  model: "m",
  kind: "tool_result",
  input_tokens: 0,
  output_tokens: 0,
  cost_usd: null,
  payload: 'line one, "quoted"\r\nline two',
  payload_hash: "a".repeat(64),
  prev_hash: "b".repeat(64),
  hash: "c".repeat(64),
  detail: '{"tool":"fs_read","callId":"c1","ok":true,"size":5}',
};

Deno.test("csvField() quotes a field with a comma, quote, CR, LF or edge space, doubling quotes (RFC 4180)", () => {
  assert.equal(csvField("plain"), "plain");
  assert.equal(csvField("a,b"), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField("two\nlines"), '"two\nlines"');
  assert.equal(csvField("cr\r"), '"cr\r"');
  assert.equal(csvField(" padded"), '" padded"');
  assert.equal(csvField(null), "");
  assert.equal(csvField(0), "0");
  assert.equal(csvRecord(["a", null, 1]), "a,,1\r\n");
});

Deno.test("a CSV export has a header of the stored columns and one record per row, exact values included", () => {
  const text = [...exportLines([ROW, { ...ROW, id: 4 }], "csv")].join("");
  const [header] = text.split("\r\n");
  assert.equal(header, EXPORT_COLUMNS.join(","));
  assert.ok(text.includes('"line one, ""quoted""\r\nline two"'));
  assert.ok(text.includes('"{""tool"":""fs_read"",""callId"":""c1"",""ok"":true,""size"":5}"'));
  assert.ok(text.endsWith('"fs_read result: ok, 5 characters"\r\n'));
  assert.equal(text.match(/\r\n4,/g)?.length, 1);
});

Deno.test("a JSON lines export has the columns as keys in order, values as stored, and the summary", () => {
  const line = jsonLine(ROW);
  assert.ok(line.endsWith("\n") && !line.slice(0, -1).includes("\n"));
  const parsed = JSON.parse(line);
  assert.deepEqual(Object.keys(parsed), [...EXPORT_COLUMNS]);
  assert.equal(parsed.payload, ROW.payload);
  assert.equal(parsed.detail, ROW.detail, "detail is the text the hash covers");
  assert.equal(parsed.cost_usd, null);
  assert.equal(parsed.summary, "fs_read result: ok, 5 characters");
  assert.equal(JSON.parse(jsonLine({ ...ROW, detail: null, kind: "session" })).summary, null);
});

Deno.test("exportLines() hands its text on in chunks, not a write per row nor all at once", () => {
  const rows = Array.from({ length: 2000 }, (_, i) => ({ ...ROW, id: i + 1 }));
  const chunks = [...exportLines(rows, "jsonl")];
  assert.ok(chunks.length > 1 && chunks.length < 100, String(chunks.length));
  assert.equal(chunks.join("").split("\n").length - 1, 2000);
});

import assert from "node:assert/strict";
import { escapedViews, unescapeJson } from "./json_escapes.ts";
import { scanText } from "./scan_rules.ts";

Deno.test("unescapeJson() decodes JSON string escapes and maps each character back", () => {
  const { text, from } = unescapeJson('a\\nb\\"c\\u0041');
  assert.equal(text, 'a\nb"cA');
  assert.deepEqual(from, [0, 1, 3, 4, 6, 7, 13]);
});

Deno.test("escapedViews() gives one and two levels of decoding, none for plain text", () => {
  assert.deepEqual(escapedViews("plain text"), []);
  const views = escapedViews('{\\"content\\":\\"x\\\\ny\\"}');
  assert.deepEqual(views.map((v) => v.text), ['{"content":"x\\ny"}', '{"content":"x\ny"}']);
});

Deno.test("scanText() finds secrets that JSON escaping hides, and covers the escaped text", () => {
  const key = "AKIAIOSFODNN7EXAMPLE";
  for (const raw of [`# creds\n${key}\n`, `password="Hunter2Secret!x"`, `{"password": "Hunter2Secret!x"}`]) {
    const once = JSON.stringify({ ok: true, result: { content: raw } });
    const twice = JSON.stringify({ arguments: once });
    for (const text of [once, twice]) {
      const found = scanText(text);
      assert.ok(found.some((f) => f.rule.kind === "secret"), `${text}`);
      // Replacing what was found leaves no trace of the secret.
      let out = text;
      for (const f of [...found].reverse()) out = out.slice(0, f.start) + "[X]" + out.slice(f.end);
      assert.ok(!out.includes(key) && !out.includes("Hunter2Secret"), out);
    }
  }
});

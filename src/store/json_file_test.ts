import assert from "node:assert/strict";
import { z } from "zod";
import { PaiError } from "../core/errors.ts";
import { parseJsonText, readJsonFile } from "./json_file.ts";

const schema = z.strictObject({ maxRetries: z.number().int().optional() });

Deno.test("parseJsonText() names the line and column of a syntax error", () => {
  assert.throws(
    () => parseJsonText("/c/config.json", '{\n  "maxRetries": 2,\n}', schema),
    (e: PaiError) => /^Cannot use "\/c\/config.json": line 3, column 1: invalid JSON/.test(e.message),
  );
});

Deno.test("parseJsonText() names the field that fails the schema", () => {
  assert.throws(
    () => parseJsonText("/c/config.json", '{"maxRetries": "two"}', schema),
    (e: PaiError) =>
      e.message.startsWith('Cannot use "/c/config.json": line 1, column 16: at "maxRetries": ') && e.exitCode === 3,
  );
  assert.throws(
    () => parseJsonText("/c/config.json", '{"maxRetrys": 1}', schema),
    (e: PaiError) => e.message.includes("maxRetrys"),
  );
});

Deno.test("readJsonFile() returns undefined for a missing file and leaves a broken one untouched", () => {
  const dir = Deno.makeTempDirSync();
  assert.equal(readJsonFile(`${dir}/none.json`, schema), undefined);
  Deno.writeTextFileSync(`${dir}/bad.json`, "{oops");
  assert.throws(() => readJsonFile(`${dir}/bad.json`, schema), PaiError);
  assert.equal(Deno.readTextFileSync(`${dir}/bad.json`), "{oops");
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("parseJsonText() gives the line and column of a value that fails the schema, in JSONC too", () => {
  const text = '{\n  // retries\n  "maxRetries": "two"\n}';
  assert.throws(
    () => parseJsonText("/c/p.json", text, schema, { comments: true }),
    (e: PaiError) => e.message.startsWith('Cannot use "/c/p.json": line 3, column 17: at "maxRetries": '),
  );
});

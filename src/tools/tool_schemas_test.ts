import assert from "node:assert/strict";
import definitions from "./definitions.json" with { type: "json" };
import { checkArgs, type JsonSchema, unsupportedKeywords } from "./args_check.ts";
import { TOOL_SCHEMAS } from "./tool_schemas.ts";

/** A valid call of each built-in tool, the seed of the corpus below. */
const VALID: Record<string, Record<string, unknown>> = {
  fs_read: { path: "a.md", offset: 2, limit: 10 },
  fs_list: { path: ".", recursive: true, glob: "*.md" },
  fs_search: { pattern: "x+", path: "src", glob: "*.ts" },
  fs_write: { path: "a.md", content: "text" },
  fs_edit: { path: "a.md", old: "a", new: "b" },
  fs_delete: { path: "a.md" },
  http_request: { method: "POST", url: "https://example.com/a", headers: { "x-a": "b" }, body: "{}" },
  web_fetch: { url: "https://example.com/" },
  sql_query: { database: "a.db", sql: "SELECT ?", params: ["a", 1, null] },
  pg_query: { url: "postgres://h/db", sql: "SELECT 1", params: [1] },
  s3_object: {
    endpoint: "https://s3.example.com",
    region: "eu-west-1",
    bucket: "bkt",
    op: "get",
    key: "k",
    prefix: "p/",
    body: "b",
    accessKeyId: "AKIA",
    secretAccessKey: "s",
    sessionToken: "t",
  },
  resource_list: {},
  resource_read: { name: "notes", path: "a.md", key: "k", query: "SELECT 1" },
  resource_create: { name: "n1", text: "t", label: "private" },
  resource_update: { name: "n", text: "t", path: "p", key: "k", content: "c", query: "q", method: "PUT" },
  resource_delete: { name: "n", path: "p", key: "k" },
  resource_request: { name: "r.1", kind: "folder", uri: "/data", reason: "to read it", label: "internal" },
  memory_save: { text: "The user prefers short answers" },
  memory_search: { query: "answers", limit: 5 },
  memory_forget: { id: 3 },
};

/** Values of every JSON type and of the edges the schemas draw (empty, lengths, bounds, formats, patterns). */
const PALETTE: unknown[] = [
  "",
  "x",
  "ab",
  "!bad",
  "x".repeat(501),
  "https://h",
  "http://x/y",
  "ftp://h",
  "not a url",
  "https://",
  "http:",
  "mailto:a@b.c",
  "javascript:alert(1)",
  "http://[::1]:8080/",
  "//h/p",
  "h.com",
  "http://exa mple.com",
  "postgres://h/db",
  "GET",
  "nope",
  "folder",
  "private",
  0,
  1,
  -1,
  1.5,
  2 ** 60,
  true,
  null,
  [],
  ["a"],
  [1],
  [null],
  [true],
  [{}],
  {},
  { a: "b" },
  { a: 1 },
];

/** The corpus of one tool: its valid call, each required argument left out, an unknown one, each argument swapped. */
function corpus(name: string, schema: JsonSchema): unknown[] {
  const valid = VALID[name];
  const properties = Object.keys((schema.properties ?? {}) as object);
  return [
    valid,
    {},
    null,
    [],
    "text",
    { ...valid, zzz: 1 },
    ...((schema.required ?? []) as string[]).map((key) =>
      Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key))
    ),
    ...properties.flatMap((key) => PALETTE.map((value) => ({ ...valid, [key]: value }))),
  ];
}

Deno.test("every built-in tool has a valid example and a schema whose keywords the call pipeline checks", () => {
  assert.deepEqual(Object.keys(VALID).sort(), definitions.map((d) => d.name).sort());
  for (const d of definitions) assert.deepEqual(unsupportedKeywords(d.parameters), [], d.name);
});

Deno.test("the call pipeline's check agrees with zod on every built-in tool, over each one's corpus", () => {
  let cases = 0;
  for (const d of definitions) {
    const schema = TOOL_SCHEMAS[d.name];
    for (const args of corpus(d.name, d.parameters)) {
      const zod = schema.safeParse(args).success;
      const ours = checkArgs(d.parameters, args);
      assert.equal(
        ours.length === 0,
        zod,
        `${d.name} ${JSON.stringify(args)}: zod says ${zod}, ours ${JSON.stringify(ours)}`,
      );
      cases++;
    }
  }
  assert.ok(cases > 1500, `${cases} cases`);
});

Deno.test("checkArgs() says where and what: a missing argument, a wrong type, an unknown key, a bound", () => {
  const fsRead = definitions.find((d) => d.name === "fs_read")!.parameters;
  assert.deepEqual(checkArgs(fsRead, {}), [{ path: "path", message: "required" }]);
  assert.deepEqual(checkArgs(fsRead, { path: 1 }), [{ path: "path", message: "expected string, got number" }]);
  assert.deepEqual(checkArgs(fsRead, { path: "a", offset: 0 }), [{ path: "offset", message: "must be at least 1" }]);
  assert.deepEqual(checkArgs(fsRead, { path: "a", mode: "w" }), [{
    path: "mode",
    message: "is not an argument of this tool",
  }]);
  assert.deepEqual(checkArgs(fsRead, []), [{ path: "", message: "expected object, got an array" }]);
  const sql = definitions.find((d) => d.name === "sql_query")!.parameters;
  assert.deepEqual(checkArgs(sql, { sql: "x", params: [1, {}] }), [
    { path: "params.1", message: "expected string or number or null, got object" },
  ]);
});

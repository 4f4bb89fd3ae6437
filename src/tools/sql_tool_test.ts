import assert from "node:assert/strict";
import { SQL_QUERY } from "./sql_tool.ts";
import { argumentIssues } from "./manifest.ts";
import definitions from "./definitions.json" with { type: "json" };

const parameters = definitions.find((d) => d.name === "sql_query")!.parameters;
const valid = (args: unknown) => argumentIssues(SQL_QUERY, parameters, args).length === 0;

Deno.test("sql_query refuses several statements, ATTACH and writable_schema", () => {
  const bad = ["SELECT 1; DELETE FROM t", "ATTACH 'x.db' AS x", "PRAGMA writable_schema = 1"];
  for (const sql of bad) assert.equal(valid({ database: "a.db", sql }), false, sql);
  assert.equal(valid({ database: "a.db", sql: "SELECT 1" }), true);
  assert.equal(valid({ sql: "SELECT 1" }), false, "neither a database nor a resource");
  assert.equal(valid({ database: "a.db", resource: "r", sql: "SELECT 1" }), false, "both");
});

import assert from "node:assert/strict";
import { SQL_QUERY } from "./sql_tool.ts";

Deno.test("sql_query refuses several statements, ATTACH and writable_schema", () => {
  const bad = ["SELECT 1; DELETE FROM t", "ATTACH 'x.db' AS x", "PRAGMA writable_schema = 1"];
  for (const sql of bad) assert.equal(SQL_QUERY.schema.safeParse({ database: "a.db", sql }).success, false, sql);
  assert.equal(SQL_QUERY.schema.safeParse({ database: "a.db", sql: "SELECT 1" }).success, true);
});

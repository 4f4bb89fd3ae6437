import assert from "node:assert/strict";
import { sqlShape } from "./sql_shape.ts";

Deno.test("sqlShape() counts statements, ignoring semicolons in strings and comments", () => {
  assert.equal(sqlShape("SELECT ';' -- ;\n FROM t /* ; */").statements, 1);
  assert.equal(sqlShape("SELECT 1; DROP TABLE t").statements, 2);
  assert.equal(sqlShape("SELECT 1;").statements, 1);
});

Deno.test("sqlShape() tells reads from writes", () => {
  for (
    const sql of ["select * from t", "WITH x AS (SELECT 1) SELECT * FROM x", "EXPLAIN SELECT 1", "PRAGMA table_info(t)"]
  ) {
    assert.equal(sqlShape(sql).readOnly, true, sql);
  }
  for (const sql of ["INSERT INTO t VALUES (1)", "WITH x AS (SELECT 1) DELETE FROM t", "PRAGMA user_version = 3"]) {
    assert.equal(sqlShape(sql).readOnly, false, sql);
  }
});

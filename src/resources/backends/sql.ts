/** What the SQL kinds (sqlite, postgres) share: a read runs one read-only statement; rows are changed, not deleted. */
import { sqlShape } from "../../core/sql_shape.ts";
import { type Expansion, notDeleted } from "../backend.ts";

/** The refusal of a statement that would change data, for `resource_read`; undefined when it only reads. */
export function refuseChange(sql: string): Expansion | undefined {
  return sqlShape(sql).readOnly
    ? undefined
    : { refuse: "resource_read runs read-only statements; use resource_update" };
}

/** `resource_update` of a database without a statement. */
export const NO_STATEMENT: Expansion = { refuse: "give one SQL statement (query)" };

/** `resource_delete` of a database: its rows are deleted with SQL, the database itself by the user. */
export const deleteRows = (kind: "sqlite" | "postgres"): Expansion =>
  notDeleted(kind, "delete rows with resource_update");

/** The SQL tool: one statement on a SQLite database file. */
import { z } from "zod";
import type { ToolManifest } from "./manifest.ts";

/** What PAI makes of a SQL text before granting anything. */
export interface SqlShape {
  /** How many statements it holds (only one is ever run). */
  statements: number;
  /** Whether the statement only reads (then the database is opened read-only). */
  readOnly: boolean;
  /** ATTACH and writable_schema can reach other files or corrupt the schema: always refused. */
  forbidden?: string;
}

const READ_STARTS = new Set(["SELECT", "VALUES", "EXPLAIN"]);
const DML = /\b(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b/i;

/** Splits off comments and string literals to count statements and find the first keyword. */
export function sqlShape(sql: string): SqlShape {
  let code = "";
  let statements = 0;
  let pending = false;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "-" && sql[i + 1] === "-") {
      while (i < sql.length && sql[i] !== "\n") i++;
      code += " ";
    } else if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end === -1 ? sql.length : end + 1;
      code += " ";
    } else if (c === "'" || c === '"' || c === "`" || c === "[") {
      const close = c === "[" ? "]" : c;
      for (i++; i < sql.length; i++) {
        if (sql[i] === close && sql[i + 1] === close && close !== "]") i++;
        else if (sql[i] === close) break;
      }
      code += " x ";
      pending = true;
    } else if (c === ";") {
      if (pending) statements++;
      pending = false;
      code += ";";
    } else {
      if (!/\s/.test(c)) pending = true;
      code += c;
    }
  }
  if (pending) statements++;
  const first = code.trim().match(/^[A-Za-z]+/)?.[0]?.toUpperCase() ?? "";
  const forbidden = /\bATTACH\b/i.test(code)
    ? "ATTACH is refused: it opens other database files"
    : /\bwritable_schema\b/i.test(code)
    ? "PRAGMA writable_schema is refused"
    : undefined;
  const readOnly = READ_STARTS.has(first) || (first === "WITH" && !DML.test(code)) ||
    (first === "PRAGMA" && !code.includes("="));
  return { statements, readOnly, forbidden };
}

/** The files SQLite touches for a database: the file and its journal, WAL and shared-memory files. */
function databaseFiles(path: string): string[] {
  return [path, `${path}-journal`, `${path}-wal`, `${path}-shm`];
}

type SqlArgs = { database: string; sql: string; params?: (string | number | null)[] };

export const SQL_QUERY: ToolManifest<SqlArgs> = {
  name: "sql_query",
  description: "Run one SQL statement on a SQLite database file. Statements that only read open it read-only.",
  schema: z.strictObject({
    database: z.string().min(1).describe("Path of the SQLite file, relative to the workspace or absolute"),
    sql: z.string().min(1).describe("Exactly one SQL statement; use ? placeholders with params"),
    params: z.array(z.union([z.string(), z.number(), z.null()])).optional(),
  }).superRefine((a, ctx) => {
    const shape = sqlShape(a.sql);
    if (shape.statements !== 1) ctx.addIssue({ code: "custom", path: ["sql"], message: "give exactly one statement" });
    if (shape.forbidden) ctx.addIssue({ code: "custom", path: ["sql"], message: shape.forbidden });
  }),
  program: "sql_query.ts",
  readOnly: (a) => sqlShape(a.sql).readOnly,
  needs: (a) => {
    const files = databaseFiles(a.database);
    return { read: files, write: sqlShape(a.sql).readOnly ? [] : files, net: [] };
  },
  facts: (a) => ({ sql: sqlShape(a.sql).readOnly ? "read" : "write" }),
  request: (a, real) => ({ ...a, database: real(a.database), readOnly: sqlShape(a.sql).readOnly }),
  permissionsDoc: "read of the database file (and its journal, -wal, -shm); write too for statements that change data",
};

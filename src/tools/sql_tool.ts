/** The SQL tool: one statement on a SQLite database file. */
import { z } from "zod";
import type { ToolManifest } from "./manifest.ts";
import { sqlShape } from "../core/sql_shape.ts";

/** The files SQLite touches for a database: the file and its journal, WAL and shared-memory files. */
function databaseFiles(path: string): string[] {
  return [path, `${path}-journal`, `${path}-wal`, `${path}-shm`];
}

type SqlArgs = { database?: string; resource?: string; sql: string; params?: (string | number | null)[] };

export const SQL_QUERY: ToolManifest<SqlArgs> = {
  name: "sql_query",
  description: "Run one SQL statement on a SQLite database file. Statements that only read open it read-only.",
  schema: z.strictObject({
    database: z.string().min(1).optional().describe("Path of the SQLite file, relative to the workspace or absolute"),
    resource: z.string().min(1).optional().describe("Or: the name of a registered sqlite resource"),
    sql: z.string().min(1).describe("Exactly one SQL statement; use ? placeholders with params"),
    params: z.array(z.union([z.string(), z.number(), z.null()])).optional(),
  }).superRefine((a, ctx) => {
    if ((a.database === undefined) === (a.resource === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["database"],
        message: "give either database (a path) or resource (a name)",
      });
    }
    const shape = sqlShape(a.sql);
    if (shape.statements !== 1) ctx.addIssue({ code: "custom", path: ["sql"], message: "give exactly one statement" });
    if (shape.forbidden) ctx.addIssue({ code: "custom", path: ["sql"], message: shape.forbidden });
  }),
  program: "sql_query.ts",
  access: "either",
  readOnly: (a) => sqlShape(a.sql).readOnly,
  needs: (a) => {
    const files = databaseFiles(a.database ?? "");
    return { read: files, write: sqlShape(a.sql).readOnly ? [] : files, net: [] };
  },
  facts: (a) => ({ sql: sqlShape(a.sql).readOnly ? "read" : "write" }),
  request: (a, real) => ({ ...a, database: real(a.database ?? ""), readOnly: sqlShape(a.sql).readOnly }),
  permissionsDoc: "read of the database file (and its journal, -wal, -shm); write too for statements that change " +
    "data; with resource, the registered database only",
};

type PgArgs = { url: string; sql: string; params?: (string | number | null)[] };

/** pg_query: PostgreSQL, reached only through a registered postgres resource (its URL comes from a variable). */
export const PG_QUERY: ToolManifest<PgArgs> = {
  name: "pg_query",
  description: "Run one SQL statement on a PostgreSQL database (through a postgres resource).",
  schema: z.strictObject({
    url: z.string().regex(/^postgres(ql)?:\/\//),
    sql: z.string().min(1),
    params: z.array(z.union([z.string(), z.number(), z.null()])).optional(),
  }).superRefine((a, ctx) => {
    if (sqlShape(a.sql).statements !== 1) {
      ctx.addIssue({ code: "custom", path: ["sql"], message: "give exactly one statement" });
    }
  }),
  program: "pg_query.ts",
  internal: true,
  // postgres.js looks up PGHOST, PGPASSWORD… for defaults: they read unset in the cleared environment.
  envNames: ["PG*"],
  access: "either",
  readOnly: (a) => sqlShape(a.sql).readOnly,
  needs: (a) => {
    const u = new URL(a.url.replace(/^postgres(ql)?:/, "http:"));
    return { read: [], write: [], net: [`${u.hostname}:${u.port || "5432"}`] };
  },
  facts: (a) => ({ sql: sqlShape(a.sql).readOnly ? "read" : "write" }),
  request: (a) => ({ ...a, readOnly: sqlShape(a.sql).readOnly }),
  permissionsDoc: "net to the database's host:port only; read-only statements run in a READ ONLY transaction",
};

/** The SQL tools: one statement on a SQLite database file, or on PostgreSQL (schemas: `tool_schemas.ts`). */
import type { ArgIssue } from "./args_check.ts";
import type { ToolManifest } from "./manifest.ts";
import { sqlShape } from "../core/sql_shape.ts";

/** The files SQLite touches for a database: the file and its journal, WAL and shared-memory files. */
function databaseFiles(path: string): string[] {
  return [path, `${path}-journal`, `${path}-wal`, `${path}-shm`];
}

export type SqlArgs = { database?: string; resource?: string; sql: string; params?: (string | number | null)[] };
export type PgArgs = { url: string; sql: string; params?: (string | number | null)[] };

/** Exactly one statement, and not one of the kinds `sqlShape` forbids. */
function oneStatement(sql: string): ArgIssue[] {
  const shape = sqlShape(sql);
  return [
    ...(shape.statements !== 1 ? [{ path: "sql", message: "give exactly one statement" }] : []),
    ...(shape.forbidden ? [{ path: "sql", message: shape.forbidden }] : []),
  ];
}

export const SQL_QUERY: ToolManifest<SqlArgs> = {
  name: "sql_query",
  description: "Run one SQL statement on a SQLite database file. Statements that only read open it read-only.",
  check: (a) => [
    ...((a.database === undefined) === (a.resource === undefined)
      ? [{ path: "database", message: "give either database (a path) or resource (a name)" }]
      : []),
    ...oneStatement(a.sql),
  ],
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

/** pg_query: PostgreSQL, reached only through a registered postgres resource (its URL comes from a variable). */
export const PG_QUERY: ToolManifest<PgArgs> = {
  name: "pg_query",
  description: "Run one SQL statement on a PostgreSQL database (through a postgres resource).",
  check: (a) => sqlShape(a.sql).statements === 1 ? [] : [{ path: "sql", message: "give exactly one statement" }],
  program: "pg_query.ts",
  internal: true,
  // postgres.js looks up PGHOST, PGPASSWORD… for defaults: they read unset in the cleared environment.
  envNames: ["PG*"],
  npm: true,
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

/** A SQLite database: one statement at a time through sql_query, granted the database's files only. */
import { definitionError, type ResourceBackend, sandboxed } from "../backend.ts";
import { existingPath } from "./local_path.ts";
import { deleteRows, NO_STATEMENT, refuseChange } from "./sql.ts";

const SQLITE_HEADER = "SQLite format 3\0";
const LIST_TABLES = "SELECT name, type, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name";

/** The database and the files SQLite keeps beside it while it works. */
const sqliteFiles = (db: string) => [db, `${db}-journal`, `${db}-wal`, `${db}-shm`];

/** Whether `path` starts with SQLite's header (an empty file is a new database, also fine). */
function isSqlite(path: string): boolean {
  const file = Deno.openSync(path, { read: true });
  try {
    const head = new Uint8Array(16);
    const n = file.readSync(head) ?? 0;
    return n === 0 || new TextDecoder().decode(head.subarray(0, n)) === SQLITE_HEADER;
  } finally {
    file.close();
  }
}

export const SQLITE: ResourceBackend = {
  async define(input, options) {
    const uri = await existingPath(input, options.cwd);
    if (!isSqlite(uri)) throw definitionError(`--uri "${input.uri}" is not a SQLite database`);
    return { uri };
  },
  read({ resource: r }, args) {
    const sql = args.query ?? LIST_TABLES;
    return refuseChange(sql) ?? sandboxed("sql_query", { database: r.uri, sql }, { read: sqliteFiles(r.uri!) });
  },
  update({ resource: r }, args) {
    if (!args.query) return NO_STATEMENT;
    const files = sqliteFiles(r.uri!);
    return sandboxed("sql_query", { database: r.uri, sql: args.query }, { read: files, write: files });
  },
  delete: () => deleteRows("sqlite"),
};

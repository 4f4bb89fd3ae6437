/**
 * sql_query: one SQL statement on a SQLite file. Request: { database, sql, params?, readOnly }.
 * Read-only calls open the file read-only, so the database itself refuses writes.
 * (node:sqlite is the one built-in driver; a tool may import what it cannot work without.)
 */
import { DatabaseSync } from "node:sqlite";
import { checkPinned, type Pinned, serve, ToolError } from "./_protocol.ts";

const MAX_ROWS = 1000;

await serve(async (
  req: { database: string; sql: string; params?: (string | number | null)[]; readOnly: boolean; pinned?: Pinned },
) => {
  // SQLite opens by path: the file is checked just before (a swap in between is the limit SECURITY.md names).
  if (req.pinned?.[req.database] !== "absent") await checkPinned(req.database, req.pinned);
  const db = new DatabaseSync(req.database, { readOnly: req.readOnly, open: true });
  try {
    let statement;
    try {
      statement = db.prepare(req.sql);
    } catch (error) {
      throw new ToolError("invalid_input", (error as Error).message);
    }
    const params = req.params ?? [];
    if (statement.columns().length > 0) {
      const rows = statement.all(...params).slice(0, MAX_ROWS + 1);
      return { rows: rows.slice(0, MAX_ROWS), truncated: rows.length > MAX_ROWS };
    }
    const result = statement.run(...params);
    return { changes: Number(result.changes), lastInsertRowid: Number(result.lastInsertRowid) };
  } finally {
    db.close();
  }
});

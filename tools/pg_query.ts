/**
 * pg_query: one SQL statement on a PostgreSQL database. Request: { url, sql, params?, readOnly }.
 * Reached only through a registered postgres resource. Read-only calls run in a READ ONLY transaction, so the
 * database itself refuses writes. (A driver is the one thing a tool may import from npm.)
 */
// deno-lint-ignore no-import-prefix -- tools run with --no-config (no import map): the version is pinned here
import postgres from "npm:postgres@3.4.9";
import { serve, ToolError } from "./_protocol.ts";

const MAX_ROWS = 1000;

await serve(async (req: { url: string; sql: string; params?: (string | number | null)[]; readOnly: boolean }) => {
  const sql = postgres(req.url, { max: 1, connect_timeout: 10, onnotice: () => {}, prepare: false });
  try {
    const run = (tx: postgres.TransactionSql) => tx.unsafe(req.sql, req.params ?? []);
    const rows = req.readOnly ? await sql.begin("read only", run) : await sql.begin(run);
    const list = [...rows] as Record<string, unknown>[];
    return rows.command === "SELECT" || list.length
      ? { rows: list.slice(0, MAX_ROWS), truncated: list.length > MAX_ROWS }
      : { command: rows.command, changes: rows.count };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    if (e.code === "28P01" || e.code === "28000") {
      throw new ToolError("permission_denied", `The database refused the credentials: ${e.message}`);
    }
    if (e.code === "ECONNREFUSED" || /connect|ECONNREFUSED|timeout/i.test(e.message ?? "")) {
      throw new ToolError("network_error", `Cannot reach the database: ${e.message}`);
    }
    if (e.code) throw new ToolError("invalid_input", `${e.message} (SQLSTATE ${e.code})`);
    throw error;
  } finally {
    await sql.end({ timeout: 1 });
  }
});

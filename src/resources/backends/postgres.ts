/**
 * A PostgreSQL database: one statement at a time through pg_query, granted net to its host:port only. Its
 * connection string holds a password, so it lives in the variable the resource names and is read at call time.
 */
import { definitionError, type Expansion, type KindContext, type ResourceBackend, sandboxed } from "../backend.ts";
import { deleteRows, NO_STATEMENT, refuseChange } from "./sql.ts";

const LIST_TABLES = "SELECT table_schema, table_name FROM information_schema.tables " +
  "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2";

/** The connection string from the resource's variable, or the refusal when it is not set. */
function connection({ resource: r, host }: KindContext): string | Expansion {
  return host.secret(r.env!) || { refuse: `The connection variable ${r.env} of "${r.name}" is not set` };
}

/** `host:port` of a connection string (5432 unless it says otherwise), or undefined when it is not a URL. */
export function pgHost(url: string): string | undefined {
  try {
    const u = new URL(url.replace(/^postgres(ql)?:/, "http:"));
    return `${u.hostname}:${u.port || "5432"}`;
  } catch {
    return undefined;
  }
}

/** A pg_query call on a database, granted net to its host:port only. */
function pgCall(url: string, sql: string): Expansion {
  const host = pgHost(url);
  if (!host) return { refuse: "The connection string of this resource is not a URL" };
  return sandboxed("pg_query", { url, sql }, { net: [host] });
}

export const POSTGRES: ResourceBackend = {
  define(input, options) {
    if (input.uri !== undefined) {
      throw definitionError(
        "--uri is not for postgres: its connection string holds a password",
        "Put it in a variable and name it with --env VAR",
      );
    }
    if (!input.env) {
      throw definitionError("A postgres resource needs --env VAR (the variable holding its connection string)");
    }
    if (!/^postgres(ql)?:\/\//.test(options.env(input.env)!)) {
      throw definitionError(`--env ${input.env}: its value is not a postgres:// connection string`);
    }
    return { env: input.env };
  },
  read(ctx, args) {
    const url = connection(ctx);
    if (typeof url !== "string") return url;
    const sql = args.query ?? LIST_TABLES;
    return refuseChange(sql) ?? pgCall(url, sql);
  },
  update(ctx, args) {
    if (!args.query) return NO_STATEMENT;
    const url = connection(ctx);
    return typeof url === "string" ? pgCall(url, args.query) : url;
  },
  delete: () => deleteRows("postgres"),
};

/** What a SQL text is, before anything is granted: how many statements, and whether it only reads. */

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

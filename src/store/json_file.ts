/**
 * Reads PAI's JSON files (config now; policy and resources later) with errors
 * that name the file, the line and column, and what is wrong. A file that
 * fails to parse is reported, never rewritten.
 */
import type { z } from "zod";
import { EXIT, PaiError } from "../core/errors.ts";
import { blankJsonComments, lineColumn, locateJsonError, type ValueOffsets } from "./json_locate.ts";

/** Options for reading: JSONC allows `//` and `/* *\/` comments. */
export interface JsonReadOptions {
  comments?: boolean;
}

/** Reads and validates `path`; `undefined` when the file does not exist. */
export function readJsonFile<S extends z.ZodType>(
  path: string,
  schema: S,
  options: JsonReadOptions = {},
): z.output<S> | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new PaiError(`Cannot read "${path}": ${error instanceof Error ? error.message : error}`, {
      exitCode: EXIT.CONFIG,
    });
  }
  return parseJsonText(path, text, schema, options);
}

/** Parses and validates JSON text that came from `path`; errors name the line and column. */
export function parseJsonText<S extends z.ZodType>(
  path: string,
  raw: string,
  schema: S,
  options: JsonReadOptions = {},
): z.output<S> {
  const text = options.comments ? blankJsonComments(raw) : raw;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const found = locateJsonError(text);
    throw broken(
      path,
      found
        ? `line ${found.line}, column ${found.column}: invalid JSON: ${found.reason}`
        : `invalid JSON: ${error instanceof Error ? error.message : error}`,
    );
  }
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const offsets: ValueOffsets = new Map();
  locateJsonError(text, offsets);
  // The deepest part of the issue's path that exists in the file (a missing key points at its object).
  let at: number | undefined;
  for (let n = issue.path.length; n >= 0 && at === undefined; n--) at = offsets.get(issue.path.slice(0, n).join("."));
  const place = at === undefined ? "" : `line ${lineColumn(text, at).line}, column ${lineColumn(text, at).column}: `;
  const where = issue.path.length ? `at "${issue.path.join(".")}": ` : "";
  throw broken(path, `${place}${where}${issue.message}`);
}

function broken(path: string, what: string): PaiError {
  return new PaiError(`Cannot use "${path}": ${what}`, {
    exitCode: EXIT.CONFIG,
    hint: "Fix the file by hand; PAI never rewrites a file it cannot parse",
  });
}

/**
 * Checks a tool call's arguments against the JSON Schema its definition shows the model (`definitions.json`, made
 * from the tools' zod schemas; or a tool's own, registered at run time). The call pipeline checks with this, not
 * with zod: loading zod and building a schema costs a run's first call ~35 ms, this ~0.1 ms. It knows the keywords
 * zod's JSON Schema output uses for PAI's tools, and no others: a schema with any other keyword is refused when
 * a tool is registered (`unsupportedKeywords`), so no constraint is ever skipped. `tool_schemas_test.ts` holds it
 * to zod's verdict on every built-in tool.
 *
 * @example
 * ```ts
 * checkArgs({ type: "object", properties: { path: { type: "string", minLength: 1 } }, required: ["path"] }, {});
 * // [{ path: "path", message: "required" }]
 * ```
 */

/** A JSON Schema (of the subset below). */
export type JsonSchema = Record<string, unknown>;

/** One thing wrong with the arguments: where (dotted, empty for the whole), and what. */
export interface ArgIssue {
  path: string;
  message: string;
}

/** The keywords this checker knows; `description`, `$schema` and `title` only describe. */
const KNOWN = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "propertyNames",
  "items",
  "enum",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "pattern",
  "format",
  "description",
  "title",
  "$schema",
]);

/** The formats it checks. */
const FORMATS = new Set(["uri"]);

/** The keywords of `schema` (at any depth) that this checker does not know, as `where: keyword`. */
export function unsupportedKeywords(schema: unknown, at = "the schema"): string[] {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return [`${at}: not an object`];
  const s = schema as JsonSchema;
  const found = Object.keys(s).filter((k) => !KNOWN.has(k)).map((k) => `${at}: ${k}`);
  if (s.format !== undefined && !FORMATS.has(String(s.format))) found.push(`${at}: format ${s.format}`);
  const props = s.properties as Record<string, unknown> | undefined;
  for (const [name, sub] of Object.entries(props ?? {})) found.push(...unsupportedKeywords(sub, `${at}.${name}`));
  for (const key of ["items", "propertyNames"] as const) {
    if (s[key] !== undefined) found.push(...unsupportedKeywords(s[key], `${at} ${key}`));
  }
  if (typeof s.additionalProperties === "object") {
    found.push(...unsupportedKeywords(s.additionalProperties, `${at} additionalProperties`));
  }
  return found;
}

/** What is wrong with `value` against `schema` (nothing: it is valid). */
export function checkArgs(schema: JsonSchema, value: unknown, path = ""): ArgIssue[] {
  const issue = (message: string): ArgIssue[] => [{ path, message }];
  const types = schema.type === undefined ? undefined : ([] as unknown[]).concat(schema.type);
  if (types && !types.some((t) => isType(value, String(t)))) {
    return issue(`expected ${types.join(" or ")}, got ${typeName(value)}`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    return issue(`expected one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`);
  }
  if (typeof value === "string") return checkString(schema, value, path);
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) {
      return issue(`must be at least ${schema.minimum}`);
    }
    if (typeof schema.maximum === "number" && value > schema.maximum) return issue(`must be at most ${schema.maximum}`);
    return [];
  }
  if (Array.isArray(value)) {
    const items = schema.items as JsonSchema | undefined;
    return items ? value.flatMap((v, i) => checkArgs(items, v, join(path, String(i)))) : [];
  }
  if (typeof value === "object" && value !== null) return checkObject(schema, value as Record<string, unknown>, path);
  return [];
}

function checkString(schema: JsonSchema, value: string, path: string): ArgIssue[] {
  const issue = (message: string): ArgIssue[] => [{ path, message }];
  // Lengths in UTF-16 code units, as zod's `.min()` and `.max()` count them.
  if (typeof schema.minLength === "number" && value.length < schema.minLength) {
    return issue(schema.minLength === 1 ? "must not be empty" : `must be at least ${schema.minLength} characters`);
  }
  if (typeof schema.maxLength === "number" && value.length > schema.maxLength) {
    return issue(`must be at most ${schema.maxLength} characters`);
  }
  if (typeof schema.pattern === "string" && !new RegExp(schema.pattern).test(value)) {
    return issue(`must match ${schema.pattern}`);
  }
  if (schema.format === "uri" && !URL.canParse(value)) return issue("must be a URL");
  return [];
}

function checkObject(schema: JsonSchema, value: Record<string, unknown>, path: string): ArgIssue[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const issues: ArgIssue[] = [];
  for (const name of (schema.required ?? []) as string[]) {
    if (value[name] === undefined) issues.push({ path: join(path, name), message: "required" });
  }
  for (const [name, v] of Object.entries(value)) {
    const where = join(path, name);
    const known = Object.hasOwn(properties, name) ? properties[name] : undefined;
    if (schema.propertyNames) issues.push(...checkArgs(schema.propertyNames as JsonSchema, name, where));
    if (known) {
      // An optional property given as undefined cannot come from JSON; `null` is a value and is checked.
      if (v !== undefined) issues.push(...checkArgs(known, v, where));
    } else if (schema.additionalProperties === false) {
      issues.push({ path: where, message: "is not an argument of this tool" });
    } else if (typeof schema.additionalProperties === "object") {
      issues.push(...checkArgs(schema.additionalProperties as JsonSchema, v, where));
    }
  }
  return issues;
}

function isType(value: unknown, type: string): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return Number.isSafeInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    default:
      return false;
  }
}

function typeName(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

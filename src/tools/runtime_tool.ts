/**
 * A tool added at run time, checked into a manifest like the built-ins' (`ToolRegistry.register` loads this
 * module, and zod with it, only when a tool is registered). Its spec comes from outside the built-ins (later: a
 * user's config, an MCP server's list of tools), so everything in it is checked, and what is wrong is said.
 *
 * Such a tool is a built-in in all but its origin: its calls are validated against its schema, decided by the
 * policy from what its permission template (`needs`) says they reach, asked for, run in the sandbox with the
 * grant's flags only, and audited. An MCP tool joins the same way: the server's name, description and input
 * schema (JSON Schema) fill a spec, the user's config gives its permission template, and its `program` is the
 * sandboxed bridge that speaks to the server.
 */
import { z } from "zod";
import { EXIT, PaiError } from "../core/errors.ts";
import { REACH_ORDER } from "../core/mode_profile.ts";
import {
  ACCESS_KINDS,
  type AnyToolManifest,
  type GeneratedDefinition,
  offerOf,
  type ToolManifest,
} from "./manifest.ts";
import { findTool } from "./registry.ts";
import { type ArgIssue, type JsonSchema, unsupportedKeywords } from "./args_check.ts";

/**
 * The names a model may be given (OpenAI's and Anthropic's rule for function names): users write them in policy
 * rules and approvals, and the user's terminal shows them, so nothing else is ever a tool's name.
 */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** The prefixes of PAI's resource and memory tools: the call pipeline answers those itself, so no other tool may use them. */
const ANSWERED_PREFIXES = ["resource_", "memory_"];

export type { JsonSchema };

/**
 * What `ToolRegistry.register` takes: a manifest whose arguments are described by a zod schema or a JSON Schema
 * (of an object), and whose program is named by its absolute path. Internal tools and environment variables are
 * for the built-ins: a tool registered at run time is offered to the model like any other, and gets no variable.
 */
export interface RuntimeToolSpec<A = unknown>
  extends Omit<ToolManifest<A>, "check" | "program" | "internal" | "envNames" | "workingMemory"> {
  /**
   * Its arguments: a zod schema (its refinements are checked too) or a JSON Schema (as an MCP server gives it) of
   * an object, using only the keywords the call pipeline checks (`args_check.ts`).
   */
  schema: z.ZodType<A> | JsonSchema;
  /** The absolute path of the program the sandbox runs, speaking the tools' protocol (`tools/_protocol.ts`). */
  program: string;
}

/** A checked tool: its manifest, and its definition as the model sees it. */
export interface RuntimeTool {
  manifest: AnyToolManifest;
  definition: GeneratedDefinition;
}

const fn = z.custom((v) => typeof v === "function", "must be a function");
const text = (what: string) => z.string().refine((v) => v.trim() !== "", `must say ${what}`);

const SPEC = z.strictObject({
  name: z.string()
    .regex(TOOL_NAME, `must match ${TOOL_NAME.source} (letters, digits, "_" and "-"; at most 64)`)
    .refine(
      (n) => !ANSWERED_PREFIXES.some((prefix) => n.startsWith(prefix)),
      `must not start with "resource_" or "memory_" (PAI's resource and memory tools)`,
    ),
  description: text("what the tool does"),
  schema: z.custom<z.ZodType | JsonSchema>(
    (v) => v instanceof z.ZodType || (typeof v === "object" && v !== null && (v as JsonSchema).type === "object"),
    'must be a zod schema or a JSON Schema with "type": "object"',
  ),
  program: z.string().startsWith("/", "must be an absolute path"),
  access: z.enum(ACCESS_KINDS),
  readOnly: fn.optional(),
  network: z.boolean().optional(),
  reach: z.enum(REACH_ORDER).optional(),
  needs: fn,
  request: fn,
  facts: fn.optional(),
  present: fn.optional(),
  resultPaths: fn.optional(),
  permissionsDoc: text("what a call needs"),
}).refine((s) => (s.access === "either") === (s.readOnly !== undefined), {
  path: ["readOnly"],
  message: 'is needed exactly when access is "either" (it says which calls only read)',
});

/** The error for a spec that cannot be registered; the name is quoted as JSON (it may come from a server). */
export function refusal(name: unknown, why: string): PaiError {
  const shown = typeof name === "string" ? JSON.stringify(name.slice(0, 80)) : "(no name)";
  return new PaiError(`Cannot register tool ${shown}: ${why}`, { exitCode: EXIT.CONFIG });
}

/** Checks a spec, and makes it a manifest and a definition; throws a `PaiError` saying everything that is wrong. */
export async function checkedTool(spec: RuntimeToolSpec<unknown>): Promise<RuntimeTool> {
  const name = (spec as { name?: unknown } | null)?.name;
  const parsed = SPEC.safeParse(spec);
  if (!parsed.success) {
    throw refusal(name, parsed.error.issues.map((i) => `${i.path.join(".") || "spec"} ${i.message}`).join("; "));
  }
  // Internal built-ins count too: a registered fs_delete would otherwise be offered under a built-in's name.
  if (findTool(spec.name)) throw refusal(spec.name, "a built-in tool has that name, and no tool replaces a built-in");
  const { check, parameters } = argumentsOf(spec.name, spec.schema);
  // The spec has no other keys (SPEC is strict): an `expand` or `internal` never reaches the call pipeline.
  const { schema: _, ...rest } = spec;
  const manifest: AnyToolManifest = {
    ...rest,
    ...(check ? { check } : {}),
    program: await programOf(spec.name, spec.program),
  };
  const { description } = spec;
  return { manifest, definition: { name: spec.name, description, parameters, offer: offerOf(manifest) } };
}

/**
 * The JSON Schema the model is shown and each call is checked against, and, for a zod schema, the check of what its
 * JSON Schema cannot say (refinements: the whole zod parse, run after the schema's check).
 */
function argumentsOf(
  name: string,
  given: z.ZodType | JsonSchema,
): { parameters: JsonSchema; check?: (args: unknown) => ArgIssue[] } {
  let parameters: JsonSchema;
  try {
    // A copy of a JSON Schema: what the model is shown is what was checked, whatever the caller does with its object.
    parameters = given instanceof z.ZodType
      ? z.toJSONSchema(given, { io: "input" }) as JsonSchema
      : structuredClone(given);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw refusal(name, `schema cannot describe its arguments: ${why}`);
  }
  if (parameters.type !== "object") {
    throw refusal(name, "schema cannot describe its arguments: it does not describe an object");
  }
  const unknown = unsupportedKeywords(parameters);
  if (unknown.length) {
    throw refusal(name, `schema uses what PAI cannot check a call against (${unknown.slice(0, 5).join("; ")})`);
  }
  if (!(given instanceof z.ZodType)) return { parameters };
  const schema = given;
  return {
    parameters,
    check: (args) => {
      const parsed = schema.safeParse(args);
      return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    },
  };
}

/** The program's real path, checked to be a file: what the sandbox runs, and what the policy protects. */
async function programOf(name: string, program: string): Promise<string> {
  try {
    const real = await Deno.realPath(program);
    if (!(await Deno.stat(real)).isFile) throw new Error("it is not a file");
    return real;
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound
      ? "it does not exist"
      : error instanceof Error
      ? error.message
      : String(error);
    throw refusal(name, `program "${program}" cannot be run: ${why}`);
  }
}

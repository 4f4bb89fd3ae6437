/**
 * The tools of one run, as data. The built-in tools are its seed: their definitions are generated
 * (`definitions.json`, `deno task tool-schemas`, with the JSON Schema each call is checked against), so a run
 * that calls no tool loads no manifest, a call loads its own tool's, and none loads zod. Tools added at run time (`register`) bring their
 * own manifest: name, description, schema, program, permission template and what their calls change. They are
 * offered by the same rule (`offered`), and their calls take the one path of the built-ins' (`tool_runner.ts`):
 * validated, decided by the policy, asked for, run in the sandbox with the grant's flags, and audited.
 *
 * @example
 * ```ts
 * const registry = new ToolRegistry({ toolsDir: "/opt/pai/tools" });
 * await registry.register({
 *   name: "word_count",
 *   description: "Count the words of a text file.",
 *   schema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
 *   program: "/opt/my_tools/word_count.ts",
 *   access: "read",
 *   needs: (a: { path: string }) => ({ read: [a.path], write: [], net: [] }),
 *   request: (a: { path: string }, real) => ({ path: real(a.path) }),
 *   permissionsDoc: "read of that file",
 * });
 * ```
 */
import { lazyImport } from "../core/lazy_import.ts";
import definitions from "./definitions.json" with { type: "json" };
import type { AnyToolManifest, GeneratedDefinition } from "./manifest.ts";
import type { JsonSchema } from "./args_check.ts";
import type { RuntimeTool, RuntimeToolSpec } from "./runtime_tool.ts";

/** The built-in tools, with the internal ones (reached through resources, never offered). */
const BUILT_IN = definitions as GeneratedDefinition[];
/** The built-ins the model may be offered. */
const OFFERABLE = BUILT_IN.filter((d) => !d.internal);

/** Options for {@linkcode ToolRegistry}. */
export interface ToolRegistryOptions {
  /** The folder of the built-in tools' programs (the top-level `tools/`). */
  toolsDir: string;
}

/** The built-in tools and those added at run time, for one run. */
export class ToolRegistry {
  #toolsDir: string;
  #added = new Map<string, RuntimeTool>();

  constructor(options: ToolRegistryOptions) {
    this.#toolsDir = options.toolsDir;
  }

  /** Every tool the model may be offered, built-in ones first, each with what decides which modes are offered it. */
  definitions(): GeneratedDefinition[] {
    return [...OFFERABLE, ...[...this.#added.values()].map((t) => t.definition)];
  }

  /** The JSON Schema a call of this tool is checked against (`args_check.ts`), internal built-ins included. */
  parameters(name: string): JsonSchema | undefined {
    return this.#added.get(name)?.definition.parameters ?? BUILT_IN.find((d) => d.name === name)?.parameters;
  }

  /** The manifest of the tool with this name, internal built-ins included (whether it is offered is the caller's). */
  async find(name: string): Promise<AnyToolManifest | undefined> {
    const added = this.#added.get(name);
    if (added) return added.manifest;
    // A built-in manifest loads only when a call needs it, and only its own module (none loads zod).
    const { TOOL_MODULES } = await lazyImport<typeof import("./tool_modules.ts")>("./tool_modules.ts", import.meta.url);
    if (Object.hasOwn(TOOL_MODULES, name)) {
      const [module, exported] = TOOL_MODULES[name];
      const found = (await lazyImport<Record<string, AnyToolManifest>>(`./${module}`, import.meta.url))[exported];
      if (found?.name === name) return found;
    }
    const { findTool } = await lazyImport<typeof import("./registry.ts")>("./registry.ts", import.meta.url);
    return findTool(name);
  }

  /**
   * Adds a tool for the rest of the run. Throws a `PaiError` naming what is wrong: a name that is not model-safe
   * (`TOOL_NAME`), is a built-in's (internal ones included) or is already registered, a schema that does not
   * describe an object, a program that is not a file, a missing permission template.
   */
  async register<A>(spec: RuntimeToolSpec<A>): Promise<void> {
    const { checkedTool, refusal } = await lazyImport<typeof import("./runtime_tool.ts")>(
      "./runtime_tool.ts",
      import.meta.url,
    );
    const tool = await checkedTool(spec);
    const { name } = tool.definition;
    // Checked after the last await, so that two registrations of one name at once cannot both succeed.
    if (this.#added.has(name)) throw refusal(name, "a tool of that name is already registered");
    this.#added.set(name, tool);
  }

  /** Whether the tool was added at run time (not a built-in). */
  addedAtRunTime(name: string): boolean {
    return this.#added.has(name);
  }

  /** The absolute path of the program the sandbox runs for this tool. */
  program(tool: AnyToolManifest): string {
    return this.#added.has(tool.name) ? tool.program : `${this.#toolsDir}/${tool.program}`;
  }

  /**
   * The folders of the programs added at run time, for the policy to protect like `tools/`: a program runs as a
   * main module, whose static imports Deno does not check against any grant (DENO_SANDBOX.md, fact 2), so a call
   * that could change a file there could run code of its choosing, reading anything, at the next call.
   */
  programFolders(): string[] {
    return [...this.#added.values()].map(({ manifest: { program } }) =>
      program.slice(0, program.lastIndexOf("/")) || "/"
    );
  }
}

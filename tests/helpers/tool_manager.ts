/** A tool manager for tests of the call pipeline, and a tool to register at run time (`tests/fixtures/count_words.ts`). */
import { fileURLToPath } from "node:url";
import { PROFILES } from "../../src/modes/profiles.ts";
import type { RuntimeToolSpec } from "../../src/tools/runtime_tool.ts";
import { TOOL_LIMITS, ToolManager, type ToolManagerOptions, type ToolRecord } from "../../src/tools/tool_manager.ts";
import { ToolRegistry } from "../../src/tools/tool_registry.ts";

/** PAI's own tool programs (`tools/`). */
export const TOOLS_FOLDER = fileURLToPath(new URL("../../tools", import.meta.url));

/** The program of the test tool registered at run time. */
export const COUNT_WORDS = fileURLToPath(new URL("../fixtures/count_words.ts", import.meta.url));

/** The arguments of the test tool. */
export interface CountWordsArgs {
  path: string;
}

/** A spec of the test tool: it reads the one file its call names, its arguments described by a JSON Schema. */
export function countWordsSpec(over: Partial<RuntimeToolSpec<CountWordsArgs>> = {}): RuntimeToolSpec<CountWordsArgs> {
  return {
    name: "word_count",
    description: "Count the words of a text file.",
    schema: {
      type: "object",
      properties: { path: { type: "string", minLength: 1 } },
      required: ["path"],
      additionalProperties: false,
    },
    program: COUNT_WORDS,
    access: "read",
    needs: (a) => ({ read: [a.path], write: [], net: [] }),
    request: (a, real) => ({ path: real(a.path) }),
    permissionsDoc: "read of that file",
    ...over,
  };
}

/** A registry of the built-in tools, their programs in `tools/`. */
export function testRegistry(): ToolRegistry {
  return new ToolRegistry({ toolsDir: TOOLS_FOLDER });
}

/** A manager in agent mode with no approvals, no prompter and nothing protected; its audit records kept. */
export function testToolManager(
  options: Pick<ToolManagerOptions, "registry" | "workspace"> & Partial<ToolManagerOptions>,
): { manager: ToolManager; records: ToolRecord[] } {
  const records: ToolRecord[] = [];
  const manager = new ToolManager({
    profile: PROFILES.agent,
    protectedPaths: [],
    secretFolders: [],
    pregrants: { read: [], write: [], net: [] },
    approvals: { entries: () => [], remember: () => {} },
    record: (r) => Promise.resolve(void records.push(r)),
    limits: TOOL_LIMITS,
    policy: { rules: [], safe: false },
    ...options,
  });
  return { manager, records };
}

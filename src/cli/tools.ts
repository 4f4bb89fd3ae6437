/** `pai tools list` and `pai tools show NAME`: what the model may call and what each call needs. */
import type { CommandContext } from "@stricli/core";
import { EXIT, PaiError } from "../core/errors.ts";
import { openState } from "../modes/session_setup.ts";
import { TOOLS_DIR } from "../modes/tool_setup.ts";
import { describePermissions } from "../policy/decide.ts";
import { savedGrants } from "../store/saved_grants.ts";
import { type AnyToolManifest, type GeneratedDefinition, offered } from "../tools/manifest.ts";
import { ToolRegistry } from "../tools/tool_registry.ts";
import { PROFILES } from "../modes/profiles.ts";
import { stdout } from "../ui/output.ts";
import { line, neutralizeControls } from "../ui/sanitize.ts";
import { printTable } from "../ui/table.ts";

/** A tool as listed: its definition (what the model sees, when it is offered) and its manifest. */
interface Listed {
  definition: GeneratedDefinition;
  tool: AnyToolManifest;
}

/** The tools a user (and the model) sees, from a run's registry; internal ones are reached through resources. */
async function listed(): Promise<Listed[]> {
  const registry = new ToolRegistry({ toolsDir: TOOLS_DIR });
  return await Promise.all(
    registry.definitions().map(async (definition) => ({ definition, tool: (await registry.find(definition.name))! })),
  );
}

/** Flags of `pai tools list` and `show`. */
export interface ToolsFlags {
  json: boolean;
}

/** The modes offered the tool, from their profiles; "(read-only calls)" where only its calls that read may run. */
function modesOf({ offer }: GeneratedDefinition): string {
  return Object.values(PROFILES).filter((p) => offered(offer, p, false))
    .map((p) => p.tools === "read" && offer.access === "either" ? `${p.mode} (read-only calls)` : p.mode).join(", ");
}

function describe({ definition, tool }: Listed) {
  return {
    name: definition.name,
    description: definition.description,
    modes: modesOf(definition),
    permissions: tool.permissionsDoc,
    arguments: definition.parameters,
  };
}

/** Lists every tool. */
export async function list(this: CommandContext, flags: ToolsFlags): Promise<void> {
  const tools = await listed();
  if (flags.json) {
    stdout.write(`${JSON.stringify(tools.map(describe))}\n`);
    return;
  }
  printTable(stdout, [
    ["TOOL", "MODES", "A CALL NEEDS"],
    ...tools.map((t) => [t.definition.name, modesOf(t.definition), t.tool.permissionsDoc]),
  ]);
}

/** Shows one tool: description, arguments, the permissions a call needs, and approvals saved for it. */
export async function show(this: CommandContext, flags: ToolsFlags, name: string): Promise<void> {
  const tools = await listed();
  const found = tools.find((t) => t.definition.name === name);
  if (!found) {
    throw new PaiError(`Unknown tool "${name}": choose one of ${tools.map((t) => t.definition.name).join(", ")}`, {
      exitCode: EXIT.USAGE,
    });
  }
  const { tool } = found;
  const { db } = await openState();
  let saved;
  try {
    saved = savedGrants(db, tool.name);
  } finally {
    db.close();
  }
  const info = { ...describe(found), savedApprovals: saved };
  if (flags.json) {
    stdout.write(`${JSON.stringify(info)}\n`);
    return;
  }
  // Saved approvals name the paths the user once approved, which a model chose; a tool added at run time (MCP)
  // brings its own name, description and schema.
  stdout.write(
    line`${tool.name}: ${tool.description}\n\nmodes:        ${info.modes}\na call needs: ${tool.permissionsDoc}\n` +
      line`saved:        ${describePermissions(saved)}\n\narguments (JSON Schema):\n` +
      neutralizeControls(`${JSON.stringify(info.arguments, null, 2)}\n`),
  );
}

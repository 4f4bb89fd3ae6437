/** `pai tools list` and `pai tools show NAME`: what the model may call and what each call needs. */
import type { CommandContext } from "@stricli/core";
import { z } from "zod";
import { EXIT, PaiError } from "../core/errors.ts";
import { openState } from "../modes/session_setup.ts";
import { describePermissions } from "../policy/decide.ts";
import { savedGrants } from "../store/saved_grants.ts";
import type { AnyToolManifest } from "../tools/manifest.ts";
import { findTool, TOOLS as ALL_TOOLS } from "../tools/registry.ts";
import { PROFILES } from "../modes/profiles.ts";
import { offered, offerOf } from "../tools/manifest.ts";
import { stdout } from "../ui/output.ts";
import { line, neutralizeControls } from "../ui/sanitize.ts";
import { printTable } from "../ui/table.ts";

/** The tools a user (and the model) sees; internal ones are reached through resources. */
const TOOLS = ALL_TOOLS.filter((t) => !t.internal);

/** Flags of `pai tools list` and `show`. */
export interface ToolsFlags {
  json: boolean;
}

/** The modes offered the tool, from their profiles; "(read-only calls)" where only its calls that read may run. */
function modesOf(tool: AnyToolManifest): string {
  return Object.values(PROFILES).filter((p) => offered(offerOf(tool), p, false))
    .map((p) => p.tools === "read" && tool.access === "either" ? `${p.mode} (read-only calls)` : p.mode).join(", ");
}

function describe(tool: AnyToolManifest) {
  return {
    name: tool.name,
    description: tool.description,
    modes: modesOf(tool),
    permissions: tool.permissionsDoc,
    arguments: z.toJSONSchema(tool.schema, { io: "input" }),
  };
}

/** Lists every tool. */
export function list(this: CommandContext, flags: ToolsFlags): void {
  if (flags.json) {
    stdout.write(`${JSON.stringify(TOOLS.map(describe))}\n`);
    return;
  }
  printTable(stdout, [["TOOL", "MODES", "A CALL NEEDS"], ...TOOLS.map((t) => [t.name, modesOf(t), t.permissionsDoc])]);
}

/** Shows one tool: description, arguments, the permissions a call needs, and approvals saved for it. */
export async function show(this: CommandContext, flags: ToolsFlags, name: string): Promise<void> {
  const tool = TOOLS.includes(findTool(name)!) ? findTool(name) : undefined;
  if (!tool) {
    throw new PaiError(`Unknown tool "${name}": choose one of ${TOOLS.map((t) => t.name).join(", ")}`, {
      exitCode: EXIT.USAGE,
    });
  }
  const { db } = await openState();
  let saved;
  try {
    saved = savedGrants(db, tool.name);
  } finally {
    db.close();
  }
  const info = { ...describe(tool), savedApprovals: saved };
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

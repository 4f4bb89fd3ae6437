/** The command tree, for the commands that describe it (`pai completions`): `main.ts` registers it before it runs. */
import type { CommandContext, RouteMap } from "@stricli/core";
import { EXIT, PaiError } from "../core/errors.ts";

let tree: RouteMap<CommandContext> | undefined;

/** Registers the command tree. */
export function registerCommandTree(root: RouteMap<CommandContext>): void {
  tree = root;
}

/** The command tree registered. */
export function commandTree(): RouteMap<CommandContext> {
  if (!tree) throw new PaiError("internal: the command tree was not registered", { exitCode: EXIT.FAILURE });
  return tree;
}

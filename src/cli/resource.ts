/** `pai resource add|list|rm`: the user's named data and its labels. */
import type { CommandContext } from "@stricli/core";
import { EXIT, PaiError } from "../core/errors.ts";
import { paiPaths } from "../core/paths.ts";
import type { Label } from "../policy/policy.ts";
import { loadResources, type ResourceKind, saveResources } from "../resources/registry.ts";
import { absolute } from "../tools/resolve_paths.ts";
import { stdout } from "../ui/output.ts";
import { printTable } from "../ui/table.ts";

/** Flags of `pai resource add`. */
export interface AddFlags {
  kind: ResourceKind;
  uri: string;
  label: Label;
  description?: string;
}

/** Registers a file or folder under a name, with a label. */
export async function add(this: CommandContext, flags: AddFlags, name: string): Promise<void> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new PaiError(`Invalid resource name "${name}": use letters, digits, ".", "_" and "-"`, {
      exitCode: EXIT.USAGE,
    });
  }
  let uri: string;
  let info: Deno.FileInfo;
  try {
    uri = await Deno.realPath(absolute(flags.uri, Deno.cwd()));
    info = await Deno.stat(uri);
  } catch {
    throw new PaiError(`--uri "${flags.uri}": no such file or folder`, { exitCode: EXIT.USAGE });
  }
  if ((flags.kind === "file") !== info.isFile) {
    throw new PaiError(`--uri "${flags.uri}" is not a ${flags.kind}`, {
      exitCode: EXIT.USAGE,
      hint: `Use --kind ${info.isFile ? "file" : "folder"}`,
    });
  }
  const { configDir } = paiPaths();
  const resources = await loadResources(configDir);
  if (resources.some((r) => r.name === name)) {
    throw new PaiError(`A resource named "${name}" exists already`, {
      exitCode: EXIT.USAGE,
      hint: `pai resource rm ${name} first`,
    });
  }
  saveResources(configDir, [...resources, {
    name,
    kind: flags.kind,
    uri,
    label: flags.label,
    description: flags.description,
  }]);
  stdout.write(`Registered ${name}: ${flags.kind} ${uri}, labelled ${flags.label}.\n`);
}

/** Lists the resources. */
export async function list(this: CommandContext, flags: { json: boolean }): Promise<void> {
  const resources = await loadResources(paiPaths().configDir);
  if (flags.json) stdout.write(`${JSON.stringify(resources)}\n`);
  else if (!resources.length) {
    stdout.write("No resources. Register one with: pai resource add NAME --kind file --uri PATH\n");
  } else {printTable(stdout, [
      ["NAME", "KIND", "LABEL", "URI"],
      ...resources.map((r) => [r.name, r.kind, r.label, r.uri]),
    ]);}
}

/** Forgets a resource. */
export async function rm(this: CommandContext, _flags: Record<never, never>, name: string): Promise<void> {
  const { configDir } = paiPaths();
  const resources = await loadResources(configDir);
  if (!resources.some((r) => r.name === name)) {
    throw new PaiError(`No resource named "${name}"`, { exitCode: EXIT.USAGE });
  }
  saveResources(configDir, resources.filter((r) => r.name !== name));
  stdout.write(`Forgot ${name} (the data itself is untouched).\n`);
}

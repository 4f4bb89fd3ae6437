/** `pai template add|list|show|rm`: named system prompts (and models) for `pai prompt|chat|agent -t NAME`. */
import type { CommandContext } from "@stricli/core";
import { EXIT, PaiError } from "../core/errors.ts";
import { paiPaths } from "../core/paths.ts";
import { parseModelRef } from "../providers/model_ref.ts";
import { findTemplate, loadTemplates, removeTemplate, saveTemplate } from "../store/templates.ts";
import { stdout } from "../ui/output.ts";
import { line, neutralizeControls } from "../ui/sanitize.ts";
import { printTable } from "../ui/table.ts";
import { readPipedStdin } from "./stdin.ts";

/** Flags of `pai template add`. */
export interface AddFlags {
  system: string;
  model?: string;
  force: boolean;
}

/** Saves a template; `--system -` reads the system prompt from stdin. */
export async function add(this: CommandContext, flags: AddFlags, name: string): Promise<void> {
  const system = flags.system === "-" ? (await readPipedStdin({ terminalToo: true })).trim() : flags.system;
  if (!system.trim()) {
    throw new PaiError("--system is empty: a template needs a system prompt", {
      exitCode: EXIT.USAGE,
      hint: 'Example: pai template add reviewer --system "You review code for bugs"',
    });
  }
  // Checked as -m checks it; which provider it names is known only when it is used (an alias may change).
  if (flags.model !== undefined) parseModelRef(flags.model, "--model");
  saveTemplate(paiPaths().configDir, name, { system, ...(flags.model ? { model: flags.model } : {}) }, flags.force);
  stdout.write(line`Saved template "${name}". Use it with: pai prompt -t ${name} "…"` + "\n");
}

/** Lists the templates. */
export function list(this: CommandContext, flags: { json: boolean }): void {
  const templates = loadTemplates(paiPaths().configDir);
  if (flags.json) return void stdout.write(`${JSON.stringify(templates)}\n`);
  const names = Object.keys(templates);
  if (!names.length) {
    return void stdout.write('No templates. Add one: pai template add NAME --system "…" [--model PROVIDER:MODEL]\n');
  }
  const firstLine = (text: string) => text.split("\n")[0].slice(0, 80);
  printTable(stdout, [
    ["NAME", "MODEL", "SYSTEM PROMPT"],
    ...names.map((n) => [n, templates[n].model ?? "(the session's)", firstLine(templates[n].system)]),
  ]);
}

/** Shows one template whole. */
export function show(this: CommandContext, flags: { json: boolean }, name: string): void {
  const template = findTemplate(paiPaths().configDir, name);
  if (flags.json) return void stdout.write(`${JSON.stringify({ name, ...template })}\n`);
  stdout.write(line`${name} (model: ${template.model ?? "the session's"})` + "\n");
  stdout.write(`${neutralizeControls(template.system)}\n`);
}

/** Removes a template. */
export function rm(this: CommandContext, _flags: Record<never, never>, name: string): void {
  if (!removeTemplate(paiPaths().configDir, name)) {
    throw new PaiError(`No template "${name}"`, { exitCode: EXIT.USAGE, hint: '"pai template list" lists them' });
  }
  stdout.write(line`Removed template "${name}".` + "\n");
}

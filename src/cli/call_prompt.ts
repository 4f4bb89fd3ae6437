/**
 * `-s/--system TEXT` and `-t/--template NAME` on `prompt`, `chat` and `agent`: the system prompt (and model) of one
 * call. `-s` wins over the template's system prompt, `-m` over its model. Such a system prompt is scanned before
 * anything is sent and recorded with the prompt (`engine.ts`: `systemFrom`).
 */
import { EXIT, PaiError } from "../core/errors.ts";
import { lazyImport } from "../core/lazy_import.ts";
import { paiPaths } from "../core/paths.ts";

/** The flags that choose a call's system prompt and model. */
export interface SystemFlags {
  system?: string;
  template?: string;
  model?: string;
}

/** A call's model (absent: the session's) and system prompt (absent: config.json's), with where it came from. */
export interface CallPrompt {
  model?: string;
  system?: { text: string; from: string };
}

/** What `-s`, `-t` and `-m` choose; the templates (and zod, which checks them) load only for `-t`. */
export async function callPrompt(flags: SystemFlags): Promise<CallPrompt> {
  const template = flags.template === undefined ? undefined : (await lazyImport<
    typeof import("../store/templates.ts")
  >("../store/templates.ts", import.meta.url)).findTemplate(paiPaths().configDir, flags.template);
  const system = flags.system !== undefined
    ? { text: flags.system, from: "-s" }
    : template
    ? { text: template.system, from: `template "${flags.template}"` }
    : undefined;
  // An empty system prompt would send none at all: said, not done.
  if (system && !system.text.trim()) {
    throw new PaiError(`The system prompt of ${system.from} is empty: nothing was sent`, {
      exitCode: EXIT.USAGE,
      hint: "Give it some text, or leave -s out for config.json's",
    });
  }
  const model = flags.model ?? template?.model;
  return { ...(model !== undefined ? { model } : {}), ...(system ? { system } : {}) };
}

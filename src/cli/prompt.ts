/** `pai prompt`: one prompt, one answer. */
import type { CommandContext } from "@stricli/core";
import { callPrompt } from "./call_prompt.ts";
import { EXIT, PaiError } from "../core/errors.ts";
import { PROMPT } from "../modes/profiles.ts";
import { openSession } from "../modes/session_setup.ts";
import { stderr, stdout } from "../ui/output.ts";
import { line } from "../ui/sanitize.ts";
import { readPipedStdin, stdinDash } from "./stdin.ts";
import { answerDisplay, type DisplayFlags, printedTurn } from "./turn_output.ts";
import {
  cutShort,
  printDryRun,
  resultJson,
  type ResumeFlags,
  type ToolFlags,
  turnContext,
  withInput,
} from "./turn_setup.ts";

/** Flags of `pai prompt`. */
export interface PromptFlags extends ToolFlags, ResumeFlags, DisplayFlags {
  stream: boolean;
  json: boolean;
  maxChain: number;
  dryRun: boolean;
}

/** Sends the prompt (with piped stdin attached; a lone `-` reads it from a terminal too) and prints the answer. */
export async function prompt(this: CommandContext, flags: PromptFlags, ...words: string[]): Promise<void> {
  const { text: typed, dash } = stdinDash(words);
  const text = withAttachment(typed, await readPipedStdin({ terminalToo: dash }));
  if (!text) {
    throw new PaiError("Nothing to send: give a prompt or pipe text on stdin", {
      exitCode: EXIT.USAGE,
      hint: 'Example: pai prompt "Summarise this" < notes.md',
    });
  }
  const call = await callPrompt(flags);
  const ctx = await openSession({
    notice: (text) => stderr.write(line`${text}\n`),
    safe: flags.safe,
    model: call.model,
    resume: { session: flags.session, last: flags.continue },
  });
  try {
    const turn = await turnContext(ctx, PROMPT, flags, { rounds: flags.maxChain }, { system: call.system });
    const input = await withInput({ ...turn, ...ctx }, { resources: flags.resource, files: flags.attach }, text);
    const result = await printedTurn(turn, input.text, {
      attached: input,
      stream: flags.stream,
      out: flags.json || flags.dryRun ? undefined : stdout,
      maxToolRounds: flags.maxChain,
      dryRun: flags.dryRun,
      display: answerDisplay(stdout, flags, ctx.config, turn.price),
    });
    if (flags.dryRun) return printDryRun(ctx, result);
    const failure = cutShort(ctx, result);
    if (flags.json) stdout.write(`${resultJson(ctx, result, { failure })}\n`);
    if (failure) throw failure;
  } finally {
    ctx.db.close();
  }
}

/** The prompt with piped text attached after it, delimited so the model can tell them apart. */
export function withAttachment(prompt: string, piped: string): string {
  if (!piped.trim()) return prompt;
  if (!prompt) return piped;
  return `${prompt}\n\n<stdin>\n${piped.replace(/\n$/, "")}\n</stdin>`;
}

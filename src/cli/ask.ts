/** `pai ask`: a quick prompt with no session: no tools, no history; scanned, budgeted and audited like every prompt. */
import type { CommandContext } from "@stricli/core";
import { EXIT, PaiError } from "../core/errors.ts";
import { ASK } from "../modes/profiles.ts";
import { openAsk } from "../modes/ask_setup.ts";
import { stderr, stdout } from "../ui/output.ts";
import { line } from "../ui/sanitize.ts";
import { withAttachment } from "./prompt.ts";
import { readPipedStdin, stdinDash } from "./stdin.ts";
import { answerDisplay, type DisplayFlags, printedTurn } from "./turn_output.ts";
import { cutShort, resultJson, turnContext } from "./turn_setup.ts";

/** Flags of `pai ask`. */
export interface AskFlags extends DisplayFlags {
  model?: string;
  stream: boolean;
  json: boolean;
  safe: boolean;
}

/** Sends the question (with piped stdin attached, as `prompt` does) to the chosen model and prints the answer. */
export async function ask(this: CommandContext, flags: AskFlags, ...words: string[]): Promise<void> {
  const { text: typed, dash } = stdinDash(words);
  const text = withAttachment(typed, await readPipedStdin({ terminalToo: dash }));
  if (!text) {
    throw new PaiError("Nothing to ask: give a question or pipe text on stdin", {
      exitCode: EXIT.USAGE,
      hint: 'Example: pai ask "What is the capital of Australia?"',
    });
  }
  const ctx = await openAsk({ notice: (text) => stderr.write(line`${text}\n`), safe: flags.safe, model: flags.model });
  try {
    const turn = await turnContext(ctx, ASK, { tools: false, safe: flags.safe });
    const result = await printedTurn(turn, text, {
      stream: flags.stream,
      out: flags.json ? undefined : stdout,
      display: answerDisplay(stdout, flags, ctx.config, turn.price),
    });
    const failure = cutShort(ctx, result);
    if (flags.json) stdout.write(`${resultJson(ctx, result, { failure })}\n`);
    if (failure) throw failure;
  } finally {
    ctx.db.close();
  }
}

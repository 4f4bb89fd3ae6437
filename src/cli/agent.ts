/** `pai agent`: the autonomous loop, prompt → tool calls → results → re-prompt, until done or a limit. */
import type { CommandContext } from "@stricli/core";
import { EXIT, PaiError } from "../core/errors.ts";
import { AGENT } from "../modes/profiles.ts";
import { openSession } from "../modes/session_setup.ts";
import { dim, stderr, stdout } from "../ui/output.ts";
import { line } from "../ui/sanitize.ts";
import { readPipedStdin, stdinDash } from "./stdin.ts";
import { answerDisplay, type DisplayFlags, printedTurn } from "./turn_output.ts";
import { callPrompt } from "./call_prompt.ts";
import { runFiles } from "../store/undo_files.ts";
import {
  cutShort,
  newRunId,
  printDryRun,
  resultJson,
  type ResumeFlags,
  type ToolFlags,
  turnContext,
  withInput,
} from "./turn_setup.ts";

/** Flags of `pai agent`. */
export interface AgentFlags extends ToolFlags, ResumeFlags, DisplayFlags {
  maxSteps: number;
  maxSeconds: number;
  stream: boolean;
  json: boolean;
  dryRun: boolean;
}

/** Works toward the goal with tools; every grant explicit, every step shown. A lone `-` reads the goal from stdin. */
export async function agent(this: CommandContext, flags: AgentFlags, ...words: string[]): Promise<void> {
  const { text, dash } = stdinDash(words);
  const goal = dash ? [text, (await readPipedStdin({ terminalToo: true })).trim()].filter(Boolean).join("\n\n") : text;
  if (!goal) {
    throw new PaiError("Give the agent a goal", {
      exitCode: EXIT.USAGE,
      hint: 'Example: pai agent "Tidy notes/todo.md"',
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
    const runId = newRunId();
    const turn = await turnContext(ctx, AGENT, flags, { rounds: flags.maxSteps, seconds: flags.maxSeconds }, {
      system: call.system,
      runId,
    });
    const input = await withInput({ ...turn, ...ctx }, { resources: flags.resource, files: flags.attach }, goal);
    const result = await printedTurn(turn, input.text, {
      attached: input,
      stream: flags.stream,
      out: flags.json || flags.dryRun ? undefined : stdout,
      maxToolRounds: flags.maxSteps,
      timeLimitMs: flags.maxSeconds * 1000,
      dryRun: flags.dryRun,
      display: answerDisplay(stdout, flags, ctx.config, turn.price),
    });
    if (flags.dryRun) return printDryRun(ctx, result);
    const changed = runFiles(ctx.db, runId).length;
    if (changed && !flags.json) {
      stderr.write(dim(stderr, `Changed ${changed} file(s): "pai undo ${runId}" puts them back as they were.\n`));
    }
    const failure = cutShort(ctx, result);
    if (flags.json) stdout.write(`${resultJson(ctx, result, { failure })}\n`);
    if (failure) throw failure;
  } finally {
    ctx.db.close();
  }
}

/** `pai chat`: an interactive conversation that keeps its history in the session. */
import type { CommandContext } from "@stricli/core";
import { PaiError } from "../core/errors.ts";
import type { ModeProfile } from "../core/mode_profile.ts";
import { CHAT } from "../modes/profiles.ts";
import { openSession } from "../modes/session_setup.ts";
import { dim, stderr, stdout } from "../ui/output.ts";
import { line } from "../ui/sanitize.ts";
import { readLines } from "./stdin.ts";
import { printedTurn } from "./turn_output.ts";
import {
  budgetStop,
  type ResumeFlags,
  type ToolFlags,
  turnContext,
  withPolicyNow,
  withResources,
} from "./turn_setup.ts";

/** Flags of `pai chat`. */
export interface ChatFlags extends ToolFlags, ResumeFlags {
  stream: boolean;
}

const ENDINGS = new Set(["exit", "quit", "/exit", "/quit"]);

/**
 * Reads messages from the terminal (or one per line from piped stdin) until
 * exit, quit, Ctrl+D or Ctrl+C. On a terminal a failed turn is reported and
 * the chat goes on; with piped input it ends the run with the error.
 */
export async function chat(this: CommandContext, flags: ChatFlags): Promise<void> {
  await converse(CHAT, flags, "Chatting with");
}

/** The conversation loop of a mode's profile (chat's, or the interactive assistant's), its banner starting so. */
export async function converse(profile: ModeProfile, flags: ChatFlags, banner: string): Promise<void> {
  const interactive = Deno.stdin.isTerminal();
  const ctx = await openSession({
    notice: (text) => stderr.write(line`${text}\n`),
    safe: flags.safe,
    model: flags.model,
    resume: { session: flags.session, last: flags.continue },
  });
  try {
    let turn = await turnContext(ctx, profile, flags);
    if (interactive) {
      const who = `${ctx.session.provider} (${ctx.session.model})`;
      stderr.write(dim(stderr, line`${banner} ${who}. End with exit, quit, Ctrl+D or Ctrl+C.\n`));
    }
    const lines = interactive ? terminalLines(dim(stdout, "you› ")) : readLines(Deno.stdin.readable);
    // --resource files go with the first message.
    let attach = flags.resource ?? [];
    let first = true;
    for await (const typed of lines) {
      const text = typed.trim();
      if (!text) continue;
      if (ENDINGS.has(text.toLowerCase())) break;
      try {
        // Each later turn is judged by the policy and the resources as they are then (labels may change meanwhile).
        if (!first) turn = await turnContext(await withPolicyNow(ctx, flags.safe), profile, flags);
        first = false;
        const input = await withResources({ ...turn, ...ctx }, attach, text);
        const result = await printedTurn(turn, input.text, {
          inputLabel: input.label,
          inputSources: input.sources,
          stream: flags.stream,
          out: stdout,
        });
        attach = [];
        // A budget that stopped the turn's tool calls is said as an error: on a terminal the chat goes on.
        const stopped = budgetStop(result);
        if (stopped) throw stopped;
      } catch (error) {
        if (!interactive || !(error instanceof PaiError)) throw error;
        stderr.write(line`${error.message}\n`);
      }
    }
  } finally {
    ctx.db.close();
  }
}

/**
 * Lines typed at a terminal, with line editing and history. A fresh readline
 * per line, closed while the answer streams, so that Ctrl+C during an answer
 * reaches PAI as SIGINT (stopping only that answer) instead of being read as
 * input; Ctrl+C or Ctrl+D at the prompt ends the chat.
 */
async function* terminalLines(prompt: string): AsyncIterable<string> {
  const { createInterface } = await import("node:readline");
  const { default: process } = await import("node:process");
  let history: string[] = [];
  while (true) {
    const line = await new Promise<string | null>((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true, history });
      let settled = false;
      const finish = (value: string | null) => {
        if (settled) return;
        settled = true;
        history = [...(rl as unknown as { history: string[] }).history];
        rl.close();
        resolve(value);
      };
      rl.on("line", finish);
      rl.on("SIGINT", () => finish(null));
      rl.on("close", () => finish(null));
      rl.setPrompt(prompt);
      rl.prompt();
    });
    if (line === null) {
      stdout.write("\n");
      return;
    }
    yield line;
  }
}

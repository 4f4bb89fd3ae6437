/** `pai chat`: an interactive conversation that keeps its history in the session. */
import type { CommandContext } from "@stricli/core";
import { EXIT, PaiError } from "../core/errors.ts";
import type { ModeProfile } from "../core/mode_profile.ts";
import { CHAT } from "../modes/profiles.ts";
import type { TurnContext } from "../modes/engine.ts";
import { openSession, type SessionContext } from "../modes/session_setup.ts";
import { countMessages } from "../store/messages.ts";
import { blockOpen, messageOf } from "../ui/line_editor.ts";
import { dim, stderr, stdout } from "../ui/output.ts";
import { line, neutralizeControls } from "../ui/sanitize.ts";
import {
  chatCost,
  chatHelp,
  type ChatInput,
  chatTools,
  parseChatInput,
  refuseUnoffered,
  saveChat,
} from "./chat_commands.ts";
import { resetSession } from "./reset.ts";
import { TerminalInput } from "./terminal_input.ts";
import type { Attachments } from "./attachments.ts";
import { type CallPrompt, callPrompt } from "./call_prompt.ts";
import { readLines } from "./stdin.ts";
import { answerDisplay, type DisplayFlags, printedTurn } from "./turn_output.ts";
import { budgetStop, type ResumeFlags, type ToolFlags, turnContext, withInput, withPolicyNow } from "./turn_setup.ts";

/** Flags of `pai chat`. */
export interface ChatFlags extends ToolFlags, ResumeFlags, DisplayFlags {
  stream: boolean;
}

/** Words that end a chat when typed alone (as `/exit` and `/quit` do). */
const ENDINGS = new Set(["exit", "quit"]);

/** The prompt of a message's first line and of each line after it. */
const PROMPTS = {
  first: { text: dim(stdout, "you› "), width: 5 },
  rest: { text: dim(stdout, "  …  "), width: 5 },
};

/**
 * Reads messages from the terminal (or one per line from piped stdin) until
 * exit, quit, /exit, Ctrl+D or a second Ctrl+C. On a terminal a failed turn is
 * reported and the chat goes on; with piped input it ends the run with the error.
 */
export async function chat(this: CommandContext, flags: ChatFlags): Promise<void> {
  await converse(CHAT, flags, "Chatting with");
}

/** The conversation loop of a mode's profile (chat's, or the interactive assistant's), its banner starting so. */
export async function converse(profile: ModeProfile, flags: ChatFlags, banner: string): Promise<void> {
  const interactive = Deno.stdin.isTerminal();
  const call = await callPrompt(flags);
  let ctx = await openSession({
    notice,
    safe: flags.safe,
    model: call.model,
    resume: { session: flags.session, last: flags.continue },
  });
  let input: TerminalInput | undefined;
  try {
    const setup = { profile, flags, system: call.system };
    let turn = await turnOf(ctx, setup);
    if (interactive) {
      stderr.write(dim(stderr, `${bannerOf(banner, ctx)}\n`));
      input = await TerminalInput.open();
    }
    const messages = input ? terminalMessages(input) : pipedMessages(readLines(Deno.stdin.readable));
    // --resource and --attach go with the first message.
    let attach: Attachments = { resources: flags.resource, files: flags.attach };
    let fresh = true;
    for await (const typed of messages) {
      const text = tidy(typed);
      if (!text) continue;
      if (!text.includes("\n") && ENDINGS.has(text.toLowerCase())) break;
      try {
        const parsed = parseChatInput(text);
        if (parsed.kind === "command") {
          if (parsed.name === "exit") break;
          ({ ctx, turn } = await runCommand(parsed, { ctx, turn }, setup));
          continue;
        }
        // Each later turn is judged by the policy and the resources as they are then (labels may change meanwhile).
        if (!fresh) turn = await turnOf(await withPolicyNow(ctx, flags.safe), setup);
        fresh = false;
        const sent = await withInput({ ...turn, ...ctx }, attach, parsed.text);
        const result = await printedTurn(turn, sent.text, {
          attached: sent,
          stream: flags.stream,
          out: stdout,
          display: answerDisplay(stdout, flags, ctx.config, turn.price),
        });
        attach = {};
        // A budget that stopped the turn's tool calls is said as an error: on a terminal the chat goes on.
        const stopped = budgetStop(result);
        if (stopped) throw stopped;
      } catch (error) {
        if (!interactive || !(error instanceof PaiError)) throw error;
        stderr.write(line`${error.message}\n`);
        if (error.hint) stderr.write(dim(stderr, line`${error.hint}\n`));
      }
    }
  } finally {
    input?.close();
    ctx.db.close();
  }
}

function notice(text: string): void {
  stderr.write(line`${text}\n`);
}

/** "Chatting with openai (gpt-4o), session notes: 12 messages so far. …" */
function bannerOf(banner: string, ctx: SessionContext): string {
  const { session } = ctx;
  const held = countMessages(ctx.db, session.id);
  const what = held ? `${held} messages so far` : "a new conversation";
  return line`${banner} ${session.provider} (${session.model}), session ${session.name ?? session.id.slice(0, 8)}: ` +
    `${what}. /help lists the commands; Ctrl+D ends the chat.`;
}

/** A message as sent: a single line trimmed; several lines with their indentation, blank lines around them cut. */
function tidy(text: string): string {
  return text.includes("\n") ? text.replace(/^(?:[ \t]*\n)+/, "").trimEnd() : text.trim();
}

/** What each turn of the chat is set up with: the mode's profile, the flags, the system prompt of `-s` or `-t`. */
interface ChatSetup {
  profile: ModeProfile;
  flags: ChatFlags;
  system: CallPrompt["system"];
}

function turnOf(ctx: SessionContext, { profile, flags, system }: ChatSetup): Promise<TurnContext> {
  return turnContext(ctx, profile, flags, {}, { system });
}

/** The chat's state a command may change: the session (`/model` opens it again) and the turn's context. */
interface ChatState {
  ctx: SessionContext;
  turn: TurnContext;
}

/** Runs a slash command; its output goes to stdout, as an answer does. */
async function runCommand(
  command: Extract<ChatInput, { kind: "command" }>,
  { ctx, turn }: ChatState,
  setup: ChatSetup,
): Promise<ChatState> {
  const { flags } = setup;
  const say = (text: string) => stdout.write(`${neutralizeControls(text)}\n`);
  switch (command.name) {
    case "help":
      say(chatHelp());
      break;
    case "model": {
      if (!command.arg) {
        say(`${ctx.session.provider} (${ctx.session.model}). /model PROVIDER:MODEL switches.`);
        break;
      }
      const next = await openSession({
        notice,
        safe: flags.safe,
        model: command.arg,
        resume: { session: ctx.session.id },
      });
      try {
        await refuseUnoffered(next.provider.resolved);
        turn = await turnOf(next, setup);
      } catch (error) {
        next.db.close();
        throw error;
      }
      ctx.db.close();
      say(
        `Now ${next.session.provider} (${next.session.model}), in the same conversation. Each request is checked ` +
          "again: history this model may not receive is not sent to it.",
      );
      return { ctx: next, turn };
    }
    case "clear":
      say(await resetSession(ctx.db, ctx.session));
      return { ctx, turn: await turnOf(ctx, setup) };
    case "tools":
      say(chatTools(turn));
      break;
    case "cost":
      say(chatCost(ctx));
      break;
    case "save":
      say(await saveChat(ctx, command.arg));
      break;
    case "exit":
      break;
    default:
      command.name satisfies never;
  }
  return { ctx, turn };
}

/** The messages typed at the terminal (a closed block without its fences). */
async function* terminalMessages(input: TerminalInput): AsyncIterable<string> {
  while (true) {
    const text = await input.read(PROMPTS);
    if (text === undefined) return;
    yield messageOf(text);
  }
}

/** Piped messages: one per line, or a block of lines between two lines `"""`. */
async function* pipedMessages(lines: AsyncIterable<string>): AsyncIterable<string> {
  let text: string | undefined;
  for await (const next of lines) {
    text = text === undefined ? next : `${text}\n${next}`;
    if (blockOpen(text)) continue;
    yield messageOf(text);
    text = undefined;
  }
  if (text !== undefined) {
    throw new PaiError('The input ended inside a """ block: its text was not sent', {
      exitCode: EXIT.USAGE,
      hint: 'Close the block with a line """',
    });
  }
}

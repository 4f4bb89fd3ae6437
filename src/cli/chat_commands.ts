/**
 * Chat's slash commands. A message starting with `/` is a command, never text for the model: an unknown one is an
 * error, and `//` starts a message that begins with `/` (a path, say).
 */
import { sessionUsage } from "../audit/log.ts";
import { EXIT, PaiError } from "../core/errors.ts";
import { higherLabel, type Label } from "../core/types.ts";
import { probeModels } from "../providers/local_probe.ts";
import { findOfferedModel } from "../providers/model_names.ts";
import { formatUsd } from "../providers/prices.ts";
import type { ResolvedProvider } from "../providers/registry.ts";
import { paiPaths } from "../core/paths.ts";
import { untouchable } from "../policy/protected_paths.ts";
import { listMessages } from "../store/messages.ts";
import { markWritten } from "../store/written_labels.ts";
import type { SessionContext } from "../modes/session_setup.ts";
import type { TurnContext } from "../modes/engine.ts";
import { conversationMarkdown } from "./history.ts";

/** Each command, what it takes, and what it does (as `/help` says). */
export const CHAT_COMMANDS = {
  help: { args: "", brief: "These commands, and the keys of the prompt" },
  model: { args: "[PROVIDER:MODEL|ALIAS]", brief: "Show the model, or switch to another; the conversation goes on" },
  clear: { args: "", brief: "Forget the conversation, as pai reset does (the audit log keeps its records)" },
  tools: { args: "", brief: "The tools the model may call in this chat" },
  cost: { args: "", brief: "Tokens and cost of this session so far" },
  save: { args: "FILE", brief: "Write the conversation to a new file, as Markdown" },
  exit: { args: "", brief: "End the chat (also /quit, exit, quit, Ctrl+D)" },
} as const;

/** A chat command's name. */
export type ChatCommandName = keyof typeof CHAT_COMMANDS;

/** What a line typed in a chat is: a message for the model, or a command with its argument. */
export type ChatInput = { kind: "message"; text: string } | { kind: "command"; name: ChatCommandName; arg: string };

/**
 * Reads a message of a chat; throws for an unknown command or a command used wrongly. Only a single line can be a
 * command (a pasted snippet or a block that starts with `/` or `//` is sent as it is), and a first word with another
 * `/` in it is a path (`/usr/bin/ls: not found`), not a command.
 */
export function parseChatInput(text: string): ChatInput {
  if (text.includes("\n") || !text.startsWith("/")) return { kind: "message", text };
  if (text.startsWith("//")) return { kind: "message", text: text.slice(1) };
  const [word, ...rest] = text.slice(1).split(/\s+/);
  if (word.includes("/")) return { kind: "message", text };
  const typed = word.toLowerCase();
  const name = typed === "quit" ? "exit" : typed;
  if (!Object.hasOwn(CHAT_COMMANDS, name)) {
    throw new PaiError(`Unknown command "/${word}": nothing was sent`, {
      exitCode: EXIT.USAGE,
      hint: "Type /help for the commands; start with // to send a message that begins with /",
    });
  }
  const command = name as ChatCommandName;
  const arg = rest.join(" ");
  const { args } = CHAT_COMMANDS[command];
  if (!args && arg) throw new PaiError(`/${command} takes no argument`, { exitCode: EXIT.USAGE });
  if (args && !args.startsWith("[") && !arg) {
    throw new PaiError(`/${command} needs ${args}`, { exitCode: EXIT.USAGE, hint: `Type /${command} ${args}` });
  }
  return { kind: "command", name: command, arg };
}

/** The text of `/help`. */
export function chatHelp(): string {
  const rows = Object.entries(CHAT_COMMANDS).map(([name, c]) =>
    `  /${`${name} ${c.args}`.trimEnd().padEnd(30)}${c.brief}`
  );
  return [
    "Commands:",
    ...rows,
    `  ${"//text".padEnd(30)} Send a message that starts with /`,
    "Keys: Enter sends. Alt+Enter or Ctrl+J starts a new line, so does \\ before Enter; a pasted text is kept whole;",
    '  a line """ opens a block that another """ line closes. Up and Down go through earlier messages.',
    "  Ctrl+C clears the line (during an answer, stops it); Ctrl+C on an empty line twice, or Ctrl+D, ends the chat.",
  ].join("\n");
}

/**
 * Refuses `/model` to a model its provider does not offer, when the provider lists its models (nothing is sent but
 * that listing): the mistake is said at once, not at the next message.
 */
export async function refuseUnoffered(resolved: ResolvedProvider): Promise<void> {
  const offered = await probeModels(resolved);
  if (!offered?.length || findOfferedModel(resolved.spec.name, resolved.model, offered) !== undefined) return;
  const listed = offered.slice(0, 10).join(", ") + (offered.length > 10 ? ", …" : "");
  throw new PaiError(`/model: ${resolved.spec.name} offers no model "${resolved.model}" (it offers ${listed})`, {
    exitCode: EXIT.USAGE,
    hint: '"pai models" lists them; the chat goes on with the model it had',
  });
}

/** The tools offered in this chat, one per line. */
export function chatTools(turn: TurnContext): string {
  const tools = turn.tools?.definitions() ?? [];
  if (!tools.length) return "No tools are offered in this chat (--no-tools, or none for this mode).";
  return tools.map((t) => `  ${t.name.padEnd(18)}${t.description.split(/(?<=\.)\s/)[0]}`).join("\n");
}

/** Tokens and cost of the session so far. */
export function chatCost(ctx: SessionContext): string {
  const usage = sessionUsage(ctx.db, ctx.session.id);
  const unpriced = usage.unpricedResponses ? ` (${usage.unpricedResponses} answer(s) of models with no price)` : "";
  return `This session: ${usage.inputTokens} tokens in, ${usage.outputTokens} out, ` +
    `${usage.costUsd === null ? "cost unknown" : formatUsd(usage.costUsd)}${unpriced}.`;
}

/**
 * Where `/save FILE` writes: inside the workspace (`~/` is the home folder), never in a `.git` or `.pai` folder, a
 * `.env` file or a folder of secrets (the model wrote the text: in `.git/hooks` or `~/.ssh/authorized_keys` it would
 * be run or trusted), always through the folder's real path.
 */
async function savePath(workspace: string, file: string): Promise<string> {
  const home = Deno.env.get("HOME") ?? "";
  const expanded = file.startsWith("~/") && home ? `${home}${file.slice(1)}` : file;
  const absolute = expanded.startsWith("/") ? expanded : `${Deno.cwd()}/${expanded}`;
  const cut = absolute.lastIndexOf("/");
  const [dir, name] = [absolute.slice(0, cut) || "/", absolute.slice(cut + 1)];
  const refuse = (why: string) =>
    new PaiError(`Cannot save the conversation to "${file}": ${why}`, { exitCode: EXIT.USAGE });
  if (!name || name === "." || name === "..") throw refuse("it names a folder, not a file");
  let real: string;
  try {
    real = await Deno.realPath(dir);
  } catch {
    throw refuse(`its folder "${dir}" does not exist`);
  }
  const target = `${real === "/" ? "" : real}/${name}`;
  const inside = target.startsWith(`${workspace}/`) ? target.slice(workspace.length) : undefined;
  if (inside === undefined) throw refuse(`it is outside the workspace (${workspace}): /save writes only there`);
  if (/\/\.(git|pai)(\/|$)/.test(inside)) throw refuse("it is in a .git or .pai folder, which PAI never writes to");
  const found = untouchable([target], home, paiPaths());
  if (found?.kind === "env") throw refuse("it is a .env file, which PAI never writes to");
  if (found) throw refuse("it is in a folder of secrets or PAI's own state");
  return target;
}

/**
 * Writes the conversation to `file` as Markdown; refuses a file that exists (nothing is overwritten). A file holding
 * labelled data keeps that label while it is unchanged, as a file a run wrote does: reading it back into a later run
 * is judged as the conversation was.
 */
export async function saveChat(ctx: SessionContext, file: string): Promise<string> {
  const messages = listMessages(ctx.db, ctx.session.id);
  if (!messages.length) return "The conversation is empty: nothing to save.";
  const target = await savePath(ctx.workspace, file);
  try {
    await Deno.writeTextFile(target, conversationMarkdown(messages), { createNew: true });
  } catch (error) {
    const why = error instanceof Deno.errors.AlreadyExists
      ? "it exists (nothing is overwritten): choose another name"
      : error instanceof Error
      ? error.message
      : String(error);
    throw new PaiError(`Cannot save the conversation to "${file}": ${why}`, { exitCode: EXIT.USAGE });
  }
  const label = messages.reduce<Label>((top, m) => higherLabel(top, m.label ?? "public"), "public");
  if (label !== "public") {
    await markWritten(ctx.db, [target], {
      label,
      sources: [...new Set(messages.flatMap((m) => m.sources ?? []))],
      sessionId: ctx.session.id,
    });
  }
  return `Saved ${messages.length} messages to ${file}${label !== "public" ? ` (labelled ${label})` : ""}.`;
}

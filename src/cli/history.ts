/**
 * `pai history [--session S] [-n N] [--format text|markdown|json]`: a conversation as readable text, the user's
 * messages and the model's answers with the tools they called. Not the audit log's record (`pai audit list` is):
 * what the history keeps and later turns are sent.
 */
import type { CommandContext } from "@stricli/core";
import { EXIT, PaiError } from "../core/errors.ts";
import { withDatabase } from "../modes/session_setup.ts";
import type { Database } from "../store/db.ts";
import { listMessages, type StoredMessage } from "../store/messages.ts";
import { currentSession, findSession, type Session } from "../store/sessions.ts";
import { stdout } from "../ui/output.ts";
import { inline, line } from "../ui/sanitize.ts";

/** Flags of `pai history`. */
export interface HistoryFlags {
  session?: string;
  last?: number;
  format: "text" | "markdown" | "json";
}

/** Prints the session's conversation (the last `-n` messages, when given). */
export async function history(this: CommandContext, flags: HistoryFlags): Promise<void> {
  await withDatabase((db) => {
    const session = sessionOf(db, flags.session);
    const all = listMessages(db, session.id);
    const shown = flags.last ? all.slice(-flags.last) : all;
    if (flags.format === "json") {
      const messages = shown.map((m) => ({
        role: m.role,
        mode: m.mode,
        content: m.content,
        ...(m.toolCalls?.length ? { toolCalls: m.toolCalls } : {}),
        ...(m.toolCallId ? { toolCallId: m.toolCallId } : {}),
        ...(m.label ? { label: m.label } : {}),
        ...(m.model ? { model: m.model } : {}),
        interrupted: m.interrupted,
      }));
      return void stdout.write(`${JSON.stringify({ session: session.id, name: session.name, messages })}\n`);
    }
    if (!shown.length) return void stdout.write("The session's history is empty.\n");
    const markdown = flags.format === "markdown";
    if (flags.last && all.length > shown.length) {
      stdout.write(`(${all.length - shown.length} earlier messages not shown)\n\n`);
    }
    stdout.write(markdown ? conversationMarkdown(shown) : shown.map(textOf).join(""));
  });
}

/** The session named, or the current one. */
function sessionOf(db: Database, ref: string | undefined): Session {
  const found = ref === undefined ? currentSession(db) : findSession(db, ref);
  if (typeof found === "string") throw new PaiError(`--session: ${found}`, { exitCode: EXIT.USAGE });
  if (!found) {
    throw new PaiError(ref === undefined ? "No session: nothing to show" : `--session "${ref}": no such session`, {
      exitCode: EXIT.USAGE,
      hint: '"pai sessions" lists them',
    });
  }
  return found;
}

/** Who said it, as the text shows it. */
function speaker(m: StoredMessage): string {
  return m.role === "user"
    ? `you (${m.mode})`
    : m.role === "assistant"
    ? `assistant${m.model ? ` (${m.model})` : ""}`
    : "tool";
}

/** A tool's result is shown by its size: it is data the model read, kept wrapped as untrusted content. */
function resultNote(m: StoredMessage): string {
  return `[result of ${m.toolCallId ?? "a call"}: ${m.content.length} characters${m.label ? `, ${m.label}` : ""}]`;
}

function textOf(m: StoredMessage): string {
  if (m.role === "tool") return line`  ${resultNote(m)}\n`;
  const calls = (m.toolCalls ?? []).map((c) => line`  ⚙ ${c.name} ${c.arguments.slice(0, 160)}\n`).join("");
  const cut = m.interrupted ? " [interrupted]" : "";
  // Each line of the text neutralised: a message may hold escape sequences.
  const body = m.content.split("\n").map((l) => inline(l)).join("\n");
  return `${inline(speaker(m))}: ${body}${cut}\n${calls}${m.role === "assistant" ? "\n" : ""}`;
}

/** Messages as Markdown (`pai history --format markdown`, chat's `/save`), each neutralised line by line. */
export function conversationMarkdown(messages: readonly StoredMessage[]): string {
  return messages.map(markdownOf).join("");
}

function markdownOf(m: StoredMessage): string {
  if (m.role === "tool") return `> ${inline(resultNote(m))}\n\n`;
  const calls = (m.toolCalls ?? []).map((c) => `- \`${inline(c.name)}\` \`${inline(c.arguments.slice(0, 160))}\`\n`)
    .join("");
  const body = m.content.split("\n").map((l) => inline(l)).join("\n");
  const who = m.role === "user" ? `**You** (${m.mode})` : `**Assistant**${m.model ? ` (${inline(m.model)})` : ""}`;
  return `${who}${m.interrupted ? " _(interrupted)_" : ""}\n\n${body}\n\n${calls ? `${calls}\n` : ""}`;
}

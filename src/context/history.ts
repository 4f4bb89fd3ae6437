/** Builds the messages a turn sends from the stored history. */
import type { ChatMessage } from "../core/types.ts";
import type { StoredMessage } from "../store/messages.ts";

/** Marks an answer the user cut short, so the model knows it was not complete. */
export const INTERRUPTED_MARK = "[interrupted by the user]";

/**
 * The history as messages for the model, followed by the new user message.
 * An interrupted answer is sent as far as it got, with a mark (never empty:
 * some providers reject empty assistant turns).
 */
export function contextMessages(history: readonly StoredMessage[], userText: string): ChatMessage[] {
  const messages: ChatMessage[] = history.map((m) => ({
    role: m.role,
    content: m.interrupted ? `${m.content}${m.content ? "\n\n" : ""}${INTERRUPTED_MARK}` : m.content,
  }));
  messages.push({ role: "user", content: userText });
  return messages;
}

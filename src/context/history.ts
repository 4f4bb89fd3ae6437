/** How a stored message is sent again: as it was, with a mark when the user cut it short. */
import type { Carried, ChatMessage } from "../core/types.ts";
import type { StoredMessage } from "../store/messages.ts";

/** Marks an answer the user cut short, so the model knows it was not complete. */
export const INTERRUPTED_MARK = "[interrupted by the user]";

/**
 * A message of the history as the model is sent it: its tool calls and the call a result answers kept, an
 * interrupted answer sent as far as it got with a mark (never empty: some providers reject empty assistant turns).
 * It carries what it carried when it was new, naming the same audit row, as sent again from an earlier turn.
 */
export function historyMessage(m: StoredMessage): ChatMessage {
  return {
    role: m.role,
    content: m.interrupted ? `${m.content}${m.content ? "\n\n" : ""}${INTERRUPTED_MARK}` : m.content,
    ...(m.toolCalls ? { toolCalls: m.toolCalls } : {}),
    ...(m.toolCallId ? { toolCallId: m.toolCallId } : {}),
    carries: [carriedOf(m)],
  };
}

function carriedOf(m: StoredMessage): Carried {
  const via = m.role === "tool"
    ? "tool_result"
    : m.role === "assistant"
    ? "answer"
    : m.sources
    ? "attachment"
    : "input";
  return {
    via,
    ...(m.auditHash ? { hash: m.auditHash } : {}),
    ...(m.sources?.length ? { sources: m.sources } : {}),
    ...(m.toolCallId ? { callId: m.toolCallId } : {}),
    earlier: true,
  };
}

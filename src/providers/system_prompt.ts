/**
 * Some models take no system role (several local chat templates reject it, or
 * silently drop it). PAI never loses the system prompt: for such providers it
 * is folded into the first user turn, clearly delimited.
 */
import type { ChatMessage } from "../core/types.ts";
import type { SystemRole } from "./registry.ts";

/** The messages to send on an OpenAI-style wire, with the system prompt placed per `role`. */
export function placeSystemPrompt(
  system: string | undefined,
  messages: readonly ChatMessage[],
  role: SystemRole,
): ChatMessage[] {
  if (!system) return [...messages];
  if (role === "system") return [{ role: "system", content: system }, ...messages];
  const firstUser = messages.findIndex((m) => m.role === "user");
  if (firstUser === -1) return [{ role: "user", content: system }, ...messages];
  return messages.map((m, i) => i === firstUser ? { role: "user", content: foldInto(system, m.content) } : m);
}

function foldInto(system: string, user: string): string {
  return `<instructions>\n${system}\n</instructions>\n\n${user}`;
}

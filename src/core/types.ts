/** Shared types that cross rooms: messages, usage and the events a provider streams. */

export type Role = "system" | "user" | "assistant";

/** One message of a conversation as PAI keeps it. */
export interface ChatMessage {
  role: Role;
  content: string;
}

/** Tokens counted by the provider for one request. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

/** A complete tool call requested by the model (arguments as the raw JSON text it sent). */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** What a provider's stream yields, whatever its wire protocol. */
export type StreamEvent =
  | { type: "text"; text: string }
  | { type: "tool_call"; call: ToolCall }
  | { type: "usage"; usage: Usage }
  | { type: "stop"; reason: string };

/** The four modes; each is a profile over the same turn loop. */
export const MODES = ["chat", "prompt", "agent", "assistant"] as const;
export type Mode = typeof MODES[number];

export const ZERO_USAGE: Usage = Object.freeze({ inputTokens: 0, outputTokens: 0 });

/** Sums two usages. */
export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
  };
}

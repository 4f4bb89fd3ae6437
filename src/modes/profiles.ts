/**
 * A mode is a profile over the one turn loop: what context it sends and how
 * many rounds of tool calls it allows. What its tools may touch is the
 * policy's decision (`policy/decide.ts`), by mode. Resource access joins the
 * profile with the resource manager.
 */
import type { Mode } from "../core/types.ts";

/** What a mode does differently. */
export interface ModeProfile {
  mode: Mode;
  /** Whether each turn sends the session's earlier messages of this mode. */
  sendsHistory: boolean;
  /** Rounds of tool calls before the model must answer (chat: one call, no chaining). */
  toolRounds: number;
  /** The most tool calls one turn may run, over all rounds (chat: 1). */
  maxCalls: number;
}

export const CHAT: ModeProfile = { mode: "chat", sendsHistory: true, toolRounds: 1, maxCalls: 1 };
/** Prompt mode chains a few calls (`--max-chain`, default 3). */
export const PROMPT: ModeProfile = { mode: "prompt", sendsHistory: false, toolRounds: 3, maxCalls: 50 };
/** Agent mode loops until the goal is met (`--max-steps`, default 20). */
export const AGENT: ModeProfile = { mode: "agent", sendsHistory: false, toolRounds: 20, maxCalls: 500 };

/**
 * A mode is a profile over the one turn loop. This modes differ only
 * in their context: chat sends the session's chat history, prompt is one-shot.
 * Tools, resource access and limits join the profile as they arrive.
 */
import type { Mode } from "../core/types.ts";

/** What a mode does differently. */
export interface ModeProfile {
  mode: Mode;
  /** Whether each turn sends the session's earlier messages of this mode. */
  sendsHistory: boolean;
}

export const CHAT: ModeProfile = { mode: "chat", sendsHistory: true };
export const PROMPT: ModeProfile = { mode: "prompt", sendsHistory: false };

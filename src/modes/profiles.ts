/**
 * The modes, as profiles over the one turn loop: this table is the only place where modes differ (what their
 * tools may change, which resources they reach, how their context is built, their limits and approvals).
 * Adding a mode is one entry here (and its name in `MODES`).
 */
import type { ModeProfile } from "../core/mode_profile.ts";
import type { Mode } from "../core/types.ts";

const ALL_SCOPES = ["once", "session", "always"] as const;

export const PROFILES: Readonly<Record<Mode, ModeProfile>> = {
  chat: {
    mode: "chat",
    purpose: "conversation with read-only tools, one call per turn",
    tools: "read",
    workspace: "read",
    resources: "defaults",
    context: "history",
    workingMemory: false,
    plans: false,
    projectInstructions: false,
    history: "kept",
    limits: { rounds: 1, callsPerTurn: 1 },
    approvals: ALL_SCOPES,
  },
  prompt: {
    mode: "prompt",
    purpose: "a one-shot question with a few chained read-only calls",
    tools: "read",
    workspace: "read",
    resources: "read",
    context: "summary",
    workingMemory: false,
    plans: false,
    projectInstructions: false,
    history: "kept",
    limits: { rounds: 3, callsPerTurn: 50 },
    approvals: ALL_SCOPES,
  },
  agent: {
    mode: "agent",
    purpose: "autonomous work toward a goal, changing files and resources",
    tools: "write",
    workspace: "write",
    resources: "crud",
    context: "run",
    workingMemory: false,
    plans: true,
    projectInstructions: true,
    history: "kept",
    limits: { rounds: 20, callsPerTurn: 500, seconds: 600 },
    approvals: ALL_SCOPES,
  },
  assistant: {
    mode: "assistant",
    purpose: "long-lived task execution with working memory",
    tools: "write",
    workspace: "write",
    resources: "crud",
    context: "memory",
    workingMemory: true,
    plans: true,
    projectInstructions: true,
    history: "kept",
    limits: { rounds: 50, callsPerTurn: 1000 },
    approvals: ALL_SCOPES,
  },
};

export const CHAT = PROFILES.chat;
export const PROMPT = PROFILES.prompt;
export const AGENT = PROFILES.agent;
export const ASSISTANT = PROFILES.assistant;

/**
 * `pai ask`: a quick prompt with no session. A prompt-mode turn (its rows and budgets are prompt mode's) with no
 * tools, no summary and no history: the input alone goes, and nothing of it is kept but the audit log's rows.
 */
export const ASK: ModeProfile = {
  ...PROMPT,
  purpose: "a quick prompt with no session: no tools, no history",
  context: "input",
  history: "none",
  limits: { rounds: 0, callsPerTurn: 0 },
};

/**
 * `pai assistant run`: assistant mode with nobody there. Nothing is granted by being in its working folder (a
 * service's is often the home folder, or /): what its tasks read and write is pre-granted, or denied.
 */
export const UNATTENDED: ModeProfile = {
  ...PROFILES.assistant,
  purpose: "unattended task execution: only what is pre-granted",
  workspace: "none",
};

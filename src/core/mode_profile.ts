/**
 * What a mode is, as data. The table of profiles is in `src/modes/profiles.ts`; the rooms below it (the policy
 * decision, the tool manager, the resource tools) receive the profile and read it, and never compare mode names.
 */
import type { Mode } from "./types.ts";

/** What a mode's tool calls may change: nothing (only calls that read), or also the workspace by default. */
export type ToolAccess = "read" | "write";

/** Which of the user's resources a mode reaches: the defaults only, any registered one to read, or all to change. */
export type ResourceReach = "defaults" | "read" | "crud";

/**
 * How the context manager fills each request (the README's "Context" section says what each keeps); `input` is the
 * input alone (`pai ask`).
 */
export type ContextStrategy = "history" | "summary" | "run" | "memory" | "input";

/** How long an approval the user gives may last. */
export type ApprovalScope = "once" | "session" | "always";

/** Limits on one turn of a mode (the CLI's `--max-chain`, `--max-steps`, `--max-seconds` lower or raise them). */
export interface ModeLimits {
  /** Rounds of tool calls before the model must answer without tools. */
  rounds: number;
  /** Tool calls one turn may run, over all its rounds. */
  callsPerTurn: number;
  /** Wall-clock seconds after which no more tools run (absent: no limit but the tools' own). */
  seconds?: number;
}

/** Everything in which one mode differs from another. */
export interface ModeProfile {
  readonly mode: Mode;
  /** What the mode is for, in a few words (`pai tools list`, help texts). */
  readonly purpose: string;
  readonly tools: ToolAccess;
  /**
   * What its calls may do in the workspace (the current folder) without a grant: read, read and write, or nothing
   * (an unattended run: everything it touches is pre-granted).
   */
  readonly workspace: "read" | "write" | "none";
  readonly resources: ResourceReach;
  readonly context: ContextStrategy;
  /** Whether the session's planner model (if it names one) plans each run before the main model works on it. */
  readonly plans: boolean;
  /** Whether the mode has working memory: the memory tools, and its memories in each request (`memory` context). */
  readonly workingMemory: boolean;
  /**
   * Whether the workspace's `AGENTS.md` files go into the system prompt, as untrusted project instructions
   * (`context/project_instructions.ts`).
   */
  readonly projectInstructions: boolean;
  /** Whether the session's history keeps each turn (`none`: a quick prompt that leaves no conversation behind). */
  readonly history: "kept" | "none";
  readonly limits: Readonly<ModeLimits>;
  /** The scopes an approval may be given for when the policy asks (a write under .git offers "once" only). */
  readonly approvals: readonly ApprovalScope[];
}

/** Every reach, in order: a tool that needs `read` is offered where the mode reaches `read` or `crud`. */
export const REACH_ORDER = ["defaults", "read", "crud"] as const satisfies readonly ResourceReach[];

/** Whether a mode with this reach has at least `needed`. */
export function reaches(profile: Pick<ModeProfile, "resources">, needed: ResourceReach): boolean {
  return REACH_ORDER.indexOf(profile.resources) >= REACH_ORDER.indexOf(needed);
}

/** Whether a mode reaches a registered resource: with `defaults` reach only the user's default ones. */
export function reachesResource(profile: Pick<ModeProfile, "resources">, resource: { default?: boolean }): boolean {
  return reaches(profile, "read") || resource.default === true;
}

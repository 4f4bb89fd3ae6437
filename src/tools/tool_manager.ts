/**
 * The tools of one run: which are offered to the model in this mode, the
 * run's taint, and the contracts of the call pipeline (`tool_runner.ts`,
 * loaded on the first call). Collaborators (approvals, prompter, audit) are
 * injected.
 */
import type { ToolAuditEvent } from "../audit/events.ts";
import type { ApprovalScope, ModeProfile } from "../core/mode_profile.ts";
import { type Grant, higherLabel, type ToolCall, type ToolDefinition } from "../core/types.ts";
import { lazyImport } from "../core/lazy_import.ts";
import type { Decision, DecisionInput, Permissions } from "../policy/decide.ts";
import type { Label, Policy } from "../policy/policy.ts";
import type { ToolOutcome } from "../sandbox/run_tool.ts";
import type { ApprovalEntry } from "./approvals.ts";
import { type AnyToolManifest, offered } from "./manifest.ts";
import type { ResolvedNeeds } from "./resolve_paths.ts";
import type { ResourceHost, ResourceRequest } from "../resources/backend.ts";
import type { MemoryHost, Seen } from "./memory_tools.ts";
import type { ToolRegistry } from "./tool_registry.ts";
import type { ToolRunner } from "./tool_runner.ts";

export type { ApprovalScope } from "../core/mode_profile.ts";

/** Remembers approvals: for the session, and saved ones (`approvals.ts` says how they apply). */
export interface ApprovalBook {
  /** The approvals the user gave for this tool: this session's and the saved ones, one permission each. */
  entries(tool: string): ApprovalEntry[];
  remember(tool: string, permissions: Permissions, scope: "session" | "always"): void | Promise<void>;
}

/** What the user is asked. */
export interface ApprovalRequest {
  tool: string;
  /** The validated arguments, for a summary. */
  args: unknown;
  missing: Permissions;
  /** Why only "once" may be offered (a write under .git): the prompter offers no longer scope. */
  onceOnly?: string;
  /** The scopes the answer may have: the mode's (its profile), only "once" for a once-only call. */
  scopes: readonly ApprovalScope[];
  /** The file a write or edit would change, what it holds now and what it would hold: shown as a diff. */
  change?: ProposedChange;
}

/** A change to one text file, as a question shows it. */
export interface ProposedChange {
  path: string;
  /** Undefined: the file does not exist yet. */
  before?: string;
  after: string;
  /** Why no diff can be shown (a large or binary file): the question says so instead. */
  unshown?: string;
}

/** Asks the user; absent when there is no terminal (then the answer is deny). */
export interface Prompter {
  ask(request: ApprovalRequest): Promise<ApprovalScope | "deny">;
  /** Whether to register what the model asked for with `resource_request`. */
  askResource(request: ResourceRequest): Promise<"allow" | "deny">;
}

/** One record for the audit log: a typed event of the call pipeline, without the columns the mode adds. */
export type ToolRecord = ToolAuditEvent;

/** What the manager needs from the mode that uses it. */
export interface ToolManagerOptions {
  /** The mode's profile: which tools it is offered, what they may change, which resources they reach. */
  profile: ModeProfile;
  workspace: string;
  protectedPaths: readonly string[];
  /** What some protected paths are, said with a refusal (see `DecisionInput`). */
  protectedWhy?: DecisionInput["protectedWhy"];
  /** `.pai` folders whose real paths do not say so (see `policyFolders`). */
  policyFolders?: readonly string[];
  /** The folders whose files are secrets: a hard link to one of them is refused (HardLinkIndex). */
  secretFolders: readonly string[];
  /** The session's pre-grants (`--allow-read` …), real paths. */
  pregrants: Permissions;
  approvals: ApprovalBook;
  prompter?: Prompter;
  /**
   * Records one event. Resolves to the row's payload hash, when there is one: a result's names it in the requests
   * that carry it. With `hold`, the row is written in one commit with the next one (`AuditSink.hold`): a call with its
   * decision, a result with the request that sends it.
   */
  record(record: ToolRecord, options?: { hold?: boolean }): Promise<{ payloadHash: string } | void>;
  /**
   * Whether a result may wait for the next row's commit: the turn loop's runs, which write a request (or flush) after
   * every result. Without it (`pai resource get`) a result is committed at once.
   */
  holdResults?: boolean;
  limits: Pick<Grant, "timeoutMs" | "memoryMb" | "outputBytes">;
  /** The run's tools: the built-in ones and those added at run time, with where their programs are. */
  registry: ToolRegistry;
  /** The policy's tool rules and safe mode. */
  policy: Pick<Policy, "rules" | "safe">;
  /** Labels: what a path is, and the most sensitive label the provider may receive. */
  labels?: {
    of(path: string): Label;
    ceiling: Label;
    /**
     * What the main model may receive, when the run may also send to a local model (then `ceiling` is the higher of
     * the two). A folder tool skips files above it until the run holds such data anyway (its requests go local then):
     * so that a search of a folder holding a private file tells the remote model nothing about what it does not hold.
     */
    mainCeiling?: Label;
    provider: string;
    /** Anchored patterns (regular expression sources) of the paths labelled above `ceiling`, or above this one. */
    withheld(ceiling?: Label): string[];
    /** The highest label any file rule or resource gives: what a file with other names (hard links) may be. */
    highest(): Label;
  };
  /** The user's registered resources, for the resource_* tools. */
  resources?: ResourceHost;
  /** The session's working memory, for the memory_* tools (the modes that have it). */
  memory?: MemoryHost;
  /** Told the files a call wrote while the run held data labelled private or secret: they are labelled so. */
  wrote?(paths: readonly string[], seen: Seen): Promise<void>;
  /**
   * Told before and after a file tool changes files (its write targets, real paths), so that `pai undo` can put
   * them back (`store/undo_files.ts`). Absent for the user's own commands.
   */
  changes?: {
    before(tool: string, paths: readonly string[]): Promise<void>;
    after(paths: readonly string[]): Promise<void>;
  };
}

/** What a call would get: its validated arguments, real needs and the decision; or why it cannot run. */
export type CallPlan = { error: [type: string, message: string] } | DecidedCall;

/** A validated, resolved and decided call. */
export interface DecidedCall {
  tool: AnyToolManifest;
  args: unknown;
  needs: ResolvedNeeds;
  input: DecisionInput;
  decision: Decision;
  /** What each path the call reaches was when decided (`dev:ino` or `absent`): checked again right before it runs. */
  pinned: Map<string, string>;
  /** The user's approvals that made the decision an allow (named in its reason), if approvals made it. */
  approvedBy?: readonly ApprovalEntry[];
}

/** The outcome of one call, for the model and for the user. */
export interface ToolExecution {
  call: ToolCall;
  ok: boolean;
  /** What the model is sent (capped). */
  content: string;
  /** A short line for the user. */
  summary: string;
  /** The permissions the call ran with, if it ran. */
  permissions?: Permissions;
  /** The raw outcome (for a user's direct use; the model gets `content`). */
  outcome: ToolOutcome;
  /** The most sensitive label of the data the result holds (files it read), when the policy labels them. */
  label?: Label;
  /** Why the result taints a run it is sent to again (untrusted web content). */
  taint?: string;
  /** The real paths and resources (`resource:NAME`) the labelled result came from. */
  sources?: string[];
  /** The payload hash of the tool_result row that recorded what the model is sent. */
  auditHash?: string;
}

/** The default limits of one tool process. */
export const TOOL_LIMITS: ToolManagerOptions["limits"] = {
  timeoutMs: 30_000,
  memoryMb: 256,
  outputBytes: 8 * 1024 * 1024,
};

/** The tool manager of one run. */
export class ToolManager {
  #options: ToolManagerOptions;
  #tainted?: string;
  #runner?: Promise<ToolRunner>;
  /** The most sensitive data the run has seen (its input, the history sent, each result): what a memory is labelled. */
  #seen: Seen = { label: "internal", sources: [] };

  constructor(options: ToolManagerOptions) {
    this.#options = options;
  }

  /**
   * Marks the run's context as holding private data or untrusted content:
   * from now on, calls that can send data out need the user's approval.
   */
  taint(reason: string): void {
    this.#tainted ??= reason;
  }

  /** The run's context holds data with this label, from these sources (a memory saved from now on carries them). */
  observe(label: Label | undefined, sources: readonly string[] = []): void {
    if (label) this.#seen.label = higherLabel(this.#seen.label, label);
    for (const source of sources) if (!this.#seen.sources.includes(source)) this.#seen.sources.push(source);
  }

  /** The tools this mode is offered, as the model sees them (read at each request: tools may join during a run). */
  definitions(): ToolDefinition[] {
    const { profile, policy, registry } = this.#options;
    return registry.definitions().filter((t) => offered(t.offer, profile, policy.safe))
      .map(({ name, description, parameters }) => ({ name, description, parameters }));
  }

  /**
   * Everything before running: validate the arguments, resolve real paths and
   * decide. Pure of side effects, so `pai policy explain` shows exactly what a
   * call would get.
   */
  async plan(call: ToolCall, extra?: Permissions): Promise<CallPlan> {
    return await (await this.#run()).plan(call, extra);
  }

  /** Runs one call; never throws for anything the model or the tool did. */
  async execute(call: ToolCall): Promise<ToolExecution> {
    const execution = await (await this.#run()).execute(call);
    this.observe(execution.label, execution.sources);
    return execution;
  }

  /** The call pipeline, loaded once, on the run's first call. */
  #run(): Promise<ToolRunner> {
    this.#runner ??= lazyImport<typeof import("./tool_runner.ts")>("./tool_runner.ts", import.meta.url).then(
      ({ ToolRunner }) =>
        new ToolRunner({
          options: this.#options,
          offered: () => this.definitions(),
          tainted: () => this.#tainted,
          taint: (reason) => this.taint(reason),
          seen: () => ({ label: this.#seen.label, sources: [...this.#seen.sources] }),
        }),
    );
    return this.#runner;
  }
}

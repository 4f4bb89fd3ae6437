/**
 * What the audit log records: one typed event per row, with fields per kind,
 * so that what a row means is data (`pai audit list` filters and renders it),
 * never a prefix of free text.
 *
 * The content of an event — the prompt as sent, the answer, a tool call's
 * arguments, a tool result as the model got it, an error message — is stored
 * in the row's `payload` (the text a full-text search reads); its other fields
 * are stored as JSON in `detail`, and the session, mode, provider, model and
 * tokens in their own columns, as for every row.
 *
 * @example
 * ```ts
 * const event: AuditEvent = { kind: "denial", tool: "fs_read", reason: "it is a secret", by: "policy" };
 * summary(event); // 'denied fs_read (by the policy): it is a secret'
 * ```
 */
import { clip } from "../core/clip.ts";
import type { Carried, Grant, Label, MessageSent, Mode, ResourceKind, Usage } from "../core/types.ts";

/** The columns every row has, whatever its kind. */
export interface AuditCommon {
  sessionId?: string;
  mode?: Mode;
  provider?: string;
  model?: string;
  usage?: Usage;
  /**
   * `user` when the user did it at the command line (`pai resource get|put`), not a model in a mode; such a row
   * has no mode. Stored in the row's detail.
   */
  actor?: "user";
}

/** Permissions as data: the real paths readable and writable, the hosts reachable. */
export type AuditPermissions = Pick<Grant, "read" | "write" | "net">;

/** Where a provider runs. */
export type AuditLocality = "local" | "remote";

/** A tool call the model asked for, as recorded with its answer. */
export interface AuditToolCall {
  id: string;
  name: string;
  /** The raw JSON text the model sent (redacted). */
  arguments: string;
}

/**
 * What names one answer of the model in the requests that send it again: its text and its tool calls together (as
 * its response row records them), for the SHA-256 of this text. Not the row's payload hash, which covers the text
 * alone: every answer that only calls tools has the same empty text.
 */
export function answerIdentity(text: string, toolCalls: readonly AuditToolCall[]): string {
  return JSON.stringify([text, toolCalls.map((c) => [c.id, c.name, c.arguments])]);
}

/** The prompt as the policy sent it (redacted, stripped), or would have, for a blocked one. */
export interface PromptEvent extends AuditCommon {
  kind: "prompt";
  text: string;
  /** `summary`: PAI asked the model to summarise older turns (the text is what it was given). */
  purpose?: "summary";
  /** What the request carried besides the input: how many messages of the history, and the session's summary. */
  context?: { history: number; summary: boolean };
  /** The files and resources the input attaches (`--resource`), as the history keeps them. */
  sources?: string[];
  /** The system prompt given for this call (`-s`, a template: `from` says which), in place of config.json's. */
  system?: { text: string; from: string };
}

/** A piece of data a request carried, and whether it went as written. */
export interface CarriedPiece extends Carried {
  /** How the message that carried it went (`MessageSent`). */
  sent: MessageSent;
}

/**
 * One request sent to a provider: where it went, and each piece of data it carried with the audit row that first
 * recorded it (linked by that row's payload hash) and the files and resources it came from. Recorded after the
 * scanners and the budget let it go, before it is sent: `pai audit where` reads these rows.
 */
export interface RequestEvent extends AuditCommon {
  kind: "request";
  /** The provider's base URL (credential-free) and where it runs. */
  baseUrl: string;
  locality: AuditLocality;
  /** `summary`: PAI asked the model to summarise older turns; `plan`: the planner to plan the run. */
  purpose?: "summary" | "plan";
  carried: CarriedPiece[];
}

/** One answer of the model: its text, the tool calls it asked for; the tokens are in `usage`. */
export interface ResponseEvent extends AuditCommon {
  kind: "response";
  text: string;
  toolCalls: AuditToolCall[];
  /**
   * What the request cost in USD (`providers/prices.ts`), `null` when the model's price is unknown (never a
   * guessed zero). Kept in `detail`, so the chain covers it, and in the row's `cost_usd` column for sums.
   */
  costUsd?: number | null;
}

/** A provider's error in the middle of a turn. */
export interface ErrorEvent extends AuditCommon {
  kind: "error";
  message: string;
}

/** A tool call the model made, before anything is decided about it. */
export interface ToolCallEvent extends AuditCommon {
  kind: "tool_call";
  /** The name the model called (it may name no tool at all). */
  tool: string;
  callId: string;
  /** The raw JSON text the model sent (redacted). */
  arguments: string;
}

/** A call about to run: what it may reach, why, and the exact Deno flags its process is spawned with. */
export interface GrantEvent extends AuditCommon {
  kind: "grant";
  tool: string;
  permissions: AuditPermissions;
  /** The flags between `deno run` and the program, as `src/sandbox/` built them (a secret-shaped part redacted). */
  flags: string[];
  /** The rule, approval or mode default that decided. */
  reason: string;
}

/** A call that did not run. */
export interface DenialEvent extends AuditCommon {
  kind: "denial";
  tool: string;
  reason: string;
  /** What the call needed and did not have, when the user could have granted it. */
  missing?: AuditPermissions;
  /**
   * Who said no: the policy; the user, asked (their answer is the `approval` row before); nobody, because no
   * user could be asked (no terminal); or nobody, because the call's paths changed after the decision.
   */
  by: "policy" | "user" | "no_terminal" | "moved";
}

/** The user was asked to grant what a call was missing, and answered. */
export interface ApprovalEvent extends AuditCommon {
  kind: "approval";
  tool: string;
  missing: AuditPermissions;
  answer: "once" | "session" | "always" | "deny";
  /** Why only "once" could be given (a write under .git), when so. */
  onceOnly?: string;
}

/** A tool's result as the model was sent it. */
export interface ToolResultEvent extends AuditCommon {
  kind: "tool_result";
  tool: string;
  callId: string;
  ok: boolean;
  /** The error's type when `ok` is false (`permission_denied`, `timeout` …). */
  error?: string;
  /** What the model was sent (capped, wrapped as untrusted), as the audit keeps text. */
  content: string;
  /** Its length in characters, as sent (before the audit's redaction). */
  size: number;
  /** The real paths and resources (`resource:NAME`) its data came from, as the history keeps them. */
  sources?: string[];
}

/** What a resource tool does. */
export type ResourceAction = "list" | "read" | "create" | "update" | "delete" | "request";

/** A resource tool's call, or the model's request for a new resource, and what became of it. */
export interface ResourceAccessEvent extends AuditCommon {
  kind: "resource_access";
  tool: string;
  /** The resource's name (absent for a listing). */
  resource?: string;
  resourceKind?: ResourceKind;
  action: ResourceAction;
  /** PAI let it through (its expansion is recorded on), refused it, or the user approved or denied a request. */
  outcome: "allowed" | "refused" | "approved" | "denied";
  /** Why it was refused. */
  reason?: string;
  /** What a request asked to register. */
  uri?: string;
}

/** A scanner finding: the rule, what the policy did, where — never the value found. */
export interface AuditFinding {
  rule: string;
  /** `secret`, `personal`, or `invisible` for stripped characters. */
  kind: string;
  action: string;
  /** The role of the message it was in. */
  role: string;
  /** How a secret was disguised (`hex`, `base64`, `spaced`, `tags`). */
  encoding?: string;
  /** Stripped characters: how many, and where from. */
  count?: number;
  where?: string;
  /** What stripped tag characters spelled, with findings replaced, cut short. */
  hidden?: string;
}

/** What the scanners found in a request, and whether it was blocked (then nothing was sent). */
export interface ScanDecisionEvent extends AuditCommon {
  kind: "policy_decision";
  check: "scan";
  findings: AuditFinding[];
  /** The rules that blocked the prompt; empty when the request was sent. */
  blocked: string[];
}

/** A tool result with text shaped like instructions to the model. */
export interface InjectionDecisionEvent extends AuditCommon {
  kind: "policy_decision";
  check: "injection";
  tool: string;
  /** The marker patterns found (`text hidden in invisible Unicode tag characters` for hidden text). */
  markers: string[];
}

/** A request refused before it was sent: it would carry data labelled above what the provider may receive. */
export interface LabelDecisionEvent extends AuditCommon {
  kind: "policy_decision";
  check: "label";
  reason: string;
}

/**
 * A request sent to the session's local model instead of the one it was for: it holds data labelled above what that
 * one may receive (routing by data). The request row that follows records where it went.
 */
export interface RouteDecisionEvent extends AuditCommon {
  kind: "policy_decision";
  check: "route";
  /** The most sensitive label of what the request holds. */
  label: Label;
  /** The model it was for, and the one it went to: `openai:gpt-4o (remote)`, `ollama:llama3.2 (local)`. */
  from: string;
  to: string;
  purpose?: "summary" | "plan";
}

/** A budget reached (issue 12 records these): which one, its limit, what is used, and what PAI did. */
export interface BudgetEvent extends AuditCommon {
  kind: "budget";
  /** The budget's name, as `pai budget show` lists it (`daily-tokens`, `monthly-usd` …). */
  budget: string;
  unit: "tokens" | "usd";
  limit: number;
  /** Used so far, with this call's estimate reserved. */
  used: number;
  action: "warn" | "refuse";
}

/** A session started: where its data goes (a credential-free base URL, and whether that runs locally). */
export interface SessionStartedEvent extends AuditCommon {
  kind: "session";
  action: "started";
  /** `init` for `pai init`, `default` for the session PAI chose when there was none. */
  origin: "init" | "default";
  baseUrl: string;
  locality: AuditLocality;
}

/**
 * What a run of the session may do, when it starts and whenever it differs from the last run's: its mode, the
 * tools and resources offered, its limits, and the policy files in force with their SHA-256.
 */
export interface SessionConstraintsEvent extends AuditCommon {
  kind: "session";
  action: "constraints";
  tools: string[];
  resources: string[];
  limits: { rounds: number; callsPerTurn: number; seconds?: number };
  safe: boolean;
  /** Each policy file in force and its SHA-256 (none: the built-in defaults). */
  policy: Record<string, string>;
}

/** `pai reset`: the session's history, its working memory and its "for this session" approvals cleared. */
export interface SessionResetEvent extends AuditCommon {
  kind: "session";
  action: "reset";
  messagesCleared: number;
  approvalsRevoked: number;
  /** Memories of the assistant's working memory removed (absent: none). */
  memoriesCleared?: number;
}

/** A session from before endpoint pinning, pinned to this run's endpoint. */
export interface EndpointPinnedEvent extends AuditCommon {
  kind: "session";
  action: "endpoint_pinned";
  baseUrl: string;
  locality: AuditLocality;
}

/** A run refused because its endpoint is not the session's: both, and the message the user got. */
export interface EndpointRefusedEvent extends AuditCommon {
  kind: "session";
  action: "endpoint_refused";
  expected: { baseUrl: string; locality?: AuditLocality };
  baseUrl: string;
  locality: AuditLocality;
  reason: string;
}

/** The user's answer kept: "for this session" or "always" (saved). */
export interface ApprovalSavedEvent extends AuditCommon {
  kind: "user_change";
  change: "approval_saved";
  tool: string;
  scope: "session" | "always";
  permissions: AuditPermissions;
}

/** One approval revoked by the user (`pai policy revoke ID`). */
export interface ApprovalRevokedEvent extends AuditCommon {
  kind: "user_change";
  change: "approval_revoked";
  /** Its id as `pai policy approvals` lists it (`s` and a number for the session's). */
  id: string;
  scope: "session" | "always";
  tool: string;
  access: "read" | "write" | "net";
  value: string;
}

/** A run's file changes put back by `pai undo`. */
export interface UndoEvent extends AuditCommon {
  kind: "user_change";
  change: "undone";
  run: string;
  /** The files restored (as they were before the run) and those removed (the run had created them). */
  restored: string[];
  removed: string[];
}

/** Every saved approval and the session's revoked (`pai policy revoke --all`). */
export interface ApprovalsRevokedEvent extends AuditCommon {
  kind: "user_change";
  change: "approvals_revoked";
  saved: number;
  ofSession: number;
}

/** A resource registered, changed or removed by the user (issue 12 records these). */
export interface ResourceChangedEvent extends AuditCommon {
  kind: "user_change";
  change: "resource_added" | "resource_updated" | "resource_removed";
  resource: string;
  resourceKind: ResourceKind;
}

/** A budget set or cleared by the user (`pai budget set|clear`): which one, and its amount when set. */
export interface BudgetChangedEvent extends AuditCommon {
  kind: "user_change";
  change: "budget_set" | "budgets_cleared";
  /** The budget as `pai budget show` names it ("daily-tokens for openai"), or what was cleared. */
  budget: string;
  amount?: number;
  /** How many budgets were cleared. */
  cleared?: number;
}

/** A project policy trusted or untrusted by the user (issue 12 records these). */
export interface PolicyTrustEvent extends AuditCommon {
  kind: "user_change";
  change: "policy_trusted" | "policy_untrusted";
  folder: string;
  /** The SHA-256 of the policy file trusted. */
  policyHash?: string;
}

/**
 * `pai audit prune`: the oldest rows removed, from the first up to the first row at or after `before`. The first
 * row kept still names the hash of the last one removed; this row says so, and the chain starts there again.
 */
export interface PruneEvent extends AuditCommon {
  kind: "prune";
  /** Rows written before this time (ISO, UTC) were removed. */
  before: string;
  rowsRemoved: number;
  firstRemovedId: number;
  lastRemovedId: number;
  /** The first row kept (this row's own id when none was). */
  firstKeptId: number;
  /** The hash of the last row removed, which the first row kept names as its previous hash. */
  lastRemovedHash: string;
}

/**
 * The user started a new head file (`pai audit verify --new-head`) where there was none, or none that could be read:
 * from this row on, the file names the log's last row again. Whatever happened to the end of the log before it
 * cannot be told any more; this row says when the user accepted that.
 */
export interface HeadStartedEvent extends AuditCommon {
  kind: "user_change";
  change: "head_started";
  /** What there was: no file, or one that could not be read (its reason). */
  previous: "absent" | "unreadable";
  path: string;
}

/**
 * What happened to a task of the assistant's queue: queued by the user (`pai task add`), cancelled by them, started
 * (or resumed after an interruption) by an assistant, finished, failed, or given back unfinished when its assistant
 * was stopped. The task's text is recorded by the prompt row of each run, as every input is.
 */
export interface TaskEvent extends AuditCommon {
  kind: "task";
  action: "added" | "cancelled" | "started" | "resumed" | "done" | "failed" | "released";
  taskId: number;
  /** `added`: when it is due (ISO, UTC), and the time between runs of a task that repeats (`10m`, `1h`). */
  due?: string;
  every?: string;
  /** `failed`: why; `released`: how many steps it had taken. */
  reason?: string;
  steps?: number;
}

/** A memory of the assistant's working memory the user removed (`pai memory rm`). */
export interface MemoryRemovedEvent extends AuditCommon {
  kind: "user_change";
  change: "memory_removed";
  memoryId: number;
  label: Label;
}

/** Everything the audit log records: one row each. */
export type AuditEvent =
  | PromptEvent
  | RequestEvent
  | ResponseEvent
  | ErrorEvent
  | ToolCallEvent
  | GrantEvent
  | DenialEvent
  | ApprovalEvent
  | ToolResultEvent
  | ResourceAccessEvent
  | ScanDecisionEvent
  | InjectionDecisionEvent
  | LabelDecisionEvent
  | RouteDecisionEvent
  | BudgetEvent
  | SessionStartedEvent
  | SessionConstraintsEvent
  | SessionResetEvent
  | EndpointPinnedEvent
  | EndpointRefusedEvent
  | ApprovalSavedEvent
  | ApprovalRevokedEvent
  | ApprovalsRevokedEvent
  | UndoEvent
  | ResourceChangedEvent
  | PolicyTrustEvent
  | BudgetChangedEvent
  | HeadStartedEvent
  | PruneEvent
  | TaskEvent
  | MemoryRemovedEvent;

/** The kinds, as the `kind` column stores them. */
export type AuditKind = AuditEvent["kind"];

type WithoutCommon<E> = E extends unknown ? Omit<E, keyof AuditCommon> : never;

/**
 * What the tool pipeline records: its events without the common columns, which the mode that runs it adds
 * (`ToolRecord` in `src/tools/tool_manager.ts`).
 */
export type ToolAuditEvent =
  | Extract<
    WithoutCommon<AuditEvent>,
    { kind: "tool_call" | "grant" | "denial" | "approval" | "tool_result" | "resource_access" | "policy_decision" }
  >
  | Extract<WithoutCommon<AuditEvent>, { change: "approval_saved" }>;

/** The columns every row has: not part of `detail`. */
const COMMON_KEYS: ReadonlySet<string> = new Set(["sessionId", "mode", "provider", "model", "usage"]);

/** The field of each kind that is its content: stored in `payload`, not in `detail`. */
const CONTENT_FIELD: { readonly [K in AuditKind]?: string } = {
  prompt: "text",
  response: "text",
  error: "message",
  tool_call: "arguments",
  tool_result: "content",
};

/**
 * The keys that say what an event is, and the sources (the user's own paths and resource names, which their
 * producers keep with a secret-shaped part redacted, as the history check and `where` compare them): never
 * rewritten by {@linkcode redactEvent}.
 */
const DISCRIMINANTS: ReadonlySet<string> = new Set(["kind", "check", "action", "change", "sources", ...COMMON_KEYS]);

/** An event as a row stores it, apart from the common columns. */
export interface StoredEvent {
  kind: AuditKind;
  /** The event's content (empty for kinds that have none). */
  payload: string;
  /** Its other fields, as JSON. */
  detail: string;
}

/** Splits an event into the row's `payload` and `detail`. */
export function storedEvent(event: AuditEvent): StoredEvent {
  const content = CONTENT_FIELD[event.kind];
  const detail: Record<string, unknown> = {};
  let payload = "";
  for (const [key, value] of Object.entries(event)) {
    if (key === content) payload = String(value);
    else if (key !== "kind" && !COMMON_KEYS.has(key) && value !== undefined) detail[key] = value;
  }
  return { kind: event.kind, payload, detail: JSON.stringify(detail) };
}

/** An audit row's columns, as SQLite returns them. */
export type AuditRow = Record<string, unknown>;

/**
 * The event a row records, or `undefined` for a row written before events were typed (its meaning is the
 * text of its payload) or one whose detail does not parse.
 */
export function eventOf(row: AuditRow): AuditEvent | undefined {
  if (typeof row.detail !== "string" || typeof row.kind !== "string") return undefined;
  let detail: unknown;
  try {
    detail = JSON.parse(row.detail);
  } catch {
    return undefined;
  }
  if (typeof detail !== "object" || detail === null || Array.isArray(detail)) return undefined;
  const kind = row.kind as AuditKind;
  const content = CONTENT_FIELD[kind];
  const common: AuditCommon = {
    ...(typeof row.session_id === "string" ? { sessionId: row.session_id } : {}),
    ...(typeof row.mode === "string" ? { mode: row.mode as Mode } : {}),
    ...(typeof row.provider === "string" ? { provider: row.provider } : {}),
    ...(typeof row.model === "string" ? { model: row.model } : {}),
  };
  const usage = { inputTokens: Number(row.input_tokens ?? 0), outputTokens: Number(row.output_tokens ?? 0) };
  // The row is PAI's own, written by storedEvent from a typed event: its shape is that event's.
  return {
    kind,
    ...common,
    ...(usage.inputTokens || usage.outputTokens ? { usage } : {}),
    ...detail,
    ...(content ? { [content]: String(row.payload ?? "") } : {}),
  } as AuditEvent;
}

/**
 * The event with `redact` applied to every text it carries — content, reasons, paths, tool names, arguments,
 * flags, nested ones too — apart from the keys that say what it is. Structured fields can hold what a model
 * chose (a tool's name, a path, a refusal quoting its arguments), so none is left out by a list to forget.
 */
export function redactEvent<E extends AuditEvent | ToolAuditEvent>(event: E, redact: (text: string) => string): E {
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") return redact(value);
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    }
    return value;
  };
  return Object.fromEntries(
    Object.entries(event).map(([key, value]) => [key, DISCRIMINANTS.has(key) ? value : walk(value)]),
  ) as E;
}

/** How many characters of a text {@linkcode summary} shows. */
const SUMMARY_TEXT = 80;

/**
 * One line of human text for an event, as `pai audit list` shows it.
 *
 * @example
 * ```ts
 * summary({ kind: "session", action: "started", origin: "init", baseUrl: "http://127.0.0.1:11434/v1", locality: "local" });
 * // 'session started at http://127.0.0.1:11434/v1 (local)'
 * ```
 */
export function summary(event: AuditEvent): string {
  return (SUMMARIES[event.kind] as (event: AuditEvent) => string)(event);
}

/** One renderer per kind: the mapped type makes a kind without one a type error. */
const SUMMARIES: { readonly [K in AuditKind]: (event: OfKind<K>) => string } = {
  prompt: (e) => `${e.purpose === "summary" ? "summary request" : "prompt"}: ${clipped(e.text)}`,
  request: requestSummary,
  response: (e) => {
    const calls = e.toolCalls.length;
    return `response: ${clipped(e.text)}${calls ? ` (+${calls} tool call${calls === 1 ? "" : "s"})` : ""}`;
  },
  error: (e) => `error: ${clipped(e.message)}`,
  tool_call: (e) => `tool call ${e.tool} ${clipped(e.arguments)}`,
  grant: (e) => `granted ${e.tool} ${permissionsText(e.permissions)}: ${e.reason}`,
  denial: (e) => `denied ${e.tool} (${DENIED_BY[e.by]}): ${e.reason}`,
  approval: (e) => `asked about ${e.tool} ${permissionsText(e.missing)}: ${e.answer}`,
  tool_result: (e) => `${e.tool} result: ${e.ok ? "ok" : e.error ?? "error"}, ${e.size} characters`,
  resource_access: (e) => {
    const what = e.resource ? ` "${e.resource}"${e.resourceKind ? ` (${e.resourceKind})` : ""}` : "";
    const uri = e.uri ? ` at ${e.uri}` : "";
    return `${e.tool}${what}${uri}: ${e.outcome}${e.reason ? `: ${e.reason}` : ""}`;
  },
  policy_decision: policySummary,
  budget: (e) => `budget ${e.budget}: ${e.used} of ${e.limit} ${e.unit} used: ${e.action}`,
  session: sessionSummary,
  user_change: userChangeSummary,
  task: (e) => {
    const when = e.due ? `, due ${e.due}${e.every ? `, every ${e.every}` : ""}` : "";
    const why = e.reason ? `: ${clipped(e.reason)}` : e.steps !== undefined ? ` after ${e.steps} steps` : "";
    return `task ${e.taskId} ${e.action}${when}${why}`;
  },
  prune: (e) =>
    `pruned ${e.rowsRemoved} rows (${e.firstRemovedId}–${e.lastRemovedId}) written before ${e.before}; ` +
    `the chain starts again at row ${e.firstKeptId}`,
};

/** Every kind, as the `kind` column stores them (from the renderers: a new kind is listed once it has one). */
export const AUDIT_KINDS: readonly AuditKind[] = Object.keys(SUMMARIES) as AuditKind[];

const DENIED_BY: Record<DenialEvent["by"], string> = {
  policy: "by the policy",
  user: "by the user",
  no_terminal: "no user to ask",
  moved: "its paths changed",
};

function requestSummary(event: RequestEvent): string {
  const sources = [...new Set(event.carried.flatMap((p) => p.sources ?? []))];
  const from = sources.length ? `, data from ${clipped(sources.join(", "))}` : "";
  const what = event.purpose ? `${event.purpose} request` : "request";
  const pieces = event.carried.length;
  return `${what} sent to ${event.baseUrl} (${event.locality}): ${pieces} piece${pieces === 1 ? "" : "s"}${from}`;
}

/** The events of one kind: what each kind's renderer takes. */
type OfKind<K extends AuditKind> = Extract<AuditEvent, { kind: K }>;

function policySummary(event: OfKind<"policy_decision">): string {
  switch (event.check) {
    case "label":
      return `refused before sending: ${clipped(event.reason)}`;
    case "scan": {
      const found = event.findings.map((f) => {
        const spelled = f.hidden ? ` spelling ${JSON.stringify(f.hidden)}` : "";
        const how = f.encoding ? `, ${f.encoding}` : f.count ? `, ${f.count} from ${f.where}${spelled}` : "";
        return `${f.rule} (${f.action}${how}) in a ${f.role} message`;
      }).join(", ");
      const blocked = event.blocked.length ? `; the prompt was blocked (${event.blocked.join(", ")}) and not sent` : "";
      return `scan: ${found}${blocked}`;
    }
    case "injection":
      return `injection markers in ${event.tool}: ${event.markers.join(" | ")}`;
    case "route":
      return `routed ${event.purpose ? `a ${event.purpose} request` : "a request"} holding ${event.label} data to ` +
        `${event.to} instead of ${event.from}`;
    default:
      return event satisfies never;
  }
}

function sessionSummary(event: OfKind<"session">): string {
  switch (event.action) {
    case "constraints": {
      const policy = Object.keys(event.policy).length ? Object.keys(event.policy).join(", ") : "built-in defaults";
      return `${event.mode ?? "a"} run may use ${event.tools.length} tools (${clipped(event.tools.join(", "))}), ` +
        `${event.resources.length} resources, ${event.limits.rounds} rounds${event.safe ? ", safe mode" : ""}; ` +
        `policy: ${policy}`;
    }
    case "started":
      return `${event.origin === "default" ? "default " : ""}session started at ${event.baseUrl} (${event.locality})`;
    case "reset":
      return `history reset: ${event.messagesCleared} messages cleared, ${event.approvalsRevoked} session approvals ` +
        `revoked${event.memoriesCleared ? `, ${event.memoriesCleared} memories removed` : ""}`;
    case "endpoint_pinned":
      return `endpoint pinned to ${event.baseUrl} (${event.locality}): the session predates endpoint pinning`;
    case "endpoint_refused":
      return `endpoint refused: ${clipped(event.reason)}`;
    default:
      return event satisfies never;
  }
}

function userChangeSummary(event: OfKind<"user_change">): string {
  switch (event.change) {
    case "approval_saved":
      return `approval saved (${event.scope}): ${event.tool} ${permissionsText(event.permissions)}`;
    case "approval_revoked":
      return `approval revoked: ${event.id} (${event.tool}: ${event.access} of "${event.value}")`;
    case "approvals_revoked":
      return `approvals revoked: all (${event.saved} saved, ${event.ofSession} for the session)`;
    case "undone":
      return `run ${event.run} undone: ${event.restored.length} file(s) restored, ${event.removed.length} removed`;
    case "resource_added":
    case "resource_updated":
    case "resource_removed":
      return `${event.change.replace("_", " ")}: "${event.resource}" (${event.resourceKind})`;
    case "policy_trusted":
    case "policy_untrusted":
      return `${event.change.replace("_", " ")}: ${event.folder}`;
    case "budget_set":
      return `budget set: ${event.budget} = ${event.amount}`;
    case "budgets_cleared":
      return `budgets cleared: ${event.budget} (${event.cleared ?? 0})`;
    case "memory_removed":
      return `memory ${event.memoryId} (${event.label}) removed from working memory`;
    case "head_started":
      return `new head file started at ${event.path} (there was ${
        event.previous === "absent" ? "none" : "one that could not be read"
      })`;
    default:
      return event satisfies never;
  }
}

function permissionsText(p: AuditPermissions): string {
  const parts = [
    ...p.read.map((x) => `read of "${x}"`),
    ...p.write.map((x) => `write of "${x}"`),
    ...p.net.map((x) => `net to ${x}`),
  ];
  return parts.join(", ") || "nothing";
}

/** A text on one line, cut short. */
function clipped(text: string): string {
  return clip(text, SUMMARY_TEXT);
}

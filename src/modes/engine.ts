/**
 * The turn loop, written once for every mode: build the context, record the prompt, check the budget, stream the
 * answer, run the tools it calls, and keep the turn. Its collaborators are ports (`turn_ports.ts`, the context
 * manager, the tool host, the data guard): this module is the only caller of `provider.stream`.
 */
import { type ContextPort, type FixedParts, type Summarise, SUMMARY_INSTRUCTION } from "../context/context_manager.ts";
import type { ModeProfile } from "../core/mode_profile.ts";
import { EXIT, PaiError } from "../core/errors.ts";
import { redactSecrets } from "../core/redact.ts";
import { injectionMarkers, untrustedBlock } from "../policy/injection.ts";
import {
  addUsage,
  type Carried,
  type ChatMessage,
  type ImagePart,
  type Label,
  type ToolCall,
  type ToolDefinition,
  type Usage,
  ZERO_USAGE,
} from "../core/types.ts";
import type { DataGuard, GuardReport } from "../policy/data_guard.ts";
import type { ChatRequest, Provider } from "../providers/provider.ts";
import type { ModelPrice } from "../providers/prices.ts";
import type { Config } from "../store/config.ts";
import type { StoredMessage } from "../store/messages.ts";
import type { ToolExecution } from "../tools/tool_manager.ts";
import type { ProtectedRequest, Who } from "./turn_guard.ts";
import type { ModelTarget, RoleTargets } from "./model_targets.ts";
import { type Route, TurnRouter } from "./turn_router.ts";
import type { AuditPort, BudgetPort, Clock, HistoryPort, Reservation } from "./turn_ports.ts";

/** The tools a turn may use (the tool manager, or a fake in tests); approvals are its prompter's. */
export interface ToolHost {
  definitions(): ToolDefinition[];
  execute(call: ToolCall): Promise<ToolExecution>;
  /** Told when private data is in the run's context (the flow rule). */
  taint?(reason: string): void;
  /** Told the label and sources of data in the run's context (what a memory saved in the run is labelled with). */
  observe?(label: Label | undefined, sources?: readonly string[]): void;
}

/** What a turn needs: the collaborators are ports, so tests can give fakes. */
export interface TurnContext {
  provider: Provider;
  session: { id: string; provider: string; model: string };
  /** The system prompt and the answer's token limit. */
  config: Pick<Config, "systemPrompt" | "maxTokens">;
  /**
   * Where `config.systemPrompt` came from when it was given for this call (`-s`, a template) instead of config.json:
   * such a prompt is scanned before anything is sent, and recorded with the prompt.
   */
  systemFrom?: string;
  profile: ModeProfile;
  context: ContextPort;
  history: HistoryPort;
  audit: AuditPort;
  budget: BudgetPort;
  clock: Clock;
  tools?: ToolHost;
  /** The policy's scanners for this provider (absent: nothing is scanned). */
  guard?: DataGuard;
  /** The model's price, for the cost of each answer in the audit log (absent or `null`: unknown). */
  price?: ModelPrice | null;
  /**
   * Where requests may go: the main model and the session's models for roles (absent in tests with fakes: then every
   * request goes to `provider`). A request that holds data the main model may not receive goes to the local one.
   */
  targets?: { main: ModelTarget } & RoleTargets;
}

/** Options for {@linkcode runTurn}. */
export interface TurnOptions {
  /** Aborting it (Ctrl+C) stops the answer; what arrived is kept, marked interrupted. */
  signal: AbortSignal;
  /** `false` asks the provider for the whole answer at once. */
  stream: boolean;
  /** Called with each piece of text as it arrives. */
  onText?: (text: string) => void;
  /** How many rounds of tool calls the model may make before it must answer (default: the profile's). */
  maxToolRounds?: number;
  /** A wall-clock limit (epoch ms, by the turn's clock) after which no more tools run. */
  deadline?: number;
  /**
   * Ends the turn at its next step: the request or tool call under way finishes, no other starts (an assistant told
   * to stop, or that lost its task). The calls of an answer not yet run are answered as not run.
   */
  halt?: AbortSignal;
  onToolStart?: (call: ToolCall) => void;
  onToolEnd?: (execution: ToolExecution) => void;
  /** Told of what the scanners warn about (kinds and rules, never values), and of summaries made. */
  onNotice?: (text: string) => void;
  /** Build and protect the first request, record nothing, send nothing. */
  dryRun?: boolean;
  /** The most sensitive label of what the input carries (attached resources): kept with it in the history. */
  inputLabel?: Label;
  /** The attached resources (`resource:NAME`) and files the input carries: its label is judged again from them. */
  inputSources?: string[];
  /** Images sent with the input (`--attach`), in every request of this turn; the history keeps only their names. */
  images?: readonly ImagePart[];
}

/** The outcome of one turn. */
export interface TurnResult {
  text: string;
  usage: Usage;
  /** Cut short by the user (Ctrl+C). */
  interrupted: boolean;
  /** The stream ended before the model finished its answer (a dropped connection). */
  incomplete: boolean;
  /** Why the model stopped (`incomplete` when the stream broke off). */
  stopReason: string;
  /** Every tool call of the turn, in order, with its outcome. */
  steps: ToolExecution[];
  /** Each request to the model, in order: its text kept apart from the other rounds', and the calls it made. */
  rounds: TurnRound[];
  /** Set when a limit, not the model, ended the tool calls (`budget`: a budget refused a later round's request). */
  stoppedBy?: "max-rounds" | "deadline" | "budget" | "halted";
  /** With `stoppedBy: "budget"`: the refusal, naming the budget, what is used and what is left. */
  budgetRefusal?: PaiError;
  /** The local model the turn's requests were routed to (`ollama:llama3.2 (local)`), when they were. */
  routedTo?: string;
  /** With `dryRun`: exactly what would have been sent, and what the scanners found. */
  dryRun?: {
    request: ChatRequest;
    findings: GuardReport["findings"];
    refusal?: Error;
    /** The model it would go to (the local one, for data the main one may not receive); absent: refused. */
    target?: ModelTarget;
  };
}

/** The stop reasons that mean "the token limit cut the answer": OpenAI's, and Anthropic's two. */
const TOKEN_LIMIT_STOPS: ReadonlySet<string> = new Set(["length", "max_tokens", "model_context_window_exceeded"]);

/** One request to the model within a turn. */
export interface TurnRound {
  /** The text the model wrote in this round (before its tool calls, if it made any). */
  text: string;
  stopReason: string;
  /** How many entries of `steps` this round's tool calls are (the next ones in order). */
  steps: number;
}

interface RoundResult {
  text: string;
  usage: Usage;
  stopReason: string;
  toolCalls: ToolCall[];
  /** The payload hash of the response row that recorded the answer. */
  auditHash?: string;
}

/**
 * Runs one turn: the user's text in, the model's answer out. When tools are
 * offered, the model's calls are run and their results sent back, round after
 * round, until it answers without calling a tool or a limit is reached (then
 * it is asked for a final answer with tools switched off). Everything is recorded.
 */
export async function runTurn(ctx: TurnContext, userText: string, options: TurnOptions): Promise<TurnResult> {
  try {
    return await turn(ctx, userText, options);
  } finally {
    // A row held for the next one's commit (a tool's last result, when no request followed it) is written now.
    await ctx.audit.flush();
  }
}

async function turn(ctx: TurnContext, userText: string, options: TurnOptions): Promise<TurnResult> {
  const { session, profile } = ctx;
  const who = { sessionId: session.id, mode: profile.mode, provider: session.provider, model: session.model };
  const router = new TurnRouter(ctx, who, options.onNotice);
  const guard = router.guard;
  router.raise(options.inputLabel);
  const fixed: FixedParts = { system: ctx.config.systemPrompt, tools: ctx.tools?.definitions() };
  const summarise = summariser(ctx, router, options, userText);
  const system = ctx.systemFrom ? { text: ctx.config.systemPrompt, from: ctx.systemFrom } : undefined;
  if (system && !options.dryRun) await guard.refuseChangedSystem(system);
  if (options.dryRun) {
    const preview = await ctx.context.start(userText, fixed, summarise, { preview: true });
    router.raise(ctx.context.seen().label);
    return dryRun(ctx, withImages(preview, options.images), router.peek());
  }
  let messages = await contextOf(ctx, router, () => ctx.context.start(userText, fixed, summarise));
  const context = { history: messages.length - 1, summary: ctx.context.stats.summarySent === true };
  ctx.tools?.observe?.(options.inputLabel, options.inputSources);
  const sources = options.inputSources?.length ? options.inputSources : undefined;
  const inputHash = await guard.recordPrompt(messages, userText, {
    context,
    ...(sources ? { sources } : {}),
    ...(system ? { system } : {}),
  });
  // The input is the last message: what it carries names the prompt row (the summary before it, in prompt mode).
  const input: Carried = {
    via: sources ? "attachment" : "input",
    ...hashOf(inputHash),
    ...(sources ? { sources } : {}),
  };
  messages = withImages(messages, options.images);
  messages[messages.length - 1] = carrying(messages.at(-1)!, input);
  if (ctx.profile.plans && ctx.targets?.planner && ctx.tools) {
    messages = await planned(ctx, router, ctx.targets.planner, messages, fixed, options);
  }

  const maxRounds = options.maxToolRounds ?? profile.limits.rounds;
  const result: TurnResult = {
    text: "",
    usage: ZERO_USAGE,
    interrupted: false,
    incomplete: false,
    stopReason: "incomplete",
    steps: [],
    rounds: [],
  };
  /** What the history keeps of the turn: the input, each answer with its calls, each result. */
  const kept: StoredMessage[] = [{
    ...message(ctx, { role: "user", content: userText }, options.inputLabel, inputHash),
    ...(sources ? { sources } : {}),
  }];
  const ran = new Set<string>();
  for (let round = 0;; round++) {
    if (round > 0 && options.halt?.aborted) {
      result.stoppedBy = "halted";
      break;
    }
    const overTime = options.deadline !== undefined && ctx.clock.now() > options.deadline;
    const mayCall = ctx.tools !== undefined && round < maxRounds && !overTime;
    if (ctx.tools && !mayCall) result.stoppedBy = overTime ? "deadline" : "max-rounds";
    let answer: RoundResult;
    try {
      if (round > 0) messages = await contextOf(ctx, router, () => ctx.context.fit(messages, fixed, summarise));
      const request = {
        ...requestOf(ctx, fixed, messages),
        stream: options.stream,
        toolChoice: mayCall ? "auto" : "none",
      };
      answer = await requestOnce(ctx, await router.route(), request as ChatRequest, options, undefined, mayCall);
    } catch (error) {
      // A budget reached after the first round stops the run cleanly: what was done is kept, and the refusal says
      // which budget. In the first round nothing was done, so it is the turn's error.
      if (round === 0 || !(error instanceof PaiError) || error.exitCode !== EXIT.BUDGET) throw error;
      result.stoppedBy = "budget";
      result.budgetRefusal = error;
      break;
    }
    result.text += answer.text;
    result.usage = addUsage(result.usage, answer.usage);
    result.stopReason = answer.stopReason;
    const thisRound: TurnRound = { text: answer.text, stopReason: answer.stopReason, steps: 0 };
    result.rounds.push(thisRound);
    if (TOKEN_LIMIT_STOPS.has(answer.stopReason)) {
      // The answer looks finished but is not: say so, where the user reads PAI's own notes (stderr).
      options.onNotice?.(
        `Note: the answer was cut short at the token limit (maxTokens ${ctx.config.maxTokens} in PAI's config.json)`,
      );
    }
    const calls = mayCall && !options.signal.aborted && answer.stopReason !== "incomplete" ? answer.toolCalls : [];
    const said: ChatMessage = {
      role: "assistant",
      content: answer.text,
      ...(calls.length ? { toolCalls: calls } : {}),
    };
    // Which model wrote it: the session's (or `-m`'s), or the local one this round's request was routed to.
    const writer = router.routedTo ?? `${session.provider}:${session.model}`;
    kept.push({ ...message(ctx, said, undefined, answer.auditHash), model: writer });
    if (!calls.length) break;
    messages = [...messages, carrying(said, { via: "answer", ...hashOf(answer.auditHash) })];
    for (const call of calls) {
      // A call id that already ran (a provider replaying a turn) is never run twice.
      const execution = options.halt?.aborted
        ? await refused(ctx, who, call, "Not run: the run was stopped before this call")
        : ran.has(call.id)
        ? await refused(ctx, who, call, `Call ${call.id} already ran`)
        : result.steps.length >= profile.limits.callsPerTurn
        ? await refused(
          ctx,
          who,
          call,
          `${profile.mode} mode runs at most ${profile.limits.callsPerTurn} tool call(s) per turn`,
        )
        : await runCall(ctx.tools!, call, options);
      ran.add(call.id);
      router.raise(execution.label);
      result.steps.push(execution);
      thisRound.steps++;
      const answered: ChatMessage = { role: "tool", toolCallId: call.id, content: execution.content };
      messages.push(carrying(answered, {
        via: "tool_result",
        ...hashOf(execution.auditHash),
        ...(execution.sources?.length ? { sources: execution.sources } : {}),
        callId: call.id,
      }));
      kept.push({
        ...message(ctx, answered, execution.label, execution.auditHash),
        ...(execution.taint ? { taint: execution.taint } : {}),
        ...(execution.sources?.length ? { sources: execution.sources } : {}),
      });
    }
    if (options.signal.aborted) break;
  }
  if (router.routedTo) result.routedTo = router.routedTo;
  result.interrupted = options.signal.aborted;
  result.incomplete = !result.interrupted && result.stopReason === "incomplete";
  const last = kept.at(-1)!;
  if (last.role === "tool") {
    // Stopped between a round's results and the model's answer to them: the history still ends with an answer.
    kept.push(message(ctx, { role: "assistant", content: "" }));
  }
  // A run a budget stopped never gave its final answer: the model is told so next time, as for an interruption.
  kept.at(-1)!.interrupted = result.interrupted || result.incomplete || result.stoppedBy === "budget" ||
    result.stoppedBy === "halted";
  // The audit rows first: the history never holds a result the audit log has not committed.
  await ctx.audit.flush();
  ctx.history.append(kept);
  return result;
}

/**
 * A message of the turn as the history keeps it, with its label and, when the tokenizer was loaded, its tokens
 * (counted by PAI: a server's reported usage is not trusted to size what is sent later).
 */
function message(ctx: TurnContext, m: ChatMessage, label?: Label, auditHash?: string): StoredMessage {
  const tokens = ctx.context.tokensOf(m);
  return {
    ...m,
    mode: ctx.profile.mode,
    interrupted: false,
    ...(tokens ? { tokens } : {}),
    ...(label ? { label } : {}),
    ...(auditHash ? { auditHash } : {}),
  };
}

/** The message with one more piece of data it carries (for the request rows of the audit log). */
function carrying(m: ChatMessage, piece: Carried): ChatMessage {
  return { ...m, carries: [...m.carries ?? [], piece] };
}

/** A piece's `hash` field, when the audit port said which row recorded it (a fake port says nothing). */
function hashOf(hash: string | undefined): Pick<Carried, "hash"> {
  return hash ? { hash } : {};
}

async function runCall(tools: ToolHost, call: ToolCall, options: TurnOptions): Promise<ToolExecution> {
  options.onToolStart?.(call);
  const execution = await tools.execute(call);
  options.onToolEnd?.(execution);
  return execution;
}

/** A call the loop itself does not run: its refusal is the result the model is sent, recorded as every result is. */
async function refused(ctx: TurnContext, who: Who, call: ToolCall, message: string): Promise<ToolExecution> {
  const outcome = { ok: false as const, error: { type: "invalid_input" as const, message } };
  const content = JSON.stringify(outcome);
  const row = await ctx.audit.emit({
    ...who,
    kind: "tool_result",
    tool: call.name,
    callId: call.id,
    ok: false,
    error: "invalid_input",
    content,
    size: content.length,
    sources: [],
  });
  return {
    call,
    ok: false,
    content,
    summary: `skipped: ${message}`,
    outcome,
    ...(row ? { auditHash: row.payloadHash } : {}),
  };
}

function requestOf(ctx: TurnContext, fixed: FixedParts, messages: ChatMessage[]): ChatRequest {
  return {
    system: fixed.system,
    messages,
    stream: true,
    maxTokens: ctx.config.maxTokens,
    tools: fixed.tools,
    toolChoice: ctx.tools ? "auto" : "none",
  };
}

/**
 * How the context manager has the model summarise older turns: one request without tools, through the same
 * scanners, budget and audit as every other (this module stays the only caller of `provider.stream`).
 */
function summariser(ctx: TurnContext, router: TurnRouter, options: TurnOptions, userText: string): Summarise {
  const guard = router.guard;
  let inputChecked = false;
  return async (messages, previous, label) => {
    // An input the scanners block is refused before older turns are sent to be summarised for it.
    if (!inputChecked) await guard.refuseBlockedInput(userText);
    inputChecked = true;
    const transcript = messages.map((m) => {
      const calls = m.toolCalls?.length
        ? `\n(called ${m.toolCalls.map((c) => `${c.name} ${c.arguments}`).join("; ")})`
        : "";
      return `${m.role}: ${m.content}${calls}`;
    }).join("\n\n");
    const before = previous
      ? `${
        untrustedBlock("conversation_summary", 'of="the turns before"', "your earlier summary", previous.text, [])
      }\n\n`
      : "";
    // The one message carries the earlier summary and all the summarised ones: they are sent again, to be summarised.
    const carries = [...previous?.carries ?? [], ...messages.flatMap((m) => m.carries ?? [])];
    const request: ChatRequest = {
      system: SUMMARY_INSTRUCTION,
      messages: [{
        role: "user",
        content: `${before}<conversation>\n${transcript}\n</conversation>`,
        ...(carries.length ? { carries } : {}),
      }],
      stream: false,
      maxTokens: ctx.config.maxTokens,
      toolChoice: "none",
    };
    options.onNotice?.("pai: summarising older turns to stay within the model's context window");
    // The summariser model writes it (the main one when the session names none), or the local one for what only it
    // may receive.
    const route = await router.route(ctx.targets?.summarizer ?? router.main, "summary", label);
    await route.guard.recordPrompt(request.messages, request.messages[0].content, { purpose: "summary" });
    const answer = await requestOnce(ctx, route, request, { ...options, onText: undefined }, "summary");
    return { text: answer.text.trim(), ...(answer.auditHash ? { hash: answer.auditHash } : {}) };
  };
}

/** What the planner is asked for. */
export const PLAN_INSTRUCTION = "You plan work that another model will carry out with tools. Read the conversation " +
  "and the task, then write a short numbered plan: the steps to take, which tool each needs, and what to check. " +
  "Do not do the work and do not answer the task yourself. Write only the plan.";

/**
 * The planner's plan for the run, put after the input as untrusted content (it is a model's text) for the main
 * model to follow. One request without tools, through the same scanners, budget, audit and routing as every other.
 */
async function planned(
  ctx: TurnContext,
  router: TurnRouter,
  planner: ModelTarget,
  messages: ChatMessage[],
  fixed: FixedParts,
  options: TurnOptions,
): Promise<ChatMessage[]> {
  const tools = (fixed.tools ?? []).map((t) => `- ${t.name}: ${t.description}`).join("\n");
  const request: ChatRequest = {
    system: `${PLAN_INSTRUCTION}\n\nThe tools it may call:\n${tools}`,
    messages,
    stream: false,
    maxTokens: ctx.config.maxTokens,
    toolChoice: "none",
  };
  const route = await router.route(planner, "plan");
  options.onNotice?.(`pai: ${route.target.name} is planning the run`);
  const answer = await requestOnce(ctx, route, request, { ...options, onText: undefined }, "plan");
  const text = answer.text.trim();
  const plan = untrustedBlock("plan", `by="${route.target.name}"`, "the planner model", text, injectionMarkers(text));
  const last = messages.at(-1)!;
  const piece: Carried = { via: "answer", ...hashOf(answer.auditHash) };
  return [...messages.slice(0, -1), {
    ...last,
    content: `${last.content}\n\n${plan}`,
    carries: [...last.carries ?? [], piece],
  }];
}

/**
 * The context manager's messages for a request, with what re-sent history brings told to the tools (the flow
 * rule), and a label refusal recorded in the audit log before it is thrown.
 */
async function contextOf(ctx: TurnContext, router: TurnRouter, build: () => Promise<ChatMessage[]>) {
  let messages: ChatMessage[];
  try {
    messages = await build();
  } catch (error) {
    if (error instanceof PaiError && error.exitCode === EXIT.POLICY) {
      await router.guard.recordLabelRefusal(error.message);
    }
    throw error;
  }
  for (const taint of ctx.context.taints()) ctx.tools?.taint?.(taint);
  const seen = ctx.context.seen();
  ctx.tools?.observe?.(seen.label, seen.sources);
  router.raise(seen.label);
  return messages;
}

/** What the first request would be, after the scanners; nothing is sent or recorded. */
/** The messages with `images` on the last one, the turn's input. */
function withImages(messages: ChatMessage[], images: readonly ImagePart[] | undefined): ChatMessage[] {
  if (!images?.length) return messages;
  return [...messages.slice(0, -1), { ...messages.at(-1)!, images }];
}

function dryRun(ctx: TurnContext, messages: ChatMessage[], target: ModelTarget | undefined): TurnResult {
  const request = requestOf(ctx, { system: ctx.config.systemPrompt, tools: ctx.tools?.definitions() }, messages);
  // Inspected, not protected: a prompt the policy would refuse still shows what the scanners found, and why.
  const guarded = ctx.guard?.inspect(request.messages);
  return {
    text: "",
    usage: ZERO_USAGE,
    interrupted: false,
    incomplete: false,
    stopReason: "dry-run",
    steps: [],
    rounds: [],
    dryRun: {
      // A refused prompt is shown as the audit would keep it: its secret replaced by a placeholder.
      // What is sent: the audit's note of what each message carries is not.
      request: {
        ...request,
        messages:
          (guarded?.refusal
            ? guarded.messages.map((m, i) => ({ ...m, content: guarded.audit[i] }))
            : guarded?.messages ?? request.messages).map(({ carries: _, ...m }) => m),
      },
      findings: guarded?.report.findings ?? [],
      refusal: guarded?.refusal,
      ...(target ? { target } : {}),
    },
  };
}

/**
 * One request to the model, after the scanners and within the budget, streamed into a round's result and
 * recorded. The answer is recorded as the audit keeps text (the placeholders the user sees restored are put
 * back, no raw secret).
 */
async function requestOnce(
  ctx: TurnContext,
  route: Route,
  unprotected: ChatRequest,
  options: TurnOptions,
  purpose?: "summary" | "plan",
  /** The answer's tool calls will run: its row may wait for theirs (the call's row, committed with its decision). */
  callsRun = false,
): Promise<RoundResult> {
  const { guard, target } = route;
  const round: RoundResult = { text: "", usage: ZERO_USAGE, stopReason: "incomplete", toolCalls: [] };
  let sent: ProtectedRequest;
  let estimate: number;
  let reservation: Reservation;
  let provider: Provider;
  try {
    // Built before anything is recorded as sent (a role's model loads its SDK on its first request).
    provider = await target.provider();
    sent = await guard.protect(unprotected);
    estimate = ctx.context.tokensOfRequest(sent.request);
    reservation = await target.budget.reserve({ inputTokens: estimate, outputTokens: unprotected.maxTokens }, {
      notice: options.onNotice,
    });
  } catch (error) {
    // The prompt is held for the request's commit: a request that does not go still leaves its prompt recorded.
    await ctx.audit.flush();
    throw error;
  }
  const { request, restorer, how } = sent;
  try {
    await guard.recordRequest(unprotected.messages, how, purpose);
  } catch (error) {
    await reservation.settle(ZERO_USAGE);
    throw error;
  }
  const show = (text: string) => {
    const restored = restorer ? restorer.push(text) : text;
    round.text += restored;
    if (restored) options.onText?.(restored);
  };
  try {
    for await (const event of provider.stream(request, options.signal)) {
      switch (event.type) {
        case "text":
          show(event.text);
          break;
        case "usage":
          round.usage = event.usage;
          break;
        case "tool_call":
          round.toolCalls.push(event.call);
          break;
        case "stop":
          round.stopReason = event.reason;
          break;
        default:
          event satisfies never;
      }
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await guard.recordError(redactSecrets(message));
    await reservation.settle(round.usage);
    throw error;
  } finally {
    const rest = restorer?.flush();
    if (rest) (round.text += rest, options.onText?.(rest));
  }
  // What the provider reported replaces the estimate; a provider that reports nothing is held to the estimate.
  await reservation.settle(round.usage.inputTokens ? round.usage : { ...round.usage, inputTokens: estimate });
  const hold = callsRun && round.toolCalls.length > 0 && !options.signal.aborted && round.stopReason !== "incomplete";
  round.auditHash = await guard.recordResponse(round.text, round.toolCalls, round.usage, { hold });
  return round;
}

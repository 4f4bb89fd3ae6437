/**
 * The turn loop, written once for every mode: build the context, record the
 * prompt, stream the answer, record the response and keep the history.
 */
import { contextMessages } from "../context/history.ts";
import { redactSecrets } from "../core/redact.ts";
import { addUsage, type ChatMessage, type ToolCall, type ToolDefinition, type Usage } from "../core/types.ts";
import type { DataGuard, GuardReport } from "../policy/data_guard.ts";
import type { ChatRequest, Provider } from "../providers/provider.ts";
import type { Config } from "../store/config.ts";
import type { Database } from "../store/db.ts";
import { appendMessages, listMessages } from "../store/messages.ts";
import { type Session, touchSession } from "../store/sessions.ts";
import type { ToolExecution } from "../tools/tool_manager.ts";
import type { ModeProfile } from "../core/mode_profile.ts";
import { TurnGuard } from "./turn_guard.ts";

/** The tools a turn may use (the tool manager, or a fake in tests). */
export interface ToolHost {
  definitions(): ToolDefinition[];
  execute(call: ToolCall): Promise<ToolExecution>;
  /** Told when private data is in the run's context (the flow rule). */
  taint?(reason: string): void;
}

/** What a turn needs: the collaborators are passed in, so tests can give fakes. */
export interface TurnContext {
  db: Database;
  provider: Provider;
  session: Session;
  config: Config;
  profile: ModeProfile;
  tools?: ToolHost;
  /** The policy's scanners for this provider (absent: nothing is scanned). */
  guard?: DataGuard;
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
  /** A wall-clock limit (epoch ms) after which no more tools run. */
  deadline?: number;
  onToolStart?: (call: ToolCall) => void;
  onToolEnd?: (execution: ToolExecution) => void;
  /** Told of what the scanners warn about (kinds and rules, never values). */
  onNotice?: (text: string) => void;
  /** Build and protect the first request, record nothing, send nothing. */
  dryRun?: boolean;
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
  /** Set when a limit, not the model, ended the tool calls. */
  stoppedBy?: "max-rounds" | "deadline";
  /** With `dryRun`: exactly what would have been sent, and what the scanners found. */
  dryRun?: { request: ChatRequest; findings: GuardReport["findings"]; refusal?: Error };
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
}

/**
 * Runs one turn: the user's text in, the model's answer out. When tools are
 * offered, the model's calls are run and their results sent back, round after
 * round, until it answers without calling a tool or a limit is reached (then
 * it is asked for a final answer with tools switched off). Everything is recorded.
 */
export async function runTurn(ctx: TurnContext, userText: string, options: TurnOptions): Promise<TurnResult> {
  const { db, session, profile } = ctx;
  const history = profile.context === "history" ? listMessages(db, session.id, profile.mode) : [];
  const who = { sessionId: session.id, mode: profile.mode, provider: session.provider, model: session.model };
  const messages = contextMessages(history, userText);
  if (options.dryRun) return dryRun(ctx, messages);
  const guard = new TurnGuard(ctx, who, options.onNotice);
  await guard.recordPrompt(messages, userText);

  const maxRounds = options.maxToolRounds ?? profile.limits.rounds;
  const result: TurnResult = {
    text: "",
    usage: { inputTokens: 0, outputTokens: 0 },
    interrupted: false,
    incomplete: false,
    stopReason: "incomplete",
    steps: [],
    rounds: [],
  };
  const ran = new Set<string>();
  for (let round = 0;; round++) {
    const overTime = options.deadline !== undefined && Date.now() > options.deadline;
    const mayCall = ctx.tools !== undefined && round < maxRounds && !overTime;
    if (ctx.tools && !mayCall) result.stoppedBy = overTime ? "deadline" : "max-rounds";
    const request = { ...firstRequest(ctx, messages), stream: options.stream, toolChoice: mayCall ? "auto" : "none" };
    const answer = await requestOnce(ctx, guard, request as ChatRequest, options);
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
    if (options.signal.aborted || answer.stopReason === "incomplete" || !mayCall || !answer.toolCalls.length) break;
    messages.push({ role: "assistant", content: answer.text, toolCalls: answer.toolCalls });
    for (const call of answer.toolCalls) {
      // A call id that already ran (a provider replaying a turn) is never run twice.
      const execution = ran.has(call.id)
        ? refused(call, `Call ${call.id} already ran`)
        : result.steps.length >= profile.limits.callsPerTurn
        ? refused(call, `${profile.mode} mode runs at most ${profile.limits.callsPerTurn} tool call(s) per turn`)
        : await runCall(ctx.tools!, call, options);
      ran.add(call.id);
      result.steps.push(execution);
      thisRound.steps++;
      messages.push({ role: "tool", toolCallId: call.id, content: execution.content });
    }
    if (options.signal.aborted) break;
  }
  result.interrupted = options.signal.aborted;
  result.incomplete = !result.interrupted && result.stopReason === "incomplete";
  appendMessages(db, session.id, [
    { role: "user", content: userText, mode: profile.mode, interrupted: false },
    {
      role: "assistant",
      content: result.text,
      mode: profile.mode,
      interrupted: result.interrupted || result.incomplete,
    },
  ]);
  touchSession(db, session.id, profile.mode);
  return result;
}

async function runCall(tools: ToolHost, call: ToolCall, options: TurnOptions): Promise<ToolExecution> {
  options.onToolStart?.(call);
  const execution = await tools.execute(call);
  options.onToolEnd?.(execution);
  return execution;
}

function refused(call: ToolCall, message: string): ToolExecution {
  const outcome = { ok: false as const, error: { type: "invalid_input" as const, message } };
  return { call, ok: false, content: JSON.stringify(outcome), summary: `skipped: ${message}`, outcome };
}

function firstRequest(ctx: TurnContext, messages: ChatMessage[]): ChatRequest {
  return {
    system: ctx.config.systemPrompt,
    messages,
    stream: true,
    maxTokens: ctx.config.maxTokens,
    tools: ctx.tools?.definitions(),
    toolChoice: ctx.tools ? "auto" : "none",
  };
}

/** What the first request would be, after the scanners; nothing is sent or recorded. */
function dryRun(ctx: TurnContext, messages: ChatMessage[]): TurnResult {
  const request = firstRequest(ctx, messages);
  // Inspected, not protected: a prompt the policy would refuse still shows what the scanners found, and why.
  const guarded = ctx.guard?.inspect(request.messages);
  return {
    text: "",
    usage: { inputTokens: 0, outputTokens: 0 },
    interrupted: false,
    incomplete: false,
    stopReason: "dry-run",
    steps: [],
    rounds: [],
    dryRun: {
      // A refused prompt is shown as the audit would keep it: its secret replaced by a placeholder.
      request: {
        ...request,
        messages: guarded?.refusal
          ? guarded.messages.map((m, i) => ({ ...m, content: guarded.audit[i] }))
          : guarded?.messages ?? request.messages,
      },
      findings: guarded?.report.findings ?? [],
      refusal: guarded?.refusal,
    },
  };
}

/**
 * One request to the model, after the scanners, streamed into a round's
 * result and recorded. The answer is recorded as the audit keeps text (the
 * placeholders the user sees restored are put back, no raw secret).
 */
async function requestOnce(
  ctx: TurnContext,
  guard: TurnGuard,
  unprotected: ChatRequest,
  options: TurnOptions,
): Promise<RoundResult> {
  const round: RoundResult = {
    text: "",
    usage: { inputTokens: 0, outputTokens: 0 },
    stopReason: "incomplete",
    toolCalls: [],
  };
  const { request, restorer } = await guard.protect(unprotected);
  const show = (text: string) => {
    const restored = restorer ? restorer.push(text) : text;
    round.text += restored;
    if (restored) options.onText?.(restored);
  };
  try {
    for await (const event of ctx.provider.stream(request, options.signal)) {
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
    await guard.record("error", redactSecrets(message));
    throw error;
  } finally {
    const rest = restorer?.flush();
    if (rest) (round.text += rest, options.onText?.(rest));
  }
  const payload = round.toolCalls.length
    ? JSON.stringify({ text: round.text, toolCalls: round.toolCalls })
    : round.text;
  await guard.record("response", payload, round.usage);
  return round;
}

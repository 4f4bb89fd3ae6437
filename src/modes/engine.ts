/**
 * The turn loop, written once for every mode: build the context, record the
 * prompt, stream the answer, record the response and keep the history.
 */
import { appendAudit } from "../audit/log.ts";
import { contextMessages } from "../context/history.ts";
import { redactSecrets } from "../core/redact.ts";
import type { ToolCall, Usage } from "../core/types.ts";
import type { Provider } from "../providers/provider.ts";
import type { Config } from "../store/config.ts";
import type { Database } from "../store/db.ts";
import { appendMessages, listMessages } from "../store/messages.ts";
import { type Session, touchSession } from "../store/sessions.ts";
import type { ModeProfile } from "./profiles.ts";

/** What a turn needs: the collaborators are passed in, so tests can give fakes. */
export interface TurnContext {
  db: Database;
  provider: Provider;
  session: Session;
  config: Config;
  profile: ModeProfile;
}

/** Options for {@linkcode runTurn}. */
export interface TurnOptions {
  /** Aborting it (Ctrl+C) stops the answer; what arrived is kept, marked interrupted. */
  signal: AbortSignal;
  /** `false` asks the provider for the whole answer at once. */
  stream: boolean;
  /** Called with each piece of text as it arrives. */
  onText?: (text: string) => void;
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
  toolCalls: ToolCall[];
}

/** Runs one turn: the user's text in, the model's answer out, everything recorded. */
export async function runTurn(ctx: TurnContext, userText: string, options: TurnOptions): Promise<TurnResult> {
  const { db, provider, session, profile } = ctx;
  const history = profile.sendsHistory ? listMessages(db, session.id, profile.mode) : [];
  const who = { sessionId: session.id, mode: profile.mode, provider: session.provider, model: session.model };
  await appendAudit(db, { ...who, kind: "prompt", payload: userText });

  const result: TurnResult = {
    text: "",
    usage: { inputTokens: 0, outputTokens: 0 },
    interrupted: false,
    incomplete: false,
    stopReason: "incomplete",
    toolCalls: [],
  };
  const request = {
    system: ctx.config.systemPrompt,
    messages: contextMessages(history, userText),
    stream: options.stream,
    maxTokens: ctx.config.maxTokens,
  };
  try {
    for await (const event of provider.stream(request, options.signal)) {
      switch (event.type) {
        case "text":
          result.text += event.text;
          options.onText?.(event.text);
          break;
        case "usage":
          result.usage = event.usage;
          break;
        case "tool_call":
          result.toolCalls.push(event.call);
          break;
        case "stop":
          result.stopReason = event.reason;
          break;
        default:
          event satisfies never;
      }
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await appendAudit(db, { ...who, kind: "error", payload: redactSecrets(message) });
    throw error;
  }
  result.interrupted = options.signal.aborted;
  result.incomplete = !result.interrupted && result.stopReason === "incomplete";
  await appendAudit(db, { ...who, kind: "response", usage: result.usage, payload: result.text });
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

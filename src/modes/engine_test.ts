/** The turn loop against hand-written fakes of its ports: no database, no server. */
import assert from "node:assert/strict";
import { answerIdentity, type AuditEvent } from "../audit/events.ts";
import { sha256 } from "../audit/chain.ts";
import type { ContextPort } from "../context/context_manager.ts";
import { PaiError } from "../core/errors.ts";
import type { ModeProfile } from "../core/mode_profile.ts";
import type { ChatMessage, StreamEvent, Usage } from "../core/types.ts";
import type { ChatRequest, Provider } from "../providers/provider.ts";
import { resolveProvider } from "../providers/registry.ts";
import { DEFAULT_CONFIG } from "../store/config.ts";
import type { StoredMessage } from "../store/messages.ts";
import { runTurn, type ToolHost, type TurnContext } from "./engine.ts";
import { AGENT, CHAT, PROMPT } from "./profiles.ts";
import { NO_BUDGET } from "./turn_ports.ts";

/** A provider that plays back scripted events and remembers the requests it got. */
class ScriptedProvider implements Provider {
  readonly resolved = resolveProvider({ provider: "ollama", model: "m" }, { env: () => undefined });
  readonly requests: ChatRequest[] = [];
  constructor(private readonly script: (signal: AbortSignal) => AsyncIterable<StreamEvent>) {}
  stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    this.requests.push(request);
    return this.script(signal);
  }
  listModels(): Promise<string[]> {
    return Promise.resolve(["m"]);
  }
}

/** A context that sends the history kept of earlier turns of the same mode (as chat's does), one token a character. */
class FakeContext implements ContextPort {
  stats = { largestRequest: 0, summaries: 0, compacted: 0 };
  fits = 0;
  constructor(private readonly history: StoredMessage[], private readonly profile: ModeProfile) {}
  start(input: string): Promise<ChatMessage[]> {
    const earlier = this.profile.context === "history"
      ? this.history.filter((m) => m.mode === this.profile.mode).map(({ role, content, toolCalls, toolCallId }) => ({
        role,
        content,
        ...(toolCalls ? { toolCalls } : {}),
        ...(toolCallId ? { toolCallId } : {}),
      }))
      : [];
    return Promise.resolve([...earlier, { role: "user", content: input }]);
  }
  taints(): string[] {
    return this.carried;
  }
  seen() {
    return { sources: [] };
  }
  carried: string[] = [];
  fit(messages: ChatMessage[]): Promise<ChatMessage[]> {
    this.fits++;
    return Promise.resolve(messages);
  }
  tokensOf(message: ChatMessage): number | undefined {
    return message.content.length;
  }
  tokensOfRequest(request: { messages: readonly ChatMessage[] }): number {
    return request.messages.reduce((n, m) => n + m.content.length, 0);
  }
}

interface Fakes {
  history: StoredMessage[];
  events: AuditEvent[];
  context: FakeContext;
}

function turn(provider: Provider, profile: ModeProfile = CHAT, over: Partial<TurnContext> = {}, fakes?: Fakes) {
  const history = fakes?.history ?? [];
  const events = fakes?.events ?? [];
  const context = new FakeContext(history, profile);
  const ctx: TurnContext = {
    provider,
    session: { id: "s", provider: "ollama", model: "m" },
    config: { systemPrompt: DEFAULT_CONFIG.systemPrompt, maxTokens: DEFAULT_CONFIG.maxTokens },
    profile,
    context,
    history: { append: (messages) => void history.push(...messages) },
    audit: {
      emit: (event) => (events.push(event), Promise.resolve()),
      hold: (event) => (events.push(event), Promise.resolve()),
      flush: () => Promise.resolve(),
    },
    budget: NO_BUDGET,
    clock: { now: () => 1_000 },
    ...over,
  };
  return { ctx, fakes: { history, events, context } };
}

const signal = () => new AbortController().signal;

Deno.test("runTurn() sends chat history but not prompt-mode history, and keeps every turn", async () => {
  const provider = new ScriptedProvider(async function* () {
    yield { type: "text", text: "hi" };
    yield { type: "usage", usage: { inputTokens: 3, outputTokens: 1 } };
    yield { type: "stop", reason: "stop" };
  });
  const { ctx, fakes } = turn(provider);
  await runTurn(ctx, "one", { signal: signal(), stream: true });
  await runTurn(turn(provider, PROMPT, {}, fakes).ctx, "side question", { signal: signal(), stream: true });
  const result = await runTurn(turn(provider, CHAT, {}, fakes).ctx, "two", { signal: signal(), stream: true });
  assert.deepEqual(result.usage, { inputTokens: 3, outputTokens: 1 });
  assert.deepEqual(provider.requests[1].messages.map((m) => m.content), ["side question"]);
  assert.deepEqual(provider.requests[2].messages.map((m) => m.content), ["one", "hi", "two"]);
  assert.equal(provider.requests[2].system, DEFAULT_CONFIG.systemPrompt);
  assert.equal(fakes.history.length, 6);
  // The answer is kept with PAI's own count of its tokens (the fake context counts characters).
  assert.equal(fakes.history[1].tokens, 2);
  assert.deepEqual(
    fakes.events.map((e) => e.kind),
    ["prompt", "request", "response", "prompt", "request", "response", "prompt", "request", "response"],
  );
});

Deno.test("runTurn() keeps what arrived before an abort, marked interrupted", async () => {
  const controller = new AbortController();
  const provider = new ScriptedProvider(async function* (signal) {
    yield { type: "text", text: "partial " };
    controller.abort();
    if (signal.aborted) return; // as the adapters do: an aborted stream ends quietly
    yield { type: "text", text: "never" };
  });
  const { ctx, fakes } = turn(provider);
  const seen: string[] = [];
  const result = await runTurn(ctx, "q", { signal: controller.signal, stream: true, onText: (t) => seen.push(t) });
  assert.equal(result.interrupted, true);
  assert.equal(result.incomplete, false);
  assert.deepEqual(seen, ["partial "]);
  assert.deepEqual(fakes.history.map((m) => [m.content, m.interrupted]), [["q", false], ["partial ", true]]);
});

Deno.test("runTurn() records a provider error in the audit log (redacted) and keeps no half turn", async () => {
  const provider = new ScriptedProvider(async function* () {
    yield { type: "text", text: "x" };
    throw new Error("boom with sk-abcdefghijklmnopqrstuvwx");
  });
  const { ctx, fakes } = turn(provider);
  await assert.rejects(runTurn(ctx, "q", { signal: signal(), stream: true }), /boom/);
  assert.equal(fakes.history.length, 0);
  const error = fakes.events.find((e) => e.kind === "error");
  assert.equal(error?.kind === "error" && error.message, "boom with [REDACTED]");
});

/** A tool host that counts what it ran. */
function countingTools(): ToolHost & { ran: string[] } {
  const ran: string[] = [];
  return {
    ran,
    definitions: () => [{ name: "t", description: "test", parameters: { type: "object" } }],
    execute: (call) => {
      ran.push(call.id);
      return Promise.resolve({
        call,
        ok: true,
        content: '{"ok":true}',
        summary: "ok",
        outcome: { ok: true, result: {} },
        label: "private" as const,
      });
    },
  };
}

/** A provider that calls tool `t` with this id on every request, until tools are switched off. */
function callingProvider(id: string): ScriptedProvider {
  return new ScriptedProvider(async function* (_signal) {
    yield { type: "tool_call", call: { id, name: "t", arguments: "{}" } };
    yield { type: "stop", reason: "tool_calls" };
  });
}

/** Runs an agent turn with a provider that always calls tool `t` with `id`, and counts what ran. */
async function agentTurn(id: string, options: { maxToolRounds?: number; deadline?: number }) {
  const provider = callingProvider(id);
  const tools = countingTools();
  const { ctx, fakes } = turn(provider, AGENT, { tools });
  const result = await runTurn(ctx, "go", { signal: signal(), stream: true, ...options });
  return { result, ran: tools.ran, requests: provider.requests, fakes };
}

Deno.test("runTurn() never runs the same tool call id twice, and stops at the round limit with tools off", async () => {
  const { result, ran, requests, fakes } = await agentTurn("same-id", { maxToolRounds: 3 });
  assert.deepEqual(ran, ["same-id"]);
  assert.equal(result.steps.length, 3);
  assert.match(result.steps[1].content, /already ran/);
  assert.equal(result.stoppedBy, "max-rounds");
  assert.equal(requests.at(-1)!.toolChoice, "none");
  // Every request after the first was fitted to the window by the context.
  assert.equal(fakes.context.fits, requests.length - 1);
});

Deno.test("runTurn() keeps the tool calls and their results in the history, with the results' labels", async () => {
  const { fakes } = await agentTurn("c1", { maxToolRounds: 1 });
  assert.deepEqual(fakes.history.map((m) => m.role), ["user", "assistant", "tool", "assistant"]);
  assert.deepEqual(fakes.history[1].toolCalls, [{ id: "c1", name: "t", arguments: "{}" }]);
  assert.equal(fakes.history[2].toolCallId, "c1");
  assert.equal(fakes.history[2].label, "private");
  assert.equal(fakes.history[2].content, '{"ok":true}');
});

Deno.test("runTurn() records each request before it is sent, with every piece it carries and the row that recorded it", async () => {
  const provider = callingProvider("c1");
  const tools = countingTools();
  tools.execute = (call) =>
    Promise.resolve({
      call,
      ok: true,
      content: '{"ok":true,"result":"x"}',
      summary: "ok",
      outcome: { ok: true, result: "x" },
      sources: ["/home/u/notes.md"],
      auditHash: "hash-of-the-result-row",
    });
  const events: AuditEvent[] = [];
  // The port answers as the database sink does: with the row's payload hash (here its kind and its place).
  const row = (event: AuditEvent) => {
    events.push(event);
    return { id: events.length, payloadHash: `${event.kind}-${events.length}` };
  };
  const audit = {
    emit: (event: AuditEvent) => Promise.resolve(row(event)),
    hold: (event: AuditEvent) => Promise.resolve(row(event).payloadHash),
    flush: () => Promise.resolve(),
  };
  const sent: string[] = [];
  const { ctx, fakes } = turn(provider, AGENT, { tools, audit });
  const stream = provider.stream.bind(provider);
  // What is recorded when the request goes: the request row is already there.
  provider.stream = (request, s) => (sent.push(events.at(-1)!.kind), stream(request, s));
  await runTurn(ctx, "go", { signal: signal(), stream: true, maxToolRounds: 1, inputSources: ["resource:notes"] });
  assert.deepEqual(sent, ["request", "request"]);
  const requests = events.filter((e) => e.kind === "request");
  assert.equal(requests.length, 2);
  assert.deepEqual(requests[0].kind === "request" && requests[0].carried, [
    { via: "attachment", hash: "prompt-1", sources: ["resource:notes"], sent: "as_written" },
  ]);
  // An answer is named by its text and its calls as recorded (an answer that only calls has no text of its own).
  const called = await sha256(answerIdentity("", [{ id: "c1", name: "t", arguments: "{}" }]));
  assert.deepEqual(requests[1].kind === "request" && requests[1].carried, [
    { via: "attachment", hash: "prompt-1", sources: ["resource:notes"], sent: "as_written" },
    { via: "answer", hash: called, sent: "as_written" },
    {
      via: "tool_result",
      hash: "hash-of-the-result-row",
      sources: ["/home/u/notes.md"],
      callId: "c1",
      sent: "as_written",
    },
  ]);
  assert.equal(requests[0].kind === "request" && requests[0].locality, "local");
  // The history keeps the hash of the row that first recorded each message, for the turns that send it again.
  assert.deepEqual(fakes.history.map((m) => m.auditHash), [
    "prompt-1",
    called,
    "hash-of-the-result-row",
    called, // the fake calls again in the last round, with tools off: recorded, not run
  ]);
});

Deno.test("runTurn() runs no tool once the wall-clock deadline (by the turn's clock) has passed", async () => {
  const { result, ran, requests } = await agentTurn("c1", { deadline: 999 });
  assert.deepEqual(ran, []);
  assert.equal(result.stoppedBy, "deadline");
  assert.equal(requests[0].toolChoice, "none");
});

Deno.test("runTurn() halted mid-round finishes the call under way, runs no other, and sends no further request", async () => {
  const halt = new AbortController();
  let n = 0;
  const provider = new ScriptedProvider(async function* () {
    yield { type: "tool_call", call: { id: `a${n}`, name: "t", arguments: "{}" } };
    yield { type: "tool_call", call: { id: `b${n++}`, name: "t", arguments: "{}" } };
    yield { type: "stop", reason: "tool_calls" };
  });
  const tools = countingTools();
  const execute = tools.execute;
  // The stop arrives while the first call runs: that call finishes, the second is answered as not run.
  tools.execute = (call) => (halt.abort(), execute(call));
  const { ctx, fakes } = turn(provider, AGENT, { tools });
  const result = await runTurn(ctx, "go", { signal: signal(), stream: true, halt: halt.signal });
  assert.equal(result.stoppedBy, "halted");
  assert.deepEqual(tools.ran, ["a0"]);
  assert.equal(provider.requests.length, 1);
  assert.match(result.steps[1].content, /Not run: the run was stopped before this call/);
  // Every call has its result in the history, which ends with an answer marked interrupted.
  assert.deepEqual(fakes.history.map((m) => m.role), ["user", "assistant", "tool", "tool", "assistant"]);
  assert.equal(fakes.history.at(-1)!.interrupted, true);
});

Deno.test("runTurn() reserves each request's estimate before sending, settles it with the reported usage, and sends nothing past the budget", async () => {
  const provider = new ScriptedProvider(async function* () {
    yield { type: "text", text: "ok" };
    yield { type: "usage", usage: { inputTokens: 7, outputTokens: 2 } };
    yield { type: "stop", reason: "stop" };
  });
  const reserved: Usage[] = [];
  const settled: Usage[] = [];
  const budget = {
    reserve: (estimate: Usage) => {
      if (reserved.length) throw new PaiError("Over the daily budget", { exitCode: 8 });
      reserved.push(estimate);
      return Promise.resolve({ settle: (actual: Usage) => (settled.push(actual), Promise.resolve()) });
    },
  };
  const { ctx, fakes } = turn(provider, CHAT, { budget });
  await runTurn(ctx, "hello", { signal: signal(), stream: true });
  assert.deepEqual(reserved, [{ inputTokens: "hello".length, outputTokens: DEFAULT_CONFIG.maxTokens }]);
  assert.deepEqual(settled, [{ inputTokens: 7, outputTokens: 2 }]);
  await assert.rejects(runTurn(ctx, "again", { signal: signal(), stream: true }), /Over the daily budget/);
  assert.equal(provider.requests.length, 1, "the refused request was not sent");
  assert.equal(fakes.history.length, 2, "the refused turn is not kept");
});

Deno.test("runTurn() says when the token limit cut the answer (OpenAI's length, Anthropic's max_tokens), not otherwise", async () => {
  for (
    const [reason, noted] of [["length", true], ["max_tokens", true], ["stop", false], ["end_turn", false]] as const
  ) {
    const provider = new ScriptedProvider(async function* () {
      yield { type: "text", text: "The first half of" };
      yield { type: "stop", reason };
    });
    const { ctx } = turn(provider);
    const notices: string[] = [];
    const result = await runTurn({ ...ctx, config: { ...ctx.config, maxTokens: 50 } }, "q", {
      signal: signal(),
      stream: true,
      onNotice: (text) => notices.push(text),
    });
    assert.equal(result.stopReason, reason);
    assert.equal(result.text, "The first half of");
    assert.deepEqual(
      notices,
      noted ? ["Note: the answer was cut short at the token limit (maxTokens 50 in PAI's config.json)"] : [],
      reason,
    );
  }
});

Deno.test("runTurn() stops an agent run cleanly at a budget after its first round, keeping the steps it took", async () => {
  const provider = callingProvider("c1");
  const tools = countingTools();
  let reserved = 0;
  const budget = {
    reserve: () => {
      if (reserved++ === 1) return Promise.reject(new PaiError("Not sent: the daily-tokens budget", { exitCode: 8 }));
      return Promise.resolve({ settle: () => Promise.resolve() });
    },
  };
  const { ctx, fakes } = turn(provider, AGENT, { tools, budget });
  const result = await runTurn(ctx, "go", { signal: signal(), stream: true });
  assert.equal(result.stoppedBy, "budget");
  assert.match(result.budgetRefusal!.message, /daily-tokens/);
  assert.deepEqual(tools.ran, ["c1"]);
  assert.equal(provider.requests.length, 1, "the refused request was not sent");
  assert.equal(result.steps.length, 1);
  // The turn is kept, its last answer marked as cut short (the model is told on the next turn).
  assert.deepEqual(fakes.history.map((m) => [m.role, m.interrupted]), [
    ["user", false],
    ["assistant", false],
    ["tool", false],
    ["assistant", true],
  ]);
});

Deno.test("runTurn() fails the turn when a budget refuses its first request: nothing was done", async () => {
  const provider = callingProvider("c1");
  const budget = { reserve: () => Promise.reject(new PaiError("Not sent: the daily-tokens budget", { exitCode: 8 })) };
  const { ctx, fakes } = turn(provider, AGENT, { tools: countingTools(), budget });
  await assert.rejects(runTurn(ctx, "go", { signal: signal(), stream: true }), /daily-tokens/);
  assert.deepEqual([provider.requests.length, fakes.history.length], [0, 0]);
});

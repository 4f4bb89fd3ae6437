import assert from "node:assert/strict";
import type { StreamEvent } from "../core/types.ts";
import type { ChatRequest, Provider } from "../providers/provider.ts";
import { resolveProvider } from "../providers/registry.ts";
import { DEFAULT_CONFIG } from "../store/config.ts";
import { type Database, openDatabase } from "../store/db.ts";
import { listMessages } from "../store/messages.ts";
import { createSession } from "../store/sessions.ts";
import { runTurn, type ToolHost, type TurnContext } from "./engine.ts";
import { AGENT, CHAT, PROMPT } from "./profiles.ts";

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

function setup(provider: Provider): { ctx: TurnContext; db: Database; dir: string } {
  const dir = Deno.makeTempDirSync();
  const db = openDatabase(dir);
  const session = createSession(db, {
    provider: "ollama",
    model: "m",
    baseUrl: null,
    apiKeyEnv: null,
    systemRole: "system",
    locality: "auto",
    pinned: { baseUrl: "http://127.0.0.1:11434/v1", locality: "local" },
  });
  return { ctx: { db, provider, session, config: { ...DEFAULT_CONFIG }, profile: CHAT }, db, dir };
}

function teardown(db: Database, dir: string): void {
  db.close();
  Deno.removeSync(dir, { recursive: true });
}

Deno.test("runTurn() sends chat history but not prompt-mode history, and records both turns", async () => {
  const provider = new ScriptedProvider(async function* () {
    yield { type: "text", text: "hi" };
    yield { type: "usage", usage: { inputTokens: 3, outputTokens: 1 } };
    yield { type: "stop", reason: "stop" };
  });
  const { ctx, db, dir } = setup(provider);
  try {
    const signal = new AbortController().signal;
    await runTurn(ctx, "one", { signal, stream: true });
    await runTurn({ ...ctx, profile: PROMPT }, "side question", { signal, stream: true });
    const result = await runTurn(ctx, "two", { signal, stream: true });
    assert.deepEqual(result.usage, { inputTokens: 3, outputTokens: 1 });
    assert.deepEqual(provider.requests[1].messages.map((m) => m.content), ["side question"]);
    assert.deepEqual(provider.requests[2].messages.map((m) => m.content), ["one", "hi", "two"]);
    assert.equal(provider.requests[2].system, DEFAULT_CONFIG.systemPrompt);
    assert.equal(listMessages(db, ctx.session.id).length, 6);
  } finally {
    teardown(db, dir);
  }
});

Deno.test("runTurn() keeps what arrived before an abort, marked interrupted", async () => {
  const controller = new AbortController();
  const provider = new ScriptedProvider(async function* (signal) {
    yield { type: "text", text: "partial " };
    controller.abort();
    if (signal.aborted) return; // as the adapters do: an aborted stream ends quietly
    yield { type: "text", text: "never" };
  });
  const { ctx, db, dir } = setup(provider);
  try {
    const seen: string[] = [];
    const result = await runTurn(ctx, "q", { signal: controller.signal, stream: true, onText: (t) => seen.push(t) });
    assert.equal(result.interrupted, true);
    assert.equal(result.incomplete, false);
    assert.deepEqual(seen, ["partial "]);
    const stored = listMessages(db, ctx.session.id);
    assert.deepEqual(stored.map((m) => [m.content, m.interrupted]), [["q", false], ["partial ", true]]);
  } finally {
    teardown(db, dir);
  }
});

Deno.test("runTurn() records a provider error in the audit log (redacted) and keeps no half turn", async () => {
  const provider = new ScriptedProvider(async function* () {
    yield { type: "text", text: "x" };
    throw new Error("boom with sk-abcdefghijklmnopqrstuvwx");
  });
  const { ctx, db, dir } = setup(provider);
  try {
    await assert.rejects(runTurn(ctx, "q", { signal: new AbortController().signal, stream: true }), /boom/);
    assert.equal(listMessages(db, ctx.session.id).length, 0);
    const error = db.prepare("SELECT payload FROM audit_log WHERE kind = 'error'").get();
    assert.equal(error?.payload, "boom with [REDACTED]");
  } finally {
    teardown(db, dir);
  }
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
      });
    },
  };
}

/** A provider that calls tool `t` with this id on every request, until tools are switched off. */
function callingProvider(id: string): ScriptedProvider {
  return new ScriptedProvider(async function* () {
    yield { type: "tool_call", call: { id, name: "t", arguments: "{}" } };
    yield { type: "stop", reason: "tool_calls" };
  });
}

/** Runs an agent turn with a provider that always calls tool `t` with `id`, and counts what ran. */
async function agentTurn(id: string, options: { maxToolRounds?: number; deadline?: number }) {
  const provider = callingProvider(id);
  const { ctx, db, dir } = setup(provider);
  try {
    const tools = countingTools();
    const result = await runTurn({ ...ctx, profile: AGENT, tools }, "go", {
      signal: new AbortController().signal,
      stream: true,
      ...options,
    });
    return { result, ran: tools.ran, requests: provider.requests };
  } finally {
    teardown(db, dir);
  }
}

Deno.test("runTurn() never runs the same tool call id twice, and stops at the round limit with tools off", async () => {
  const { result, ran, requests } = await agentTurn("same-id", { maxToolRounds: 3 });
  assert.deepEqual(ran, ["same-id"]);
  assert.equal(result.steps.length, 3);
  assert.match(result.steps[1].content, /already ran/);
  assert.equal(result.stoppedBy, "max-rounds");
  assert.equal(requests.at(-1)!.toolChoice, "none");
});

Deno.test("runTurn() runs no tool once the wall-clock deadline has passed", async () => {
  const { result, ran, requests } = await agentTurn("c1", { deadline: Date.now() - 1 });
  assert.deepEqual(ran, []);
  assert.equal(result.stoppedBy, "deadline");
  assert.equal(requests[0].toolChoice, "none");
});

Deno.test("runTurn() says when the token limit cut the answer (OpenAI's length, Anthropic's max_tokens), not otherwise", async () => {
  for (
    const [reason, noted] of [["length", true], ["max_tokens", true], ["stop", false], ["end_turn", false]] as const
  ) {
    const provider = new ScriptedProvider(async function* () {
      yield { type: "text", text: "The first half of" };
      yield { type: "stop", reason };
    });
    const { ctx, db, dir } = setup(provider);
    try {
      const notices: string[] = [];
      const result = await runTurn({ ...ctx, config: { ...ctx.config, maxTokens: 50 } }, "q", {
        signal: new AbortController().signal,
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
    } finally {
      teardown(db, dir);
    }
  }
});

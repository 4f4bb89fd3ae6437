/** The Anthropic Messages adapter. */
import type Anthropic from "@anthropic-ai/sdk";
import type { ChatMessage, StreamEvent, ToolCall, Usage } from "../core/types.ts";
import { quotaAwareFetch } from "./http.ts";
import type { ChatRequest, ClientOptions } from "./provider.ts";
import type { ResolvedProvider } from "./registry.ts";
import { loadSdk } from "./sdk_loader.ts";
import { SdkProvider, withoutEnvHeaders } from "./sdk_provider.ts";

type RawEvent = Anthropic.Messages.RawMessageStreamEvent;
type WireMessage = Anthropic.Messages.MessageParam;
/** The input counts of Anthropic's usage. */
type Reported = {
  input_tokens: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
};

/**
 * Messages on the Anthropic wire: a tool call is a `tool_use` block of the
 * assistant's turn, and the results of one turn's calls go back together as
 * `tool_result` blocks of one user turn.
 */
export function toWire(messages: readonly ChatMessage[]): WireMessage[] {
  const out: WireMessage[] = [];
  for (const m of messages) {
    if (m.role === "tool") {
      const block = { type: "tool_result" as const, tool_use_id: m.toolCallId ?? "", content: m.content };
      const last = out.at(-1);
      if (last?.role === "user" && Array.isArray(last.content)) last.content.push(block);
      else out.push({ role: "user", content: [block] });
    } else if (m.role === "assistant" && m.toolCalls?.length) {
      out.push({
        role: "assistant",
        content: [
          ...(m.content ? [{ type: "text" as const, text: m.content }] : []),
          ...m.toolCalls.map((c) => ({
            type: "tool_use" as const,
            id: c.id,
            name: c.name,
            input: parseInput(c.arguments),
          })),
        ],
      });
    } else if (m.role === "user" && m.images?.length) {
      out.push({
        role: "user",
        content: [
          ...m.images.map((i) => ({
            type: "image" as const,
            source: { type: "base64" as const, media_type: i.mediaType, data: i.base64 },
          })),
          { type: "text" as const, text: m.content },
        ],
      });
    } else if (m.role === "user" || m.role === "assistant") {
      out.push({ role: m.role, content: m.content });
    }
  }
  return out;
}

function parseInput(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text || "{}");
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};
  } catch {
    return {};
  }
}

/** A provider speaking Anthropic's Messages protocol (the system prompt is its own field there). */
export class AnthropicProvider extends SdkProvider<Anthropic> {
  /** Builds the client; never lets the SDK take credentials, headers or a log level from the environment. */
  static async create(resolved: ResolvedProvider, options: ClientOptions): Promise<AnthropicProvider> {
    const { Client: AnthropicClient, answered } = await loadSdk("anthropic", options.sdkCache);
    const client = new AnthropicClient({
      apiKey: resolved.apiKey ?? null,
      authToken: null,
      webhookKey: null,
      // As for OpenAI: ANTHROPIC_CUSTOM_HEADERS would go to any endpoint, ANTHROPIC_LOG=debug prints request bodies.
      defaultHeaders: withoutEnvHeaders("ANTHROPIC_CUSTOM_HEADERS"),
      logLevel: "off",
      baseURL: resolved.baseUrl,
      maxRetries: options.maxRetries,
      timeout: options.timeoutMs,
      fetch: quotaAwareFetch,
    });
    return new AnthropicProvider(resolved, client, options, answered);
  }

  protected async *events(request: ChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    const body = {
      model: this.resolved.model,
      max_tokens: request.maxTokens,
      ...(request.system ? { system: request.system } : {}),
      messages: toWire(request.messages),
      ...(request.tools?.length
        ? {
          tools: request.tools.map((t) => ({
            name: t.name,
            description: t.description,
            input_schema: t.parameters as Anthropic.Messages.Tool.InputSchema,
          })),
          tool_choice: { type: request.toolChoice ?? "auto" } as Anthropic.Messages.ToolChoice,
        }
        : {}),
    };
    if (!request.stream) {
      const message = await this.client.messages.create({ ...body, stream: false }, { signal });
      for (const block of message.content) {
        if (block.type === "text") yield { type: "text", text: block.text };
        if (block.type === "tool_use") {
          yield {
            type: "tool_call",
            call: { id: block.id, name: block.name, arguments: JSON.stringify(block.input) },
          };
        }
      }
      yield { type: "usage", usage: usageOf(message.usage, message.usage.output_tokens) };
      yield { type: "stop", reason: message.stop_reason ?? "end_turn" };
      return;
    }
    const stream = await this.client.messages.create({ ...body, stream: true }, { signal });
    yield* readEvents(stream);
  }

  protected modelIds(signal: AbortSignal): AsyncIterable<{ id: string }> {
    return this.client.models.list({}, { signal });
  }
}

/**
 * Turns Messages stream events into PAI's events. A tool call is emitted only
 * when the message stops: a stream that breaks off ends with `incomplete` and
 * its half-received calls are dropped.
 */
export async function* readEvents(events: AsyncIterable<RawEvent>): AsyncIterable<StreamEvent> {
  const calls = new Map<number, ToolCall>();
  // As reported: message_start has every count; a message_delta repeats those it has cumulatively.
  let reported: Reported = { input_tokens: 0 };
  let outputTokens = 0;
  let stop: string | undefined;
  for await (const event of events) {
    switch (event.type) {
      case "message_start":
        reported = event.message.usage;
        outputTokens = event.message.usage.output_tokens;
        break;
      case "content_block_start":
        if (event.content_block.type === "tool_use") {
          calls.set(event.index, { id: event.content_block.id, name: event.content_block.name, arguments: "" });
        }
        break;
      case "content_block_delta":
        if (event.delta.type === "text_delta") yield { type: "text", text: event.delta.text };
        if (event.delta.type === "input_json_delta") {
          const call = calls.get(event.index);
          if (call) call.arguments += event.delta.partial_json;
        }
        break;
      case "message_delta":
        outputTokens = event.usage.output_tokens;
        reported = {
          input_tokens: event.usage.input_tokens || reported.input_tokens,
          cache_read_input_tokens: event.usage.cache_read_input_tokens ?? reported.cache_read_input_tokens,
          cache_creation_input_tokens: event.usage.cache_creation_input_tokens ?? reported.cache_creation_input_tokens,
        };
        stop = event.delta.stop_reason ?? stop;
        break;
      case "message_stop":
        for (const call of calls.values()) {
          yield { type: "tool_call", call: { ...call, arguments: call.arguments || "{}" } };
        }
        calls.clear();
        yield { type: "usage", usage: usageOf(reported, outputTokens) };
        yield { type: "stop", reason: stop ?? "end_turn" };
        return;
    }
  }
  yield { type: "usage", usage: usageOf(reported, outputTokens) };
  yield { type: "stop", reason: "incomplete" };
}

/**
 * Anthropic's usage as PAI counts it: `input_tokens` leaves out what was read from the prompt cache and what was
 * written to it, so both are added to the input, and the cache reads are its cached part (billed lower).
 */
function usageOf(usage: Reported, outputTokens: number): Usage {
  const read = usage.cache_read_input_tokens ?? 0;
  const written = usage.cache_creation_input_tokens ?? 0;
  return {
    inputTokens: usage.input_tokens + read + written,
    outputTokens,
    ...(read ? { cachedInputTokens: read } : {}),
  };
}

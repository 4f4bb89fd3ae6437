/** The Anthropic Messages adapter. */
import Anthropic from "@anthropic-ai/sdk";
import type { StreamEvent, ToolCall, Usage } from "../core/types.ts";
import { quotaAwareFetch } from "./http.ts";
import type { ChatRequest, ClientOptions } from "./provider.ts";
import type { ResolvedProvider } from "./registry.ts";
import { SdkProvider } from "./sdk_provider.ts";

type RawEvent = Anthropic.Messages.RawMessageStreamEvent;

/** A provider speaking Anthropic's Messages protocol (the system prompt is its own field there). */
export class AnthropicProvider extends SdkProvider<Anthropic> {
  /** Builds the client; never lets the SDK read credentials from the environment by itself. */
  static create(resolved: ResolvedProvider, options: ClientOptions): Promise<AnthropicProvider> {
    const client = new Anthropic({
      apiKey: resolved.apiKey ?? null,
      authToken: null,
      baseURL: resolved.baseUrl,
      maxRetries: options.maxRetries,
      timeout: options.timeoutMs,
      fetch: quotaAwareFetch,
    });
    return Promise.resolve(new AnthropicProvider(resolved, client, options.maxRetries));
  }

  protected async *events(request: ChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    const body = {
      model: this.resolved.model,
      max_tokens: request.maxTokens,
      ...(request.system ? { system: request.system } : {}),
      messages: request.messages.map((m) => ({ role: m.role as "user" | "assistant", content: m.content })),
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
      yield {
        type: "usage",
        usage: { inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens },
      };
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
  const usage: Usage = { inputTokens: 0, outputTokens: 0 };
  let stop: string | undefined;
  for await (const event of events) {
    switch (event.type) {
      case "message_start":
        usage.inputTokens = event.message.usage.input_tokens;
        usage.outputTokens = event.message.usage.output_tokens;
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
        usage.outputTokens = event.usage.output_tokens;
        if (event.usage.input_tokens) usage.inputTokens = event.usage.input_tokens;
        stop = event.delta.stop_reason ?? stop;
        break;
      case "message_stop":
        for (const call of calls.values()) {
          yield { type: "tool_call", call: { ...call, arguments: call.arguments || "{}" } };
        }
        calls.clear();
        yield { type: "usage", usage };
        yield { type: "stop", reason: stop ?? "end_turn" };
        return;
    }
  }
  yield { type: "usage", usage };
  yield { type: "stop", reason: "incomplete" };
}

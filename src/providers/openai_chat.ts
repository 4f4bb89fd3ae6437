/**
 * The OpenAI chat-completions adapter: OpenAI itself, Ollama's `/v1`,
 * LM Studio, vLLM, llama.cpp server and any compatible endpoint.
 */
import type OpenAI from "openai";
import type { ChatMessage, StreamEvent, ToolCall, Usage } from "../core/types.ts";
import { quotaAwareFetch } from "./http.ts";
import type { ChatRequest, ClientOptions } from "./provider.ts";
import type { ResolvedProvider } from "./registry.ts";
import { loadSdk } from "./sdk_loader.ts";
import { SdkProvider, withoutEnvHeaders } from "./sdk_provider.ts";
import { placeSystemPrompt } from "./system_prompt.ts";

type Chunk = OpenAI.Chat.Completions.ChatCompletionChunk;
type WireMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

/** One message on the chat-completions wire: tool calls and tool results have their own fields. */
export function toWire(m: ChatMessage): WireMessage {
  switch (m.role) {
    case "system":
      return { role: "system", content: m.content };
    case "user":
      return m.images?.length
        ? {
          role: "user",
          content: [
            { type: "text", text: m.content },
            ...m.images.map((i) => ({
              type: "image_url" as const,
              image_url: { url: `data:${i.mediaType};base64,${i.base64}` },
            })),
          ],
        }
        : { role: "user", content: m.content };
    case "tool":
      return { role: "tool", tool_call_id: m.toolCallId ?? "", content: m.content };
    case "assistant":
      return m.toolCalls?.length
        ? {
          role: "assistant",
          content: m.content || null,
          tool_calls: m.toolCalls.map((c) => ({
            id: c.id,
            type: "function" as const,
            function: { name: c.name, arguments: c.arguments },
          })),
        }
        : { role: "assistant", content: m.content };
  }
}

/** A provider speaking OpenAI's chat-completions protocol. */
export class OpenAIChatProvider extends SdkProvider<OpenAI> {
  /** Builds the client; never lets the SDK take keys, ids, headers or a log level from the environment. */
  static async create(resolved: ResolvedProvider, options: ClientOptions): Promise<OpenAIChatProvider> {
    const { Client: OpenAIClient, answered } = await loadSdk("openai", options.sdkCache);
    const client = new OpenAIClient({
      // Local servers need no key, but the SDK insists on one; it is sent to them only.
      apiKey: resolved.apiKey ?? "no-key",
      baseURL: resolved.baseUrl,
      // OPENAI_ORG_ID, OPENAI_PROJECT_ID, OPENAI_ADMIN_KEY and OPENAI_CUSTOM_HEADERS must not reach any endpoint
      // the user did not give them to, and OPENAI_LOG=debug would print requests into PAI's output.
      organization: null,
      project: null,
      adminAPIKey: null,
      webhookSecret: null,
      defaultHeaders: withoutEnvHeaders("OPENAI_CUSTOM_HEADERS"),
      logLevel: "off",
      maxRetries: options.maxRetries,
      timeout: options.timeoutMs,
      fetch: quotaAwareFetch,
    });
    return new OpenAIChatProvider(resolved, client, options, answered);
  }

  protected async *events(request: ChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    const messages = placeSystemPrompt(request.system, request.messages, this.resolved.systemRole);
    // OpenAI's newer models reject `max_tokens`; many compatible servers know only `max_tokens`.
    const limit = this.resolved.spec.name === "openai"
      ? { max_completion_tokens: request.maxTokens }
      : { max_tokens: request.maxTokens };
    const tools = request.tools?.length
      ? {
        tools: request.tools.map((t) => ({
          type: "function" as const,
          function: { name: t.name, description: t.description, parameters: t.parameters },
        })),
        tool_choice: request.toolChoice ?? "auto",
      }
      : {};
    const body = { model: this.resolved.model, messages: messages.map(toWire), ...limit, ...tools };
    if (!request.stream) {
      const completion = await this.client.chat.completions.create({ ...body, stream: false }, { signal });
      const choice = completion.choices[0];
      if (choice?.message.content) yield { type: "text", text: choice.message.content };
      for (const call of choice?.message.tool_calls ?? []) {
        if (call.type === "function") {
          yield {
            type: "tool_call",
            call: { id: call.id, name: call.function.name, arguments: call.function.arguments },
          };
        }
      }
      if (completion.usage) yield { type: "usage", usage: usageOf(completion.usage) };
      yield { type: "stop", reason: choice?.finish_reason ?? "stop" };
      return;
    }
    const stream = await this.client.chat.completions.create(
      { ...body, stream: true, stream_options: { include_usage: true } },
      { signal },
    );
    yield* readChunks(stream);
  }

  protected modelIds(signal: AbortSignal): AsyncIterable<{ id: string }> {
    return this.client.models.list({ signal });
  }
}

/**
 * Turns streamed chunks into events. Tool-call arguments arrive in pieces and
 * are emitted only once the model finished its turn: a stream that breaks off
 * in the middle of a call ends with `incomplete` and the call is dropped,
 * never executed half-formed.
 */
export async function* readChunks(chunks: AsyncIterable<Chunk>): AsyncIterable<StreamEvent> {
  const calls = new Map<number, ToolCall>();
  let finish: string | undefined;
  for await (const chunk of chunks) {
    if (chunk.usage) yield { type: "usage", usage: usageOf(chunk.usage) };
    const choice = chunk.choices?.[0];
    if (!choice) continue;
    if (choice.delta?.content) yield { type: "text", text: choice.delta.content };
    for (const part of choice.delta?.tool_calls ?? []) {
      const call = calls.get(part.index) ?? { id: "", name: "", arguments: "" };
      call.id = part.id ?? call.id;
      call.name += part.function?.name ?? "";
      call.arguments += part.function?.arguments ?? "";
      calls.set(part.index, call);
    }
    if (choice.finish_reason) {
      finish = choice.finish_reason;
      for (const call of calls.values()) yield { type: "tool_call", call };
      calls.clear();
    }
  }
  yield { type: "stop", reason: finish ?? "incomplete" };
}

/** OpenAI's usage; its cached tokens (`prompt_tokens_details.cached_tokens`) are a part of `prompt_tokens`. */
function usageOf(usage: {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
}): Usage {
  const cached = usage.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    inputTokens: usage.prompt_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? 0,
    ...(cached ? { cachedInputTokens: cached } : {}),
  };
}

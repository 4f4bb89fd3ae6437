/** The one interface every wire-protocol adapter implements. */
import type { ChatMessage, StreamEvent, ToolDefinition } from "../core/types.ts";
import type { ResolvedProvider } from "./registry.ts";
import type { SdkCache } from "./sdk_loader.ts";
import { lazyImport } from "../core/lazy_import.ts";

/** One request to a model. */
export interface ChatRequest {
  system?: string;
  /** The conversation, oldest first; user and assistant turns only. */
  messages: readonly ChatMessage[];
  /** `false` asks the server for one complete answer (still yielded as events). */
  stream: boolean;
  maxTokens: number;
  /** Tools the model may call. */
  tools?: readonly ToolDefinition[];
  /** `none`: the tools stay described (the history mentions them) but the model must answer in text. */
  toolChoice?: "auto" | "none";
}

/** A model endpoint. Errors are thrown as `PaiError`s; an aborted signal ends the stream quietly. */
export interface Provider {
  readonly resolved: ResolvedProvider;
  stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent>;
  /** The model ids the endpoint offers. */
  listModels(signal: AbortSignal): Promise<string[]>;
}

/** Client settings shared by all adapters. */
export interface ClientOptions {
  /** Retries for 408/409/429/5xx and dropped connections; the SDKs back off and honour `retry-after`. */
  maxRetries: number;
  /** Per-request time limit in milliseconds. */
  timeoutMs: number;
  /** Where the SDK's fast-loading bundle is kept; without it the SDK is imported from npm. */
  sdkCache?: SdkCache;
}

/** Builds the adapter for a resolved provider, importing its SDK only now (they are slow to load). */
export async function createProvider(resolved: ResolvedProvider, options: ClientOptions): Promise<Provider> {
  switch (resolved.spec.protocol) {
    case "openai": {
      const { OpenAIChatProvider } = await lazyImport<typeof import("./openai_chat.ts")>(
        "./openai_chat.ts",
        import.meta.url,
      );
      return await OpenAIChatProvider.create(resolved, options);
    }
    case "anthropic": {
      const { AnthropicProvider } = await lazyImport<typeof import("./anthropic_messages.ts")>(
        "./anthropic_messages.ts",
        import.meta.url,
      );
      return await AnthropicProvider.create(resolved, options);
    }
  }
}

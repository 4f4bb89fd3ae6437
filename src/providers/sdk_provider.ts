/** What the SDK-backed adapters share: the client, and turning SDK errors into `PaiError`s. */
import type { StreamEvent } from "../core/types.ts";
import { providerError } from "./errors.ts";
import type { ChatRequest, Provider } from "./provider.ts";
import type { ResolvedProvider } from "./registry.ts";

/** Base of the adapters: subclasses say how to stream and how to page through model ids. */
export abstract class SdkProvider<Client> implements Provider {
  readonly resolved: ResolvedProvider;
  protected readonly client: Client;
  readonly #maxRetries: number;

  protected constructor(resolved: ResolvedProvider, client: Client, maxRetries: number) {
    this.resolved = resolved;
    this.client = client;
    this.#maxRetries = maxRetries;
  }

  /** The events of one request, straight from the SDK (errors are mapped by `stream`). */
  protected abstract events(request: ChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent>;

  /** The endpoint's models, as the SDK pages through them. */
  protected abstract modelIds(signal: AbortSignal): AsyncIterable<{ id: string }>;

  async *stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    try {
      yield* this.events(request, signal);
    } catch (error) {
      if (signal.aborted) return; // Ctrl+C: the stream just ends; the turn keeps what arrived
      throw providerError(error, this.resolved, this.#maxRetries);
    }
  }

  async listModels(signal: AbortSignal): Promise<string[]> {
    try {
      const ids: string[] = [];
      for await (const model of this.modelIds(signal)) ids.push(model.id);
      return ids;
    } catch (error) {
      throw providerError(error, this.resolved, this.#maxRetries);
    }
  }
}

/** What the SDK-backed adapters share: the client, and turning SDK errors into `PaiError`s. */
import { EXIT, PaiError } from "../core/errors.ts";
import type { StreamEvent } from "../core/types.ts";
import { endpointUrl } from "./endpoint.ts";
import { providerError } from "./errors.ts";
import type { ChatRequest, Provider } from "./provider.ts";
import type { ResolvedProvider } from "./registry.ts";

/**
 * The headers an SDK adds to every request from a variable of its own (`OPENAI_CUSTOM_HEADERS`…), each set to
 * `null`, which is how the SDKs drop a default header. Without this they would reach whatever endpoint the session
 * names (a local server, a third party behind `openai-compatible`), which the user never chose.
 */
export function withoutEnvHeaders(
  variable: string,
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): Record<string, null> {
  const dropped: Record<string, null> = {};
  for (const line of (env(variable) ?? "").split("\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) dropped[line.slice(0, colon).trim()] = null;
  }
  return dropped;
}

/** Base of the adapters: subclasses say how to stream and how to page through model ids. */
export abstract class SdkProvider<Client> implements Provider {
  readonly resolved: ResolvedProvider;
  protected readonly client: Client;
  readonly #maxRetries: number;
  readonly #timeoutMs: number;
  readonly #answered: () => void;

  /** `answered` is told of each whole answer (the SDK's loader keeps the code compiled for it: `sdk_loader.ts`). */
  protected constructor(
    resolved: ResolvedProvider,
    client: Client,
    limits: { maxRetries: number; timeoutMs: number },
    answered: () => void,
  ) {
    this.resolved = resolved;
    this.client = client;
    this.#maxRetries = limits.maxRetries;
    this.#timeoutMs = limits.timeoutMs;
    this.#answered = answered;
  }

  /** The events of one request, straight from the SDK (errors are mapped by `stream`). */
  protected abstract events(request: ChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent>;

  /** The endpoint's models, as the SDK pages through them. */
  protected abstract modelIds(signal: AbortSignal): AsyncIterable<{ id: string }>;

  /**
   * The answer's events. The SDKs' own timeout ends at the first byte of a stream, so a server that streams
   * without end would hold PAI (and the user's data flow) forever: the whole answer is bounded by `timeoutSeconds`.
   */
  async *stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    const limit = AbortSignal.timeout(this.#timeoutMs);
    try {
      for await (const event of this.events(request, AbortSignal.any([signal, limit]))) {
        // The request's whole path has run by its stop: the code it compiled is worth keeping.
        if (event.type === "stop") this.#answered();
        yield event;
      }
    } catch (error) {
      if (signal.aborted) return; // Ctrl+C: the stream just ends; the turn keeps what arrived
      if (!limit.aborted) throw providerError(error, this.resolved, this.#maxRetries);
    }
    if (limit.aborted && !signal.aborted) {
      throw new PaiError(
        `The answer from ${this.resolved.spec.name} at ${endpointUrl(this.resolved.baseUrl)} did not finish within ` +
          `${this.#timeoutMs / 1000} s (timeout): it was stopped`,
        { exitCode: EXIT.PROVIDER, hint: 'Raise "timeoutSeconds" in config.json for models that answer slowly' },
      );
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

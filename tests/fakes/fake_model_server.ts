/**
 * A scripted model server on 127.0.0.1 (ephemeral port) speaking the real wire
 * protocols PAI uses: OpenAI chat completions (SSE and whole answers, tool
 * calls, usage), Anthropic Messages (SSE and whole answers), and Ollama's
 * native `/api/tags`, `/api/show` and `/api/version`. Every request is logged
 * for the tests to read. Replies come from a queue; with none queued it echoes.
 *
 * Models are listed the way each real server lists them, so that tests type what users type: Ollama's `/api/tags`
 * names every model with its tag (`llama3.2` is listed as `llama3.2:latest`), OpenAI's `/v1/models` holds the ids
 * as given, and Anthropic's has its own shape.
 */

/** One scripted reply. */
export interface ScriptedReply {
  /** The answer's text, as the chunks to stream (a string is split into words). */
  text?: string | string[];
  toolCalls?: { id?: string; name: string; arguments: string }[];
  usage?: { input: number; output: number };
  /** Answer with this HTTP error status instead (and `errorBody`, `headers`). */
  status?: number;
  errorBody?: unknown;
  headers?: Record<string, string>;
  /** Pause between streamed chunks. */
  chunkDelayMs?: number;
  /** Close the stream after this many chunks, without finishing the message. */
  truncateAfter?: number;
}

/** A request as the server saw it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown> | undefined;
}

/** Options for {@linkcode FakeModelServer.start}. */
export interface FakeServerOptions {
  /** Models listed by `/v1/models` and `/api/tags` (there with `:latest` when no tag is given). */
  models?: string[];
  /** Which of `models` are embedding models: `/api/show` reports `["embedding"]` for them, not chat. */
  embeddingModels?: string[];
  /** Which of `models` take images: `/api/show` adds `vision` to their capabilities, as Ollama does for llava. */
  visionModels?: string[];
  /** Answer `/v1/models` as Ollama's OpenAI-compatible API does (tagged ids, owned by "library"), not as OpenAI. */
  ollama?: boolean;
  /**
   * The `<arch>.context_length` that `/api/show` reports in `model_info`, by model as given in `models`; else
   * llama3.2's 131072 for a chat model and nomic-bert's 2048 for an embedding model.
   */
  contextLengths?: Record<string, number>;
  /** A `num_ctx` set by a model's Modelfile, reported in the `parameters` of `/api/show`, by model as in `models`. */
  numCtx?: Record<string, number>;
  /** When set, requests must carry this key (`Authorization: Bearer` or `x-api-key`). */
  apiKey?: string;
}

const encoder = new TextEncoder();

/** The fake server; `close()` it at the end of the test. */
export class FakeModelServer {
  readonly requests: RecordedRequest[] = [];
  readonly models: string[];
  #embedding: Set<string>;
  #vision: Set<string>;
  #ollama: boolean;
  #contextLengths: Record<string, number>;
  #numCtx: Record<string, number>;
  #queue: ScriptedReply[] = [];
  #callIds = 0;
  #summaries = 0;
  #server: Deno.HttpServer<Deno.NetAddr>;
  #apiKey?: string;

  private constructor(options: FakeServerOptions) {
    this.models = options.models ?? ["fake-model"];
    this.#embedding = new Set((options.embeddingModels ?? []).map(ollamaKey));
    this.#vision = new Set((options.visionModels ?? []).map(ollamaKey));
    this.#ollama = options.ollama ?? false;
    this.#contextLengths = options.contextLengths ?? {};
    this.#numCtx = options.numCtx ?? {};
    this.#apiKey = options.apiKey;
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      (request) => this.#handle(request),
    );
  }

  /** Starts a server on an ephemeral loopback port. */
  static start(options: FakeServerOptions = {}): FakeModelServer {
    return new FakeModelServer(options);
  }

  /** `http://127.0.0.1:PORT` */
  get url(): string {
    return `http://127.0.0.1:${this.#server.addr.port}`;
  }

  /** Queues replies for the next chat requests, in order. */
  enqueue(...replies: ScriptedReply[]): void {
    this.#queue.push(...replies);
  }

  /** The chat requests (not model listings or probes such as Ollama's `POST /api/show`). */
  get chatRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === "POST" && !r.path.startsWith("/api/"));
  }

  async close(): Promise<void> {
    await this.#server.shutdown();
  }

  async #handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const text = request.method === "POST" ? await request.text() : "";
    const record: RecordedRequest = {
      method: request.method,
      path: url.pathname,
      headers: Object.fromEntries(request.headers),
      body: text ? JSON.parse(text) : undefined,
    };
    this.requests.push(record);
    const anthropic = request.headers.has("anthropic-version");
    if (this.#apiKey && url.pathname.startsWith("/v1/")) {
      const sent = request.headers.get("x-api-key") ?? request.headers.get("authorization")?.replace(/^Bearer /, "");
      if (sent !== this.#apiKey) {
        return anthropic
          ? json({ type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } }, 401)
          : json({ error: { message: `Incorrect API key provided: ${sent}`, type: "invalid_request_error" } }, 401);
      }
    }
    switch (`${request.method} ${url.pathname}`) {
      case "GET /api/tags":
        return json({ models: this.models.map((name) => this.#ollamaModel(name)) });
      case "POST /api/show":
        return this.#show(record.body);
      case "GET /api/version":
        return json({ version: "0.0.0-fake" });
      case "GET /v1/models":
        return anthropic
          ? json({
            data: this.models.map((id) => ({
              id,
              type: "model",
              display_name: id,
              created_at: "2026-01-01T00:00:00Z",
            })),
            has_more: false,
            first_id: this.models[0] ?? null,
            last_id: this.models.at(-1) ?? null,
          })
          : this.#ollama
          ? json({
            object: "list",
            data: this.models.map((name) => ({
              id: withTag(name),
              object: "model",
              created: MODIFIED_AT / 1000,
              owned_by: "library",
            })),
          })
          : json({
            object: "list",
            data: this.models.map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "system" })),
          });
      case "POST /v1/chat/completions":
        return this.#reply(record, openaiReply);
      case "POST /v1/messages":
        return this.#reply(record, anthropicReply);
      default:
        return json({ error: { message: `no route ${request.method} ${url.pathname}` } }, 404);
    }
  }

  /** One entry of `/api/tags`, with the fields Ollama gives. */
  #ollamaModel(given: string): Record<string, unknown> {
    const name = withTag(given);
    const embedding = this.#embedding.has(ollamaKey(given));
    return {
      name,
      model: name,
      modified_at: new Date(MODIFIED_AT).toISOString(),
      size: embedding ? 274_302_450 : 2_019_393_189,
      digest: fakeDigest(name),
      details: {
        parent_model: "",
        format: "gguf",
        family: embedding ? "nomic-bert" : "llama",
        families: [embedding ? "nomic-bert" : "llama"],
        parameter_size: embedding ? "137M" : "3.2B",
        quantization_level: embedding ? "F16" : "Q4_K_M",
      },
    };
  }

  /** `POST /api/show {model}`: the model's details and capabilities, or Ollama's 404. */
  #show(body: Record<string, unknown> | undefined): Response {
    const asked = String(body?.model ?? body?.name ?? "");
    const given = this.models.find((m) => ollamaKey(m) === ollamaKey(asked));
    if (given === undefined) return json({ error: `model '${asked}' not found` }, 404);
    const { details } = this.#ollamaModel(given);
    const embedding = this.#embedding.has(ollamaKey(given));
    const numCtx = this.#numCtx[given];
    // Ollama pads each PARAMETER name to a column: "num_ctx                        8192".
    const parameters = [
      ...(numCtx === undefined ? [] : [`num_ctx${" ".repeat(24)}${numCtx}`]),
      ...(embedding
        ? []
        : ["<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"].map((t) => `stop${" ".repeat(27)}"${t}"`)),
    ].join("\n");
    return json({
      license: "",
      modelfile: `FROM ${withTag(given)}\n${numCtx === undefined ? "" : `PARAMETER num_ctx ${numCtx}\n`}`,
      parameters,
      template: embedding ? "" : "{{ .Prompt }}",
      details,
      model_info: embedding
        ? nomicBertInfo(this.#contextLengths[given] ?? 2048)
        : llamaInfo(this.#contextLengths[given] ?? 131_072),
      capabilities: embedding
        ? ["embedding"]
        : ["completion", "tools", ...(this.#vision.has(ollamaKey(given)) ? ["vision"] : [])],
      modified_at: new Date(MODIFIED_AT).toISOString(),
    });
  }

  #reply(
    record: RecordedRequest,
    format: (reply: Required<Pick<ScriptedReply, "usage">> & ScriptedReply, streaming: boolean) => Response,
  ): Response {
    // Asked for a summary (PAI's context manager), it writes a short one, as a model following the instruction does;
    // scripted replies are kept for the conversation.
    const next = asksForSummary(record.body)
      ? { text: `Summary ${++this.#summaries}: the user asked numbered questions and got echoes.` }
      : this.#queue.shift() ?? { text: `echo: ${lastUserText(record.body)}` };
    // Real providers give every tool call a unique id.
    const reply = { ...next, toolCalls: next.toolCalls?.map((c) => ({ ...c, id: c.id ?? `call_${++this.#callIds}` })) };
    if (reply.status) {
      return json(reply.errorBody ?? { error: { message: `scripted ${reply.status}` } }, reply.status, reply.headers);
    }
    return format({ usage: { input: 11, output: 7 }, ...reply }, record.body?.stream === true);
  }
}

/** `model_info` as Ollama gives it for llama3.2 (3B, Q4_K_M); its large token arrays are null unless verbose. */
function llamaInfo(contextLength: number): Record<string, unknown> {
  return {
    "general.architecture": "llama",
    "general.basename": "Llama-3.2",
    "general.file_type": 15,
    "general.finetune": "Instruct",
    "general.parameter_count": 3_212_749_888,
    "general.quantization_version": 2,
    "general.size_label": "3B",
    "general.type": "model",
    "llama.attention.head_count": 24,
    "llama.attention.head_count_kv": 8,
    "llama.attention.key_length": 128,
    "llama.attention.layer_norm_rms_epsilon": 0.00001,
    "llama.attention.value_length": 128,
    "llama.block_count": 28,
    "llama.context_length": contextLength,
    "llama.embedding_length": 3072,
    "llama.feed_forward_length": 8192,
    "llama.rope.dimension_count": 128,
    "llama.rope.freq_base": 500_000,
    "llama.vocab_size": 128_256,
    "tokenizer.ggml.bos_token_id": 128_000,
    "tokenizer.ggml.eos_token_id": 128_009,
    "tokenizer.ggml.merges": null,
    "tokenizer.ggml.model": "gpt2",
    "tokenizer.ggml.pre": "llama-bpe",
    "tokenizer.ggml.token_type": null,
    "tokenizer.ggml.tokens": null,
  };
}

/** `model_info` as Ollama gives it for nomic-embed-text. */
function nomicBertInfo(contextLength: number): Record<string, unknown> {
  return {
    "general.architecture": "nomic-bert",
    "general.file_type": 1,
    "general.parameter_count": 136_727_040,
    "general.quantization_version": 2,
    "nomic-bert.attention.causal": false,
    "nomic-bert.attention.head_count": 12,
    "nomic-bert.block_count": 12,
    "nomic-bert.context_length": contextLength,
    "nomic-bert.embedding_length": 768,
    "nomic-bert.feed_forward_length": 3072,
    "nomic-bert.pooling_type": 1,
    "nomic-bert.rope.freq_base": 1000,
    "tokenizer.ggml.model": "bert",
    "tokenizer.ggml.token_type": null,
    "tokenizer.ggml.tokens": null,
  };
}

/** When the fake's models were "pulled". */
const MODIFIED_AT = Date.UTC(2026, 0, 1);

/** The name Ollama lists for a model pulled as `name`: with `:latest` when no tag was given. */
function withTag(name: string): string {
  return name.lastIndexOf(":") > name.lastIndexOf("/") ? name : `${name}:latest`;
}

/**
 * How Ollama resolves a name it is asked about: registry, namespace and tag filled in, case ignored. Written here
 * apart from PAI's own matching (`src/providers/model_names.ts`), so that the fake does not share its mistakes.
 */
function ollamaKey(name: string): string {
  const full = withTag(name.toLowerCase());
  const slashes = full.split("/").length - 1;
  return slashes >= 2 ? full : slashes === 1 ? `registry.ollama.ai/${full}` : `registry.ollama.ai/library/${full}`;
}

/** A stable 64-hex-digit digest for a name (Ollama's are sha256 of the manifest). */
function fakeDigest(name: string): string {
  let hex = "";
  for (let i = 0; hex.length < 64; i++) hex += ((name.charCodeAt(i % name.length) * 2654435761 + i) >>> 0).toString(16);
  return hex.slice(0, 64);
}

/** Whether the request's system prompt (OpenAI's first message, Anthropic's `system`) asks for a summary. */
function asksForSummary(body: Record<string, unknown> | undefined): boolean {
  const messages = (body?.messages ?? []) as { role: string; content: unknown }[];
  const system = typeof body?.system === "string" ? body.system : messages.find((m) => m.role === "system")?.content;
  return typeof system === "string" && system.startsWith("Summarise the conversation");
}

function lastUserText(body: Record<string, unknown> | undefined): string {
  const messages = (body?.messages ?? []) as { role: string; content: unknown }[];
  const last = messages.filter((m) => m.role === "user").at(-1);
  return typeof last?.content === "string" ? last.content : JSON.stringify(last?.content ?? "");
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

function chunksOf(text: string | string[] | undefined): string[] {
  if (text === undefined) return [];
  return Array.isArray(text) ? text : text.split(/(?<= )/);
}

/** Streams SSE frames, honouring the delay and truncation of the script. */
function sse(frames: string[], reply: ScriptedReply): Response {
  const limit = reply.truncateAfter ?? Infinity;
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (let i = 0; i < frames.length; i++) {
        if (i >= limit) break;
        if (reply.chunkDelayMs && i > 0) await new Promise((r) => setTimeout(r, reply.chunkDelayMs));
        try {
          controller.enqueue(encoder.encode(frames[i]));
        } catch {
          return; // the client went away
        }
      }
      try {
        controller.close();
      } catch { /* already closed by the client */ }
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } });
}

function openaiReply(
  reply: ScriptedReply & { usage: { input: number; output: number } },
  streaming: boolean,
): Response {
  const id = "chatcmpl-fake";
  const calls = (reply.toolCalls ?? []).map((c, i) => ({ ...c, id: c.id ?? `call_${i}` }));
  const finish = calls.length ? "tool_calls" : "stop";
  const usage = {
    prompt_tokens: reply.usage.input,
    completion_tokens: reply.usage.output,
    total_tokens: reply.usage.input + reply.usage.output,
  };
  if (!streaming) {
    const text = chunksOf(reply.text).join("");
    return json({
      id,
      object: "chat.completion",
      created: 0,
      model: "fake",
      choices: [{
        index: 0,
        finish_reason: finish,
        message: {
          role: "assistant",
          content: text || null,
          tool_calls: calls.length
            ? calls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } }))
            : undefined,
        },
      }],
      usage,
    });
  }
  const chunk = (delta: unknown, finish_reason: string | null = null) =>
    `data: ${
      JSON.stringify({
        id,
        object: "chat.completion.chunk",
        created: 0,
        model: "fake",
        choices: [{ index: 0, delta, finish_reason }],
      })
    }\n\n`;
  const frames = [chunk({ role: "assistant", content: "" })];
  for (const piece of chunksOf(reply.text)) frames.push(chunk({ content: piece }));
  calls.forEach((c, index) => {
    frames.push(
      chunk({ tool_calls: [{ index, id: c.id, type: "function", function: { name: c.name, arguments: "" } }] }),
    );
    // Arguments arrive in two pieces, as real servers split them.
    const half = Math.ceil(c.arguments.length / 2);
    for (const part of [c.arguments.slice(0, half), c.arguments.slice(half)]) {
      frames.push(chunk({ tool_calls: [{ index, function: { arguments: part } }] }));
    }
  });
  frames.push(chunk({}, finish));
  frames.push(
    `data: ${
      JSON.stringify({ id, object: "chat.completion.chunk", created: 0, model: "fake", choices: [], usage })
    }\n\n`,
  );
  frames.push("data: [DONE]\n\n");
  return sse(frames, reply);
}

function anthropicReply(
  reply: ScriptedReply & { usage: { input: number; output: number } },
  streaming: boolean,
): Response {
  const calls = (reply.toolCalls ?? []).map((c, i) => ({ ...c, id: c.id ?? `toolu_${i}` }));
  const stop = calls.length ? "tool_use" : "end_turn";
  const text = chunksOf(reply.text);
  if (!streaming) {
    return json({
      id: "msg_fake",
      type: "message",
      role: "assistant",
      model: "fake",
      content: [
        ...(text.length ? [{ type: "text", text: text.join("") }] : []),
        ...calls.map((c) => ({ type: "tool_use", id: c.id, name: c.name, input: JSON.parse(c.arguments) })),
      ],
      stop_reason: stop,
      stop_sequence: null,
      usage: { input_tokens: reply.usage.input, output_tokens: reply.usage.output },
    });
  }
  const event = (type: string, data: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const frames = [event("message_start", {
    message: {
      id: "msg_fake",
      type: "message",
      role: "assistant",
      model: "fake",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: reply.usage.input, output_tokens: 1 },
    },
  })];
  let index = 0;
  if (text.length) {
    frames.push(event("content_block_start", { index, content_block: { type: "text", text: "" } }));
    for (const piece of text) {
      frames.push(event("content_block_delta", { index, delta: { type: "text_delta", text: piece } }));
    }
    frames.push(event("content_block_stop", { index }));
    index++;
  }
  for (const c of calls) {
    frames.push(
      event("content_block_start", { index, content_block: { type: "tool_use", id: c.id, name: c.name, input: {} } }),
    );
    frames.push(
      event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: c.arguments } }),
    );
    frames.push(event("content_block_stop", { index }));
    index++;
  }
  frames.push(
    event("message_delta", {
      delta: { stop_reason: stop, stop_sequence: null },
      usage: { output_tokens: reply.usage.output },
    }),
  );
  frames.push(event("message_stop", {}));
  return sse(frames, reply);
}

/** The schema of `config.json` (loaded only when the file exists: zod is not free to import). */
import { z } from "zod";

export const CONFIG_SCHEMA = z.strictObject({
  /** Replaces PAI's built-in system prompt. */
  systemPrompt: z.string().min(1).optional(),
  /** Host names to treat as local providers besides loopback (e.g. a GPU box on the LAN). */
  localHosts: z.array(z.string().min(1)).optional(),
  /** Retries for 408/409/429/5xx and dropped connections. */
  maxRetries: z.number().int().min(0).max(10).optional(),
  /** Time limit of one request to a provider. */
  timeoutSeconds: z.number().positive().max(3600).optional(),
  /** Upper bound on the tokens of one answer. */
  maxTokens: z.number().int().positive().optional(),
  /**
   * The proxy (from HTTP_PROXY, HTTPS_PROXY or ALL_PROXY) that provider traffic may go through. A proxy variable
   * that applies to the session's endpoint and is not named here stops every run before anything is sent.
   */
  proxy: z.string().min(1).optional(),
  /**
   * Settings per model, keyed by a model's name or the start of it (the longest key that matches wins): its limits
   * where PAI's table is wrong or the server was set up otherwise (an Ollama with a larger `num_ctx`), and its prices
   * (`providers/prices.ts`). `{ "llama3.2": { "contextWindow": 32768 }, "m": { "inputPerMillion": 1 } }`
   */
  models: z.record(
    z.string().min(1),
    z.strictObject({
      /** Tokens the model reads, prompt and answer together, as the server runs it. */
      contextWindow: z.number().int().positive().optional(),
      /** The most tokens of one answer. */
      maxOutputTokens: z.number().int().positive().optional(),
      /** USD per million input tokens (wins over PAI's price table; for a local model too). */
      inputPerMillion: z.number().nonnegative().optional(),
      /** USD per million output tokens. */
      outputPerMillion: z.number().nonnegative().optional(),
      /** USD per million input tokens read from the provider's prompt cache (default: the input price). */
      cachedInputPerMillion: z.number().nonnegative().optional(),
      /** Whether the model takes images (`--attach` of a picture): wins over PAI's table and Ollama's answer. */
      images: z.boolean().optional(),
    }),
  ).optional(),
  /** The audit log (`src/audit/`). */
  audit: z.strictObject({
    /**
     * What a row keeps of each event's content (`audit/content.ts`): `redacted` (the default: as sent, every secret
     * replaced), `full` (as sent), `hash` (only its SHA-256).
     */
    content: z.enum(["redacted", "full", "hash"]).optional(),
  }).optional(),
  /** Whether a dim line with each answer's tokens and cost follows it in a terminal (default true; `--usage` forces it). */
  usageLine: z.boolean().optional(),
  /** Short names for models, as `-m/--model` takes them: `{ "sonnet": "anthropic:claude-sonnet-4-5" }`. */
  aliases: z.record(z.string().min(1), z.string().min(1)).optional(),
  /** Assistant mode (`pai assistant run`). */
  assistant: z.strictObject({
    /** How long a claimed task stays held without its assistant renewing the lease (it renews at a third of it). */
    leaseSeconds: z.number().min(1).max(3600).optional(),
    /** How often an idle assistant looks for new tasks (besides waking when one falls due). */
    pollSeconds: z.number().min(0.05).max(3600).optional(),
    /** Tokens one run of a task may spend unless the task says otherwise (`pai task add --max-tokens`). */
    taskTokens: z.number().int().positive().optional(),
    /** Runs a task gets when its assistant dies mid-run: after this many, it is marked failed. */
    attempts: z.number().int().min(1).max(10).optional(),
  }).optional(),
});

/** The `assistant` settings of `config.json`. */
export type AssistantConfig = NonNullable<z.infer<typeof CONFIG_SCHEMA>["assistant"]>;

/** The `audit` settings of `config.json`. */
export type AuditConfig = NonNullable<z.infer<typeof CONFIG_SCHEMA>["audit"]>;

/** The `models` of `config.json`. */
export type ModelsConfig = NonNullable<z.infer<typeof CONFIG_SCHEMA>["models"]>;

/** Shared types that cross rooms: messages, usage and the events a provider streams. */

export type Role = "system" | "user" | "assistant" | "tool";

/** The image types the providers take (OpenAI's and Anthropic's common set). */
export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;

/** An image attached to a message: its file name, type and bytes (base64, as every provider's wire carries it). */
export interface ImagePart {
  name: string;
  mediaType: typeof IMAGE_TYPES[number];
  base64: string;
}

/** How many bytes an image is (its base64 decoded). */
export function imageBytes(image: ImagePart): number {
  const padding = image.base64.endsWith("==") ? 2 : image.base64.endsWith("=") ? 1 : 0;
  return (image.base64.length / 4) * 3 - padding;
}

/** One message of a conversation. */
export interface ChatMessage {
  role: Role;
  content: string;
  /** On an assistant message: the tools it called. */
  toolCalls?: ToolCall[];
  /** On a tool message: the call it answers. */
  toolCallId?: string;
  /**
   * On the turn's input: images sent with its text (`--attach`), to a model that takes them. Not kept in the
   * history: the text names each one, and later turns send that name, not the image.
   */
  images?: readonly ImagePart[];
  /**
   * What data the message carries and where it came from, for the audit log's record of each request (`pai audit
   * where`). Never sent: the providers send only the fields above.
   */
  carries?: Carried[];
}

/**
 * How a message goes, after the policy's actions: `as_written`; `redacted` (what the policy redacts replaced by
 * placeholders, or invisible characters stripped); `withheld` (a tool result replaced by PAI's notice).
 */
export type MessageSent = "as_written" | "redacted" | "withheld";

/**
 * One piece of data a message carries: how it got into the conversation, the audit row that first recorded it
 * (by that row's payload hash), and the files and resources it came from.
 */
export interface Carried {
  /**
   * `input`: what the user typed or piped; `attachment`: an input that attaches files or resources
   * (`--resource`); `tool_result`: what a tool returned; `answer`: the model's own text; `summary`: a summary of
   * older turns; `memory`: the working memory put before an assistant's input.
   */
  via: "input" | "attachment" | "tool_result" | "answer" | "summary" | "memory";
  /** The `payload_hash` of the row that recorded it (a prompt, tool_result or response row), when known. */
  hash?: string;
  /** The real paths and resources (`resource:NAME`) its data came from. */
  sources?: string[];
  /** For a tool result: the call it answers. */
  callId?: string;
  /** Sent again from the session's history (an earlier turn), not new in this turn. */
  earlier?: true;
}

/** A tool as the model sees it: name, description and JSON Schema of its arguments. */
export interface ToolDefinition {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** Tokens counted by the provider for one request. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Of `inputTokens`, those the provider read from its prompt cache (billed lower), where it reports them. */
  cachedInputTokens?: number;
}

/** A complete tool call requested by the model (arguments as the raw JSON text it sent). */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** What a provider's stream yields, whatever its wire protocol. */
export type StreamEvent =
  | { type: "text"; text: string }
  | { type: "tool_call"; call: ToolCall }
  | { type: "usage"; usage: Usage }
  | { type: "stop"; reason: string };

/** The four modes; each is a profile over the same turn loop. */
export const MODES = ["chat", "prompt", "agent", "assistant"] as const;
export type Mode = typeof MODES[number];

export const ZERO_USAGE: Usage = Object.freeze({ inputTokens: 0, outputTokens: 0 });

/** Sums two usages. */
export function addUsage(a: Usage, b: Usage): Usage {
  const cached = (a.cachedInputTokens ?? 0) + (b.cachedInputTokens ?? 0);
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    ...(cached ? { cachedInputTokens: cached } : {}),
  };
}

/**
 * The decision for one tool call, as data: what the tool process may touch.
 * `src/sandbox/` alone turns it into Deno flags.
 */
export interface Grant {
  /** Real paths (symlinks resolved) the tool may read. */
  read: string[];
  /** Real paths the tool may write (a folder covers what is below it). */
  write: string[];
  /** Protected paths inside a granted folder (e.g. ~/.ssh under a home workspace): Deno's deny wins over allow. */
  denyRead: string[];
  denyWrite: string[];
  /** `host` or `host:port`, exactly as Deno's --allow-net takes them. */
  net: string[];
  /** The only environment the tool process gets. */
  env: Record<string, string>;
  /**
   * Variable names a tool's driver may look up (`PG*`): it sees them unset,
   * because the environment is cleared; without the grant the lookup itself fails.
   */
  envNames?: string[];
  /**
   * The program imports npm packages: it runs with PAI's lockfile, frozen, so that they resolve from the cache alone
   * (DENO_SANDBOX.md, fact 11). A program without any is spared reading the lockfile.
   */
  npm?: boolean;
  timeoutMs: number;
  memoryMb: number;
  /** The most bytes the tool may print before it is killed. */
  outputBytes: number;
  /** Why this grant: the rule, approval or mode default that decided. */
  reason: string;
}

/** Permissions as data (real paths; net as host or host:port): what a call needs, before its grant is decided. */
export type Permissions = Pick<Grant, "read" | "write" | "net">;

/** Sensitivity labels, least to most sensitive. */
export const LABELS = ["public", "internal", "private", "secret"] as const;
export type Label = typeof LABELS[number];

/** The higher (more sensitive) of two data labels. */
export function higherLabel(a: Label, b: Label): Label {
  return LABELS.indexOf(a) >= LABELS.indexOf(b) ? a : b;
}

/** The kinds of the user's named data. */
export const RESOURCE_KINDS = ["note", "file", "folder", "url", "s3", "sqlite", "postgres"] as const;
export type ResourceKind = typeof RESOURCE_KINDS[number];

/** One registered resource (`resources.json`). */
export interface Resource {
  name: string;
  kind: ResourceKind;
  /** The real path (file, folder, sqlite), the URL (url), `s3://bucket/prefix?endpoint=…&region=…` (s3). */
  uri?: string;
  /** The name of the variable holding a credential (url token, postgres connection string). */
  env?: string;
  label: Label;
  description?: string;
  /** A default resource: the only kind chat mode reaches. */
  default?: boolean;
}

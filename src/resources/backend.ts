/**
 * What each kind of resource provides, behind one interface: what a read, an update or a delete of it expands to
 * (an answer PAI gives itself, or one sandboxed tool call with its exact grant), whether it can be attached to a
 * prompt, and how its part of a definition (its URI, text or variable) is checked. The resource tools
 * (`src/tools/resource_tools.ts`) decide what a mode may do and dispatch to the backend of the resource's kind;
 * this room never imports them.
 */
import { EXIT, PaiError } from "../core/errors.ts";
import type { Label, Permissions, Resource, ResourceKind, ToolCall } from "../core/types.ts";
import type { AwsCredentials } from "./backends/aws_credentials.ts";

/** What the backends need from PAI: the registry, the notes, and credentials read at call time. */
export interface ResourceHost {
  list(): Resource[];
  note(name: string): string | undefined;
  setNote(name: string, text: string): void;
  /** Registers a new resource (a note the model created, or an approved request). */
  register(resource: Resource, text?: string): void;
  /** Forgets a note (and its text). */
  deleteNote(name: string): void;
  /** The value of a credential variable a resource names (read at call time, never stored). */
  secret(variable: string): string | undefined;
  /** S3 credentials: the standard AWS variables, or a named profile of ~/.aws/credentials (read by PAI, not a tool). */
  awsCredentials(profile?: string): AwsCredentials | undefined;
  /** Checks a requested definition as `pai resource add` would (throws an Error saying what is wrong). */
  check(request: ResourceRequest): Promise<Resource>;
}

/** The kinds the model may ask the user to register (a note has no location; postgres needs the user's variable). */
export const REQUESTABLE_KINDS = ["file", "folder", "sqlite", "url", "s3"] as const;

/** What the model asks the user to register, and why. */
export interface ResourceRequest {
  name: string;
  kind: typeof REQUESTABLE_KINDS[number];
  uri: string;
  label: Label;
  reason: string;
}

/** How a resource call is carried out: answered by PAI, run as one sandboxed call, asked of the user, or refused. */
export type Expansion =
  | { answer: unknown; label?: Label }
  | { call: ToolCall; grant: Permissions }
  | { request: ResourceRequest }
  | { refuse: string };

/** The resource a backend works on, and the host it lives in. */
export interface KindContext {
  resource: Resource;
  host: ResourceHost;
}

/** What `resource_read` may say besides the name. */
export interface ReadArgs {
  path?: string;
  key?: string;
  query?: string;
}

/** What `resource_update` may say besides the name. */
export interface UpdateArgs {
  text?: string;
  path?: string;
  key?: string;
  content?: string;
  query?: string;
  method?: "POST" | "PUT" | "PATCH";
}

/** What `resource_delete` may say besides the name. */
export interface DeleteArgs {
  path?: string;
  key?: string;
}

/** What `resource_create` makes (a note: the only kind the model creates). */
export interface CreateArgs {
  name: string;
  text: string;
  label?: Label;
}

/** A resource attached to a prompt: where it really is now (for its label), and its text. */
export interface Attachment {
  /** A file's real path as it is now: a registered path swapped for a link is labelled as what it leads to. */
  real?: string;
  text(): Promise<string>;
}

/** What `pai resource add|update` was given. */
export interface DefinitionInput {
  kind: ResourceKind;
  uri?: string;
  text?: string;
  env?: string;
  label: Label;
  description?: string;
  default?: boolean;
}

/** Where relative paths start, and the environment a definition's variables are looked up in. */
export interface DefineOptions {
  cwd: string;
  env: (name: string) => string | undefined;
}

/** The fields a kind adds to a stored definition. */
export type KindFields = Pick<Resource, "uri" | "env">;

/** One kind of resource. */
export interface ResourceBackend {
  /** Checks the kind's part of a definition (throws a `PaiError` naming the flag to fix); returns what to store. */
  define(input: DefinitionInput, options: DefineOptions): KindFields | Promise<KindFields>;
  read(ctx: KindContext, args: ReadArgs): Expansion;
  update(ctx: KindContext, args: UpdateArgs): Expansion;
  delete(ctx: KindContext, args: DeleteArgs): Expansion;
  /** Absent when the kind cannot be attached to a prompt with `--resource` (the model reaches it with tools). */
  attach?(resource: Resource, host: Pick<ResourceHost, "note">): Promise<Attachment>;
}

/** One sandboxed call of `tool`, granted exactly `grant` and nothing else. */
export function sandboxed(tool: string, args: unknown, grant: Partial<Permissions>): Expansion {
  return {
    call: { id: "resource", name: tool, arguments: JSON.stringify(args) },
    grant: { read: [], write: [], net: [], ...grant },
  };
}

/** The refusal of a delete the model may not make, saying how that data is removed instead. */
export function notDeleted(kind: ResourceKind, instead: string): Expansion {
  return { refuse: `a ${kind} resource is not deleted by the model (${instead})` };
}

/** A definition error: exit code 2, with the flag to fix in the message. */
export function definitionError(message: string, hint?: string): PaiError {
  return new PaiError(message, { exitCode: EXIT.USAGE, hint });
}

/**
 * The model-facing resource tools. Each call expands into either an answer
 * PAI gives itself (the registry, a note's text) or an ordinary sandboxed
 * call (`fs_read`, `fs_list`, `fs_write`, `sql_query`) on the resource's real
 * path, run through the same pipeline (rules, grants, labels, scanning,
 * audit) with that resource pre-granted: registering it was the user's
 * consent. What each mode may do is decided here: every mode reads; only
 * agent and assistant create, update and delete.
 */
import { z } from "zod";
import { type ModeProfile, reaches, type ResourceReach } from "../core/mode_profile.ts";
import type { Label, Resource, ToolCall } from "../core/types.ts";
import type { Permissions } from "../policy/decide.ts";
import type { ToolManifest } from "./manifest.ts";
import { hostPort } from "./net_tools.ts";
import { sqlShape } from "./sql_shape.ts";

/** What the resource tools need from PAI: the registry and the notes. */
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

/** What an S3 call signs with. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** What the model asks the user to register, and why. */
export interface ResourceRequest {
  name: string;
  kind: "file" | "folder" | "sqlite" | "url" | "s3";
  uri: string;
  label: Label;
  reason: string;
}

/** How a resource call is carried out. */
export type Expansion =
  | { answer: unknown; label?: Label }
  | { call: ToolCall; grant: Permissions }
  | { request: ResourceRequest }
  | { refuse: string };

/** The context an expansion needs. */
export interface ExpandContext {
  host: ResourceHost;
  /** The mode's reach over resources (its profile). */
  profile: Pick<ModeProfile, "mode" | "resources">;
}

type Expand<A> = (args: A, ctx: ExpandContext) => Expansion;

/** A resource tool: a manifest whose calls expand (no program of its own). */
export type ResourceToolManifest<A> = ToolManifest<A> & { expand: Expand<A> };

const NAME = z.string().min(1).describe("The resource's name (see resource_list)");
const none: Permissions = { read: [], write: [], net: [] };

/** The resources a mode reaches: with `defaults` reach only the user's default ones, else all. */
function reachable(ctx: ExpandContext): Resource[] {
  return ctx.host.list().filter((r) => reaches(ctx.profile, "read") || r.default);
}

function find(ctx: ExpandContext, name: string): Resource | string {
  const r = reachable(ctx).find((x) => x.name === name);
  if (r) return r;
  return !reaches(ctx.profile, "read") && ctx.host.list().some((x) => x.name === name)
    ? `${ctx.profile.mode} mode reaches only default resources; "${name}" is not one (pai resource update ${name} --default)`
    : `No resource named "${name}"; resource_list shows the registered ones`;
}

function insideFolder(folder: string, path: string): string | undefined {
  const parts = path.split("/").filter((p) => p && p !== ".");
  if (path.startsWith("/") || parts.includes("..")) return undefined;
  return parts.length ? `${folder}/${parts.join("/")}` : folder;
}

/** A URL under a url resource's base: a relative path that cannot climb out of it. */
function urlInside(base: string, path?: string): string | undefined {
  if (!path) return base;
  if (/^[a-z]+:|^\/\//i.test(path) || path.split(/[/?#]/)[0].split("/").includes("..")) return undefined;
  const url = new URL(path.replace(/^\//, ""), base.endsWith("/") ? base : `${base}/`);
  return url.href.startsWith(base.endsWith("/") ? base : `${base}/`) ? url.href : undefined;
}

/** An http_request on a url resource (its token, read from its variable now, as a bearer), net to its host only. */
function urlCall(ctx: ExpandContext, r: Resource, method: string, path?: string, body?: string): Expansion {
  const url = urlInside(r.uri!, path);
  if (!url) return { refuse: `path "${path}" must stay under ${r.uri}` };
  const headers: Record<string, string> = body === undefined ? {} : { "content-type": "application/json" };
  if (r.env) {
    const token = ctx.host.secret(r.env);
    if (!token) return { refuse: `The credential variable ${r.env} of "${r.name}" is not set` };
    headers.authorization = `Bearer ${token}`;
  }
  return {
    call: sub("http_request", { method, url, headers, ...(body === undefined ? {} : { body }) }),
    grant: { ...none, net: [hostPort(url)] },
  };
}

/** An s3_object call on a resource's bucket and prefix, with its own credentials and net to its endpoint only. */
function s3Call(
  ctx: ExpandContext,
  r: Resource,
  what: { op: "list" } | { op: "get" | "delete"; key: string } | { op: "put"; key: string; body: string },
): Expansion {
  const m = r.uri!.match(/^s3:\/\/([^/?]+)\/?([^?]*)(?:\?(.*))?$/);
  if (!m) return { refuse: `The uri of "${r.name}" is not an S3 location` };
  const [, bucket, prefix, query] = m;
  const options = new URLSearchParams(query ?? "");
  const region = options.get("region") ?? "us-east-1";
  const endpoint = options.get("endpoint") ?? `https://s3.${region}.amazonaws.com`;
  const credentials = ctx.host.awsCredentials(options.get("profile") ?? undefined);
  if (!credentials) return { refuse: `No S3 credentials for "${r.name}": set the AWS variables or its profile` };
  if ("key" in what && (what.key.startsWith("/") || what.key.split("/").includes(".."))) {
    return { refuse: `key "${what.key}" must stay under ${r.uri}` };
  }
  const request = what.op === "list"
    ? { op: "list", prefix }
    : { ...what, key: `${prefix}${prefix && !prefix.endsWith("/") ? "/" : ""}${what.key}` };
  return {
    call: sub("s3_object", { endpoint, region, bucket, ...request, ...credentials }),
    grant: { ...none, net: [hostPort(endpoint)] },
  };
}

/** A pg_query call on a database, granted net to its host:port only. */
function pgCall(url: string, sql: string): Expansion {
  let host: string;
  try {
    const u = new URL(url.replace(/^postgres(ql)?:/, "http:"));
    host = `${u.hostname}:${u.port || "5432"}`;
  } catch {
    return { refuse: "The connection string of this resource is not a URL" };
  }
  return { call: sub("pg_query", { url, sql }), grant: { ...none, net: [host] } };
}

function sub(name: string, args: unknown): ToolCall {
  return { id: "resource", name, arguments: JSON.stringify(args) };
}

const sqliteFiles = (db: string) => [db, `${db}-journal`, `${db}-wal`, `${db}-shm`];

/** A manifest shell for the resource tools (they have no program: their calls expand). */
function resourceTool<A>(
  name: string,
  description: string,
  schema: z.ZodType<A>,
  reach: ResourceReach,
  expand: Expand<A>,
): ResourceToolManifest<A> {
  const readOnly = reach !== "crud";
  return {
    name,
    description,
    schema,
    program: "",
    access: readOnly ? "read" : "write",
    reach,
    needs: () => ({ read: [], write: [], net: [] }),
    request: (a) => a,
    permissionsDoc: readOnly
      ? "the registered resource only (granted by its registration); its label decides which models may see it"
      : "the registered resource only; in the modes that create, update and delete resources",
    expand,
  };
}

export const RESOURCE_LIST = resourceTool(
  "resource_list",
  "List the user's registered resources: name, kind, sensitivity label and description.",
  z.strictObject({}),
  "defaults",
  (_, ctx) => ({
    answer: reachable(ctx).map((r) => ({ name: r.name, kind: r.kind, label: r.label, description: r.description })),
    label: "internal",
  }),
);

export const RESOURCE_READ = resourceTool(
  "resource_read",
  "Read a resource: a note's text, a file, a folder's entries or one file in it (path), " +
    "or a SQLite database's tables or one read-only SQL statement (query).",
  z.strictObject({
    name: NAME,
    path: z.string().optional().describe("A file in a folder, or a path under a URL"),
    key: z.string().optional().describe("An object under an S3 prefix (without it: the list of objects)"),
    query: z.string().optional().describe("One read-only SQL statement (sqlite, postgres)"),
  }),
  "defaults",
  (a, ctx) => {
    const r = find(ctx, a.name);
    if (typeof r === "string") return { refuse: r };
    switch (r.kind) {
      case "note":
        return { answer: { name: r.name, text: ctx.host.note(r.name) ?? "" }, label: r.label };
      case "file":
        return { call: sub("fs_read", { path: r.uri }), grant: { ...none, read: [r.uri!] } };
      case "folder": {
        const target = insideFolder(r.uri!, a.path ?? "");
        if (!target) return { refuse: `path "${a.path}" must stay inside the folder` };
        return a.path
          ? { call: sub("fs_read", { path: target }), grant: { ...none, read: [r.uri!] } }
          : { call: sub("fs_list", { path: r.uri, recursive: true }), grant: { ...none, read: [r.uri!] } };
      }
      case "sqlite": {
        const sql = a.query ?? "SELECT name, type, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name";
        if (!sqlShape(sql).readOnly) return { refuse: "resource_read runs read-only statements; use resource_update" };
        return { call: sub("sql_query", { database: r.uri, sql }), grant: { ...none, read: sqliteFiles(r.uri!) } };
      }
      case "postgres": {
        const url = ctx.host.secret(r.env!);
        if (!url) return { refuse: `The connection variable ${r.env} of "${r.name}" is not set` };
        const sql = a.query ??
          "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2";
        if (!sqlShape(sql).readOnly) return { refuse: "resource_read runs read-only statements; use resource_update" };
        return pgCall(url, sql);
      }
      case "s3":
        return s3Call(ctx, r, a.key === undefined ? { op: "list" } : { op: "get", key: a.key });
      case "url":
        return urlCall(ctx, r, "GET", a.path);
      default:
        return { refuse: `PAI cannot read ${r.kind} resources yet` };
    }
  },
);

export const RESOURCE_CREATE = resourceTool(
  "resource_create",
  "Create a new note resource (agent mode).",
  z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/).describe("The new note's name"),
    text: z.string(),
    label: z.enum(["public", "internal", "private", "secret"]).optional(),
  }),
  "crud",
  (a, ctx) => {
    if (!reaches(ctx.profile, "crud")) {
      return { refuse: `${ctx.profile.mode} mode reads resources only; pai agent may create them` };
    }
    if (ctx.host.list().some((r) => r.name === a.name)) {
      return { refuse: `A resource named "${a.name}" exists already` };
    }
    ctx.host.register({ name: a.name, kind: "note", label: a.label ?? "internal" }, a.text);
    return { answer: { created: a.name } };
  },
);

export const RESOURCE_UPDATE = resourceTool(
  "resource_update",
  "Change a resource (agent mode): a note's text, a file's content, a file inside a folder (path + content), " +
    "an S3 object (key + content), a web API (path + content, method POST/PUT/PATCH), " +
    "or one SQL statement that changes a database (query).",
  z.strictObject({
    name: NAME,
    text: z.string().optional(),
    path: z.string().optional(),
    key: z.string().optional(),
    content: z.string().optional(),
    query: z.string().optional(),
    method: z.enum(["POST", "PUT", "PATCH"]).optional().describe("For a url resource (default POST)"),
  }),
  "crud",
  (a, ctx) => {
    if (!reaches(ctx.profile, "crud")) {
      return { refuse: `${ctx.profile.mode} mode reads resources only; pai agent may change them` };
    }
    const r = find(ctx, a.name);
    if (typeof r === "string") return { refuse: r };
    switch (r.kind) {
      case "note":
        if (a.text === undefined) return { refuse: "give the note's new text" };
        ctx.host.setNote(r.name, a.text);
        return { answer: { updated: r.name } };
      case "file":
        if (a.content === undefined) return { refuse: "give the file's new content" };
        return { call: sub("fs_write", { path: r.uri, content: a.content }), grant: { ...none, write: [r.uri!] } };
      case "folder": {
        const target = a.path && insideFolder(r.uri!, a.path);
        if (!target || target === r.uri) return { refuse: `path "${a.path ?? ""}" must stay inside the folder` };
        if (a.content === undefined) return { refuse: "give the file's content" };
        return { call: sub("fs_write", { path: target, content: a.content }), grant: { ...none, write: [r.uri!] } };
      }
      case "url":
        return urlCall(ctx, r, a.method ?? "POST", a.path, a.content ?? "");
      case "s3":
        if (a.key === undefined || a.content === undefined) return { refuse: "give the object's key and content" };
        return s3Call(ctx, r, { op: "put", key: a.key, body: a.content });
      case "postgres": {
        if (!a.query) return { refuse: "give one SQL statement (query)" };
        const url = ctx.host.secret(r.env!);
        if (!url) return { refuse: `The connection variable ${r.env} of "${r.name}" is not set` };
        return pgCall(url, a.query);
      }
      case "sqlite":
        if (!a.query) return { refuse: "give one SQL statement (query)" };
        return {
          call: sub("sql_query", { database: r.uri, sql: a.query }),
          grant: { ...none, read: sqliteFiles(r.uri!), write: sqliteFiles(r.uri!) },
        };
      default:
        return { refuse: `PAI cannot change ${r.kind} resources yet` };
    }
  },
);

export const RESOURCE_DELETE = resourceTool(
  "resource_delete",
  "Delete (agent mode): a note, a file inside a folder (path), an object under an S3 prefix (key), " +
    "or a web API's item (path, with DELETE). " +
    "Rows are deleted with resource_update and SQL; other resources are removed by the user.",
  z.strictObject({ name: NAME, path: z.string().optional(), key: z.string().optional() }),
  "crud",
  (a, ctx) => {
    if (!reaches(ctx.profile, "crud")) return { refuse: `${ctx.profile.mode} mode reads resources only` };
    const r = find(ctx, a.name);
    if (typeof r === "string") return { refuse: r };
    switch (r.kind) {
      case "note":
        ctx.host.deleteNote(r.name);
        return { answer: { deleted: r.name } };
      case "folder": {
        const target = a.path && insideFolder(r.uri!, a.path);
        if (!target || target === r.uri) return { refuse: `path "${a.path ?? ""}" must stay inside the folder` };
        return { call: sub("fs_delete", { path: target }), grant: { ...none, read: [r.uri!], write: [r.uri!] } };
      }
      case "s3":
        if (a.key === undefined) return { refuse: "give the object's key" };
        return s3Call(ctx, r, { op: "delete", key: a.key });
      case "url":
        return urlCall(ctx, r, "DELETE", a.path);
      default:
        return {
          refuse: `a ${r.kind} resource is not deleted by the model (${
            r.kind === "sqlite" || r.kind === "postgres"
              ? "delete rows with resource_update"
              : "the user runs pai resource rm"
          })`,
        };
    }
  },
);

export const RESOURCE_REQUEST = resourceTool(
  "resource_request",
  "Ask the user for access to data that is not registered (a file, folder, SQLite database, URL or S3 prefix), " +
    "saying why. If the user approves, it becomes a resource you can read.",
  z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/).describe("A name for the new resource"),
    kind: z.enum(["file", "folder", "sqlite", "url", "s3"]),
    uri: z.string().min(1).describe("Its path, URL or s3://bucket/prefix"),
    reason: z.string().min(1).max(500).describe("Why you need it, in one or two sentences for the user"),
    label: z.enum(["public", "internal", "private", "secret"]).optional(),
  }),
  "read",
  (a, ctx) => {
    if (!reaches(ctx.profile, "read")) return { refuse: `${ctx.profile.mode} mode uses the registered resources only` };
    if (ctx.host.list().some((r) => r.name === a.name)) {
      return { refuse: `A resource named "${a.name}" exists already` };
    }
    return { request: { name: a.name, kind: a.kind, uri: a.uri, label: a.label ?? "internal", reason: a.reason } };
  },
);

export const RESOURCE_TOOLS = [
  RESOURCE_LIST,
  RESOURCE_READ,
  RESOURCE_CREATE,
  RESOURCE_UPDATE,
  RESOURCE_DELETE,
  RESOURCE_REQUEST,
];

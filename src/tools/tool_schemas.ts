/**
 * The arguments of each built-in tool, as zod schemas: the source of the JSON Schemas in `definitions.json`
 * (`deno task tool-schemas`), which the model is shown and every call is checked against (`args_check.ts`). Kept
 * apart from the manifests so that a call never loads zod (~35 ms on a run's first call); each schema is typed
 * against its manifest's arguments, so the two cannot drift apart. What JSON Schema cannot say is each manifest's
 * `check`.
 */
import { z } from "zod";
import type { FsDeleteArgs, FsEditArgs, FsListArgs, FsReadArgs, FsSearchArgs, FsWriteArgs } from "./fs_tools.ts";
import { HTTP_METHODS, type HttpRequestArgs, type WebFetchArgs } from "./net_tools.ts";
import type { MemoryForgetArgs, MemorySaveArgs, MemorySearchArgs } from "./memory_tools.ts";
import type { ResourceNamed, ResourceRequestArgs } from "./resource_tools.ts";
import { S3_OPS, type S3Args } from "./s3_tool.ts";
import type { PgArgs, SqlArgs } from "./sql_tool.ts";
import {
  type CreateArgs,
  type DeleteArgs,
  type ReadArgs,
  REQUESTABLE_KINDS,
  type UpdateArgs,
} from "../resources/backend.ts";

const path = z.string().min(1).describe("File path, relative to the workspace or absolute");
const url = z.string().url();
const params = z.array(z.union([z.string(), z.number(), z.null()])).optional();
const NAME = z.string().min(1).describe("The resource's name (see resource_list)");
const LABEL = z.enum(["public", "internal", "private", "secret"]);
const RESOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Each built-in tool's arguments, by its name. */
export const TOOL_SCHEMAS: { readonly [name: string]: z.ZodType } = {
  fs_read: z.strictObject({
    path,
    offset: z.number().int().min(1).optional().describe("First line to return (1-based)"),
    limit: z.number().int().min(1).optional().describe("How many lines to return"),
  }) satisfies z.ZodType<FsReadArgs>,
  fs_list: z.strictObject({
    path: path.describe("Folder path, relative to the workspace or absolute"),
    recursive: z.boolean().optional(),
    glob: z.string().optional(),
  }) satisfies z.ZodType<FsListArgs>,
  fs_search: z.strictObject({
    pattern: z.string().min(1).describe("JavaScript regular expression"),
    path: path.optional().describe("Folder to search (default: the workspace)"),
    glob: z.string().optional().describe("Only files matching this glob, such as *.ts"),
  }) satisfies z.ZodType<FsSearchArgs>,
  fs_write: z.strictObject({ path, content: z.string() }) satisfies z.ZodType<FsWriteArgs>,
  fs_edit: z.strictObject({ path, old: z.string().min(1), new: z.string() }) satisfies z.ZodType<FsEditArgs>,
  fs_delete: z.strictObject({ path }) satisfies z.ZodType<FsDeleteArgs>,
  http_request: z.strictObject({
    method: z.enum(HTTP_METHODS),
    url,
    headers: z.record(z.string(), z.string()).optional(),
    body: z.string().optional(),
  }) satisfies z.ZodType<HttpRequestArgs>,
  web_fetch: z.strictObject({ url }) satisfies z.ZodType<WebFetchArgs>,
  sql_query: z.strictObject({
    database: z.string().min(1).optional().describe("Path of the SQLite file, relative to the workspace or absolute"),
    resource: z.string().min(1).optional().describe("Or: the name of a registered sqlite resource"),
    sql: z.string().min(1).describe("Exactly one SQL statement; use ? placeholders with params"),
    params,
  }) satisfies z.ZodType<SqlArgs>,
  pg_query: z.strictObject({
    url: z.string().regex(/^postgres(ql)?:\/\//),
    sql: z.string().min(1),
    params,
  }) satisfies z.ZodType<PgArgs>,
  s3_object: z.strictObject({
    endpoint: z.string().regex(/^https?:\/\//),
    region: z.string().min(1),
    bucket: z.string().min(3),
    op: z.enum(S3_OPS),
    key: z.string().optional(),
    prefix: z.string().optional(),
    body: z.string().optional(),
    accessKeyId: z.string().min(1),
    secretAccessKey: z.string().min(1),
    sessionToken: z.string().optional(),
  }) satisfies z.ZodType<S3Args>,
  resource_list: z.strictObject({}) satisfies z.ZodType<Record<string, never>>,
  resource_read: z.strictObject({
    name: NAME,
    path: z.string().optional().describe("A file in a folder, or a path under a URL"),
    key: z.string().optional().describe("An object under an S3 prefix (without it: the list of objects)"),
    query: z.string().optional().describe("One read-only SQL statement (sqlite, postgres)"),
  }) satisfies z.ZodType<ResourceNamed<ReadArgs>>,
  resource_create: z.strictObject({
    name: z.string().regex(RESOURCE_NAME).describe("The new note's name"),
    text: z.string(),
    label: LABEL.optional(),
  }) satisfies z.ZodType<CreateArgs>,
  resource_update: z.strictObject({
    name: NAME,
    text: z.string().optional(),
    path: z.string().optional(),
    key: z.string().optional(),
    content: z.string().optional(),
    query: z.string().optional(),
    method: z.enum(["POST", "PUT", "PATCH"]).optional().describe("For a url resource (default POST)"),
  }) satisfies z.ZodType<ResourceNamed<UpdateArgs>>,
  resource_delete: z.strictObject({
    name: NAME,
    path: z.string().optional(),
    key: z.string().optional(),
  }) satisfies z.ZodType<ResourceNamed<DeleteArgs>>,
  resource_request: z.strictObject({
    name: z.string().regex(RESOURCE_NAME).describe("A name for the new resource"),
    kind: z.enum(REQUESTABLE_KINDS),
    uri: z.string().min(1).describe("Its path, URL or s3://bucket/prefix"),
    reason: z.string().min(1).max(500).describe("Why you need it, in one or two sentences for the user"),
    label: LABEL.optional(),
  }) satisfies z.ZodType<ResourceRequestArgs>,
  memory_save: z.strictObject({
    text: z.string().trim().min(1).max(2000).describe("The fact to keep, self-contained"),
  }) satisfies z.ZodType<MemorySaveArgs>,
  memory_search: z.strictObject({
    query: z.string().min(1).describe("Words to look for"),
    limit: z.number().int().min(1).max(50).optional(),
  }) satisfies z.ZodType<MemorySearchArgs>,
  memory_forget: z.strictObject({
    id: z.number().int().min(1).describe("The memory's id (from memory_search or the task's context)"),
  }) satisfies z.ZodType<MemoryForgetArgs>,
};

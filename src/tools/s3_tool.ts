/**
 * s3_object: reached only through a registered s3 resource (credentials come in the request, never the env). Its
 * arguments' schema is in `tool_schemas.ts`.
 */
import type { ToolManifest } from "./manifest.ts";
import { hostPort } from "../core/host_port.ts";

export const S3_OPS = ["list", "get", "put", "delete"] as const;
export type S3Args = {
  endpoint: string;
  region: string;
  bucket: string;
  op: typeof S3_OPS[number];
  key?: string;
  prefix?: string;
  body?: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
};

export const S3_OBJECT: ToolManifest<S3Args> = {
  name: "s3_object",
  description: "List, get, put or delete objects in one S3 bucket (through an s3 resource).",
  program: "s3_object.ts",
  internal: true,
  access: "either",
  readOnly: (a) => a.op === "list" || a.op === "get",
  needs: (a) => ({ read: [], write: [], net: [hostPort(a.endpoint)] }),
  request: (a) => a,
  permissionsDoc: "net to the S3 endpoint's host:port only, with only that resource's credentials",
};

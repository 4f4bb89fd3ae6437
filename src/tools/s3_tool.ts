/** s3_object: reached only through a registered s3 resource (credentials come in the request, never the env). */
import { z } from "zod";
import type { ToolManifest } from "./manifest.ts";
import { hostPort } from "../core/host_port.ts";

const S3_SCHEMA = z.strictObject({
  endpoint: z.string().regex(/^https?:\/\//),
  region: z.string().min(1),
  bucket: z.string().min(3),
  op: z.enum(["list", "get", "put", "delete"]),
  key: z.string().optional(),
  prefix: z.string().optional(),
  body: z.string().optional(),
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  sessionToken: z.string().optional(),
});

export const S3_OBJECT: ToolManifest<z.infer<typeof S3_SCHEMA>> = {
  name: "s3_object",
  description: "List, get, put or delete objects in one S3 bucket (through an s3 resource).",
  schema: S3_SCHEMA,
  program: "s3_object.ts",
  internal: true,
  access: "either",
  readOnly: (a) => a.op === "list" || a.op === "get",
  needs: (a) => ({ read: [], write: [], net: [hostPort(a.endpoint)] }),
  request: (a) => a,
  permissionsDoc: "net to the S3 endpoint's host:port only, with only that resource's credentials",
};

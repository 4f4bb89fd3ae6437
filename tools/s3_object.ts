/**
 * s3_object: list, get or put objects in one S3 bucket (path-style, AWS Signature V4, no dependencies).
 * Request: { endpoint, region, bucket, op: "list" | "get" | "put" | "delete", key?, prefix?, body?, accessKeyId,
 * secretAccessKey, sessionToken? }. Reached only through a registered s3 resource; the credentials arrive in the
 * request, never from the environment.
 */
import { serve, ToolError } from "./_protocol.ts";
import { authorization, canonicalTarget, sha256 } from "./_sigv4.ts";

const MAX_BODY = 5 * 1024 * 1024;
const encoder = new TextEncoder();

interface S3Request {
  endpoint: string;
  region: string;
  bucket: string;
  op: "list" | "get" | "put" | "delete";
  key?: string;
  prefix?: string;
  body?: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Signs (AWS Signature Version 4, see `_sigv4.ts`) and sends one request, path-style. */
async function signedFetch(req: S3Request, method: string, path: string, query: Record<string, string>, body = "") {
  const url = new URL(req.endpoint);
  const amzDate = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const payloadHash = await sha256(body);
  const headers: Record<string, string> = {
    host: url.host,
    "x-amz-content-sha256": payloadHash,
    "x-amz-date": amzDate,
    ...(req.sessionToken ? { "x-amz-security-token": req.sessionToken } : {}),
  };
  const auth = await authorization({
    method,
    path,
    query,
    headers,
    payloadHash,
    region: req.region,
    service: "s3",
    accessKeyId: req.accessKeyId,
    secretAccessKey: req.secretAccessKey,
  });
  const target = canonicalTarget(path, query);
  const { host: _host, ...sent } = headers;
  return await fetch(`${url.origin}${target.path}${target.query ? `?${target.query}` : ""}`, {
    method,
    body: method === "PUT" ? body : undefined,
    headers: { ...sent, authorization: auth },
  });
}

/** Turns an S3 error response into a typed error. */
async function failure(response: Response, what: string): Promise<never> {
  const text = await response.text();
  const code = text.match(/<Code>([^<]+)<\/Code>/)?.[1] ?? String(response.status);
  const message = text.match(/<Message>([^<]+)<\/Message>/)?.[1] ?? response.statusText;
  const type = response.status === 404 || code === "NoSuchKey" || code === "NoSuchBucket"
    ? "not_found"
    : response.status === 403 || /Signature|AccessDenied|InvalidAccessKeyId/.test(code)
    ? "permission_denied"
    : "io_error";
  throw new ToolError(type, `${what}: ${code}: ${message}`);
}

await serve(async (req: S3Request) => {
  const base = `/${req.bucket}`;
  if (req.op === "list") {
    const r = await signedFetch(req, "GET", `${base}`, { "list-type": "2", prefix: req.prefix ?? "" });
    if (!r.ok) return await failure(r, `Cannot list s3://${req.bucket}/${req.prefix ?? ""}`);
    const xml = await r.text();
    const objects = [...xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)].map((m) => ({
      key: m[1].match(/<Key>([^<]*)<\/Key>/)?.[1] ?? "",
      size: Number(m[1].match(/<Size>(\d+)<\/Size>/)?.[1] ?? 0),
      lastModified: m[1].match(/<LastModified>([^<]*)<\/LastModified>/)?.[1] ?? "",
    }));
    return { bucket: req.bucket, prefix: req.prefix ?? "", objects };
  }
  if (!req.key) throw new ToolError("invalid_input", "A key is needed");
  if (req.op === "get") {
    const r = await signedFetch(req, "GET", `${base}/${req.key}`, {});
    if (!r.ok) return await failure(r, `Cannot get s3://${req.bucket}/${req.key}`);
    const text = await r.text();
    return { key: req.key, content: text.slice(0, MAX_BODY), truncated: text.length > MAX_BODY };
  }
  if (req.op === "delete") {
    const r = await signedFetch(req, "DELETE", `${base}/${req.key}`, {});
    if (!r.ok) return await failure(r, `Cannot delete s3://${req.bucket}/${req.key}`);
    await r.body?.cancel();
    return { deleted: req.key };
  }
  const r = await signedFetch(req, "PUT", `${base}/${req.key}`, {}, req.body ?? "");
  if (!r.ok) return await failure(r, `Cannot put s3://${req.bucket}/${req.key}`);
  await r.body?.cancel();
  return { key: req.key, bytes: encoder.encode(req.body ?? "").length };
});

/** AWS Signature Version 4 for the S3 tool: pure, with WebCrypto, testable against AWS's published examples. */

const encoder = new TextEncoder();

const hex = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");

/** SHA-256 of a text, in hex. */
export const sha256 = async (data: string) => hex(await crypto.subtle.digest("SHA-256", encoder.encode(data)));

async function hmac(key: BufferSource, data: string): Promise<ArrayBuffer> {
  const k = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return await crypto.subtle.sign("HMAC", k, encoder.encode(data));
}

/** RFC 3986 encoding as SigV4 wants it. */
export const uriEncode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** What is signed. `headers` must include `host` and `x-amz-date` (lower-case names). */
export interface SignInput {
  method: string;
  /** The path, not yet encoded. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  payloadHash: string;
  region: string;
  service: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** The canonical path and query, as sent. */
export function canonicalTarget(path: string, query: Record<string, string>): { path: string; query: string } {
  return {
    path: path.split("/").map(uriEncode).join("/"),
    query: Object.keys(query).sort().map((k) => `${uriEncode(k)}=${uriEncode(query[k])}`).join("&"),
  };
}

/** The Authorization header value for a request. */
export async function authorization(input: SignInput): Promise<string> {
  const amzDate = input.headers["x-amz-date"];
  const date = amzDate.slice(0, 8);
  const target = canonicalTarget(input.path, input.query);
  const signed = Object.keys(input.headers).sort();
  const canonical = [
    input.method,
    target.path,
    target.query,
    signed.map((h) => `${h}:${input.headers[h].trim()}\n`).join(""),
    signed.join(";"),
    input.payloadHash,
  ].join("\n");
  const scope = `${date}/${input.region}/${input.service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, await sha256(canonical)].join("\n");
  let key: ArrayBuffer = await hmac(encoder.encode(`AWS4${input.secretAccessKey}`), date);
  for (const part of [input.region, input.service, "aws4_request"]) key = await hmac(key, part);
  const signature = hex(await hmac(key, toSign));
  return `AWS4-HMAC-SHA256 Credential=${input.accessKeyId}/${scope}, SignedHeaders=${
    signed.join(";")
  }, Signature=${signature}`;
}

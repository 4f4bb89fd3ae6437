/** http_request: one HTTP request. Request: { method, url, headers?, body? }. Each redirect hop is permission-checked by Deno. */
import { serve } from "./_protocol.ts";

const MAX_BODY = 1024 * 1024;

await serve(async (req: { method: string; url: string; headers?: Record<string, string>; body?: string }) => {
  const response = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
  const text = await response.text();
  return {
    status: response.status,
    url: response.url,
    headers: Object.fromEntries(response.headers),
    body: text.slice(0, MAX_BODY),
    truncated: text.length > MAX_BODY,
  };
});

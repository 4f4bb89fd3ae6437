/** web_fetch: GETs a page; PAI (not this tool) turns it into Markdown. Request: { url }. */
import { serve } from "./_protocol.ts";

const MAX_BODY = 5 * 1024 * 1024;

await serve(async (req: { url: string }) => {
  const response = await fetch(req.url, { headers: { accept: "text/html,text/plain;q=0.9,*/*;q=0.5" } });
  const body = await response.text();
  return {
    status: response.status,
    url: response.url,
    contentType: response.headers.get("content-type") ?? "",
    body: body.slice(0, MAX_BODY),
  };
});

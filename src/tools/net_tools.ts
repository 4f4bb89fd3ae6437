/** The network tools: http_request and web_fetch. Each call needs net to exactly one host:port. */
import { z } from "zod";
import { hostPort } from "../core/host_port.ts";
import { htmlToMarkdown } from "./html_to_markdown.ts";
import type { ToolManifest } from "./manifest.ts";

const url = z.string().url().refine((u) => /^https?:\/\//i.test(u), "only http and https URLs");

export const HTTP_REQUEST: ToolManifest<
  { method: string; url: string; headers?: Record<string, string>; body?: string }
> = {
  name: "http_request",
  description: "Send one HTTP request and return the status, headers and body (redirects are followed hop by hop).",
  schema: z.strictObject({
    method: z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]),
    url,
    headers: z.record(z.string(), z.string()).optional(),
    body: z.string().optional(),
  }),
  program: "http_request.ts",
  access: "either",
  network: true,
  readOnly: (a) => a.method === "GET" || a.method === "HEAD" || a.method === "OPTIONS",
  needs: (a) => ({ read: [], write: [], net: [hostPort(a.url)] }),
  facts: (a) => ({ method: a.method }),
  request: (a) => a,
  permissionsDoc: "net to the URL's host:port (every redirect hop must be granted too)",
};

export const WEB_FETCH: ToolManifest<{ url: string }> = {
  name: "web_fetch",
  description: "Fetch a web page and return it as readable Markdown.",
  schema: z.strictObject({ url }),
  program: "web_fetch.ts",
  access: "read",
  network: true,
  needs: (a) => ({ read: [], write: [], net: [hostPort(a.url)] }),
  facts: () => ({ method: "GET" }),
  request: (a) => a,
  present: async (result) => {
    const r = result as { status: number; url: string; contentType: string; body: string };
    if (!/html/i.test(r.contentType)) return { status: r.status, url: r.url, content: r.body };
    const page = await htmlToMarkdown(r.body);
    return { status: r.status, url: r.url, title: page.title, content: page.markdown };
  },
  permissionsDoc: "net to the URL's host:port; the page is converted to Markdown by PAI, not by the tool",
};

/**
 * The network tools: http_request and web_fetch. Each call needs net to exactly one host:port. Their arguments'
 * schemas are in `tool_schemas.ts`.
 */
import { hostPort } from "../core/host_port.ts";
import type { ArgIssue } from "./args_check.ts";
import { htmlToMarkdown } from "./html_to_markdown.ts";
import type { ToolManifest } from "./manifest.ts";

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type HttpRequestArgs = {
  method: typeof HTTP_METHODS[number];
  url: string;
  headers?: Record<string, string>;
  body?: string;
};
export type WebFetchArgs = { url: string };

/** A URL the schema let through (it parses) must also be http or https. */
function httpUrl(a: { url: string }): ArgIssue[] {
  return /^https?:\/\//i.test(a.url) ? [] : [{ path: "url", message: "only http and https URLs" }];
}

export const HTTP_REQUEST: ToolManifest<HttpRequestArgs> = {
  name: "http_request",
  description: "Send one HTTP request and return the status, headers and body (redirects are followed hop by hop).",
  check: httpUrl,
  program: "http_request.ts",
  access: "either",
  network: true,
  readOnly: (a) => a.method === "GET" || a.method === "HEAD" || a.method === "OPTIONS",
  needs: (a) => ({ read: [], write: [], net: [hostPort(a.url)] }),
  urls: (a) => [a.url],
  facts: (a) => ({ method: a.method }),
  request: (a) => a,
  permissionsDoc: "net to the URL's host:port (every redirect hop must be granted too)",
};

export const WEB_FETCH: ToolManifest<WebFetchArgs> = {
  name: "web_fetch",
  description: "Fetch a web page and return it as readable Markdown.",
  check: httpUrl,
  program: "web_fetch.ts",
  access: "read",
  network: true,
  needs: (a) => ({ read: [], write: [], net: [hostPort(a.url)] }),
  urls: (a) => [a.url],
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

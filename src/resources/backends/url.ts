/**
 * A web API: http_request under its base URL, granted net to its host only. Its token, when it has one, is read
 * from the variable the resource names at call time and sent as a bearer; the model never sees it.
 */
import { hostPort } from "../../core/host_port.ts";
import { definitionError, type Expansion, type KindContext, type ResourceBackend, sandboxed } from "../backend.ts";

/** A URL under a url resource's base: a relative path that cannot climb out of it. */
export function urlInside(base: string, path?: string): string | undefined {
  if (!path) return base;
  if (/^[a-z]+:|^\/\//i.test(path) || path.split(/[/?#]/)[0].split("/").includes("..")) return undefined;
  const folder = base.endsWith("/") ? base : `${base}/`;
  const url = new URL(path.replace(/^\//, ""), folder);
  return url.href.startsWith(folder) ? url.href : undefined;
}

/** One request on a url resource: its method, the path under its base, and a body for a change. */
interface UrlRequest {
  method: string;
  path?: string;
  body?: string;
}

/** An http_request on the resource (with its token as a bearer), net to its host only. */
function urlCall({ resource: r, host }: KindContext, { method, path, body }: UrlRequest): Expansion {
  const url = urlInside(r.uri!, path);
  if (!url) return { refuse: `path "${path}" must stay under ${r.uri}` };
  const headers: Record<string, string> = body === undefined ? {} : { "content-type": "application/json" };
  if (r.env) {
    const token = host.secret(r.env);
    if (!token) return { refuse: `The credential variable ${r.env} of "${r.name}" is not set` };
    headers.authorization = `Bearer ${token}`;
  }
  return sandboxed("http_request", { method, url, headers, ...(body === undefined ? {} : { body }) }, {
    net: [hostPort(url)],
  });
}

/** An http(s) URL without a password in it (PAI never stores credentials: a token lives in a variable). */
function checkUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw definitionError(`--uri "${raw}" is not a URL`, "Example: --uri https://api.example.com/v1");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw definitionError(`--uri "${raw}": only http and https URLs`);
  }
  if (url.password) {
    throw definitionError(
      `--uri "${raw}" holds a password: PAI never stores credentials`,
      "Name the variable that holds it with --env VAR",
    );
  }
  return url.href;
}

export const URL_API: ResourceBackend = {
  define(input) {
    if (!input.uri) throw definitionError("A url resource needs --uri URL");
    return { uri: checkUrl(input.uri), ...(input.env ? { env: input.env } : {}) };
  },
  read: (ctx, args) => urlCall(ctx, { method: "GET", path: args.path }),
  update: (ctx, args) => urlCall(ctx, { method: args.method ?? "POST", path: args.path, body: args.content ?? "" }),
  delete: (ctx, args) => urlCall(ctx, { method: "DELETE", path: args.path }),
};

/**
 * A session's endpoint: where its data goes, the base URL and whether it is
 * local or remote. It is fixed when the session starts, so that a later shell
 * with another `OPENAI_BASE_URL` (or none) or another `localHosts` cannot send
 * the session's prompts somewhere else.
 *
 * @example
 * ```ts
 * sameEndpoint(
 *   { baseUrl: "http://127.0.0.1:8080/v1", locality: "local" },
 *   { baseUrl: "HTTP://127.0.0.1:8080/v1/", locality: "local" },
 * ); // true
 * ```
 */
import type { ResolvedProvider } from "./registry.ts";

/** Where a session's data goes. */
export interface Endpoint {
  /** As {@linkcode endpointUrl} writes it: no credentials. */
  baseUrl: string;
  locality: "local" | "remote";
}

/**
 * The base URL as PAI stores, shows and compares it: scheme and host in lower
 * case, no default port, no trailing slash; and without `user:password@`, the
 * query or the fragment, which may hold secrets and do not change which host
 * and path receive the data.
 */
export function endpointUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = "";
  parsed.password = "";
  parsed.search = "";
  parsed.hash = "";
  return parsed.href.replace(/\/+$/, "");
}

/** The endpoint a resolved provider sends to. */
export function endpointOf(resolved: ResolvedProvider): Endpoint {
  return { baseUrl: endpointUrl(resolved.baseUrl), locality: resolved.locality };
}

/** Whether two base URLs name the same place; a URL that does not parse matches nothing (fail closed). */
export function sameBaseUrl(a: string, b: string): boolean {
  try {
    return endpointUrl(a) === endpointUrl(b);
  } catch {
    return false;
  }
}

/** Whether two endpoints are the same place with the same locality. */
export function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.locality === b.locality && sameBaseUrl(a.baseUrl, b.baseUrl);
}

/** `"http://127.0.0.1:8080/v1" (local)`, for messages. */
export function describeEndpoint(endpoint: Endpoint): string {
  return `"${endpoint.baseUrl}" (${endpoint.locality})`;
}

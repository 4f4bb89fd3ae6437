/**
 * Which proxy Deno's `fetch` would send a request through, read from the environment as Deno reads it
 * (`HTTP_PROXY` for http, `HTTPS_PROXY` for https, `ALL_PROXY` for both, lower-case too, `NO_PROXY` exempting hosts).
 * A proxy sees every prompt and the API key: where data goes includes it.
 */

/** The proxy URL Deno would use for `url`, or `undefined` for a direct connection. */
export function proxyFor(url: string, env: (name: string) => string | undefined): string | undefined {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return undefined;
  }
  const read = (name: string) => env(name) || env(name.toLowerCase()) || undefined;
  const proxy = (target.protocol === "https:" ? read("HTTPS_PROXY") : read("HTTP_PROXY")) ?? read("ALL_PROXY");
  if (!proxy) return undefined;
  return exempt(target, read("NO_PROXY") ?? "") ? undefined : proxy;
}

/** Whether `NO_PROXY` exempts the host: `*`, the host itself, or a domain it is under (`example.com`, `.example.com`). */
function exempt(target: URL, noProxy: string): boolean {
  const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return noProxy.split(",").map((e) => e.trim().toLowerCase().replace(/:\d+$/, "")).filter(Boolean).some((entry) => {
    if (entry === "*") return true;
    const domain = entry.replace(/^\*?\./, "");
    return host === domain || host.endsWith(`.${domain}`);
  });
}

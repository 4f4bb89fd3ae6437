/** `host:port` of a URL: what a grant names when a call reaches one host. */

/** `host:port` of a URL, with the scheme's default port made explicit (as Deno's net grants take it). */
export function hostPort(raw: string): string {
  const u = new URL(raw);
  const port = u.port || (u.protocol === "https:" ? "443" : "80");
  return `${u.hostname}:${port}`;
}

/** Path and host patterns as policies write them. */

/** Makes a path pattern absolute: `~` is the home folder, a relative one is relative to `base`. */
export function absolutePattern(pattern: string, base: string, home: string): string {
  if (pattern === "~" || pattern.startsWith("~/")) return home + pattern.slice(1);
  return pattern.startsWith("/") ? pattern : `${base.replace(/\/$/, "")}/${pattern}`;
}

/** Whether an absolute path matches a glob: `*` within a segment, `**` across segments, `?` one character. */
export function matchesPath(path: string, glob: string): boolean {
  return new RegExp(globSource(glob)).test(path);
}

/** The regular expression (source, anchored) that an absolute path glob stands for. */
export function globSource(glob: string): string {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (glob.startsWith("/**/", i)) (source += "/(?:.*/)?", i += 3);
    else if (glob.startsWith("/**", i) && i + 3 === glob.length) (source += "(?:/.*)?", i += 2); // dir/** covers dir
    else if (glob.startsWith("**/", i) && i === 0) (source += "(?:.*/)?", i += 2);
    else if (glob.startsWith("**", i)) (source += ".*", i += 1);
    else if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else source += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return `^${source}$`;
}

/** Whether `host:port` matches a host pattern: `host`, `host:port`, or `*.domain` (any port unless given). */
export function matchesHost(hostPort: string, pattern: string): boolean {
  const [host, port] = [hostPort.replace(/:\d+$/, ""), hostPort.match(/:(\d+)$/)?.[1]];
  const [pHost, pPort] = [pattern.replace(/:\d+$/, ""), pattern.match(/:(\d+)$/)?.[1]];
  if (pPort && pPort !== port) return false;
  if (pHost === "*") return true;
  if (pHost.startsWith("*.")) return host.endsWith(pHost.slice(1));
  return host.toLowerCase() === pHost.toLowerCase();
}

/**
 * The tools' protocol: read one JSON request on stdin, write one JSON result
 * on stdout — `{ ok: true, result }` or `{ ok: false, error: { type, message } }`.
 * Errors are data, typed so the model can tell whether to retry. Tools get no
 * ambient authority: every path they receive was resolved and granted by PAI.
 */

/** A tool's own failure, with the type the model sees. */
export class ToolError extends Error {
  constructor(readonly type: string, message: string) {
    super(message);
  }
}

function classify(error: unknown): { type: string; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ToolError) return { type: error.type, message };
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    return { type: "permission_denied", message };
  }
  if (error instanceof Deno.errors.NotFound) return { type: "not_found", message };
  if (error instanceof TypeError && /fetch|request|connect|dns/i.test(message)) {
    return { type: "network_error", message };
  }
  if (error instanceof SyntaxError) return { type: "invalid_input", message };
  return { type: "io_error", message };
}

/** Runs `handler` on the request from stdin and prints its result. */
export async function serve<Request>(handler: (request: Request) => unknown | Promise<unknown>): Promise<void> {
  let out: unknown;
  try {
    const request = JSON.parse(await new Response(Deno.stdin.readable).text()) as Request;
    out = { ok: true, result: await handler(request) };
  } catch (error) {
    out = { ok: false, error: classify(error) };
  }
  const bytes = new TextEncoder().encode(JSON.stringify(out));
  for (let done = 0; done < bytes.length;) done += await Deno.stdout.write(bytes.subarray(done));
}

/** Converts a simple glob (`*`, `**`, `?`) to a RegExp over "/"-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      source += glob[i + 2] === "/" ? "(?:.*/)?" : ".*";
      i += glob[i + 2] === "/" ? 2 : 1;
    } else if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else source += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  // A glob without "/" matches the file name anywhere, as users expect ("*.md").
  return new RegExp(glob.includes("/") ? `^${source}$` : `(^|/)${source}$`);
}

/** `.env`, `.env.local`…: secrets by convention, never listed or read by a folder tool. */
const ENV_FILE = /^\.env(\..*)?$/;

/**
 * Walks a folder without ever following a symlink: Deno checks a link's
 * permission at its location, not its target, so following one could leave
 * the granted folder (DENO_SANDBOX.md, fact 1). Links are reported, not entered.
 * `.env` files are skipped: PAI never lets a tool touch them, even inside a granted folder.
 */
export async function* walk(
  root: string,
  recursive: boolean,
  prefix = "",
): AsyncIterable<{ path: string; type: "file" | "dir" | "symlink"; full: string }> {
  const entries = [];
  for await (const entry of Deno.readDir(root)) entries.push(entry);
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (ENV_FILE.test(entry.name)) continue;
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    const full = `${root}/${entry.name}`;
    if (entry.isSymlink) yield { path, type: "symlink", full };
    else if (entry.isDirectory) {
      yield { path, type: "dir", full };
      if (recursive) yield* walk(full, recursive, path);
    } else yield { path, type: "file", full };
  }
}

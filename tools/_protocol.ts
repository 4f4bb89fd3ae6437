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
    // Deno checks --deny-net after DNS and reports it as the cause of a bare "fetch failed": say what it was.
    const cause = error.cause instanceof Error ? error.cause.message : "";
    const denied = cause.match(/Requires net access to "[^"]+"/)?.[0];
    if (denied) {
      return {
        type: "permission_denied",
        message: `${denied}: the name resolved to an address the grant does not cover`,
      };
    }
    return { type: "network_error", message: cause ? `${message}: ${cause}` : message };
  }
  if (error instanceof SyntaxError) return { type: "invalid_input", message };
  return { type: "io_error", message };
}

/**
 * Runs `handler` on the request from stdin (one line of JSON) and prints its result. PAI keeps the tool's stdin open
 * until the tool has answered: its end before that means PAI is gone (killed, crashed), and the tool ends too, since
 * its time limit was PAI's to enforce. A request without a line end, on a stdin closed after it, is read to its end.
 */
export async function serve<Request>(handler: (request: Request) => unknown | Promise<unknown>): Promise<void> {
  let out: unknown;
  try {
    // `Deno.stdin.read`, not `new Response(Deno.stdin.readable)`: setting up the streams and the fetch API's body
    // handling costs ~10 ms, a third of a tool's whole run (bench/README.md, "Turn pipeline").
    const { line, open } = await readLine(Deno.stdin);
    const request = JSON.parse(new TextDecoder().decode(line)) as Request;
    if (open) void endWithStdin();
    out = { ok: true, result: await handler(request) };
  } catch (error) {
    out = { ok: false, error: classify(error) };
  }
  const bytes = new TextEncoder().encode(JSON.stringify(out));
  for (let done = 0; done < bytes.length;) done += await Deno.stdout.write(bytes.subarray(done));
  // The watch on stdin would keep the process waiting for PAI to close it.
  Deno.exit(0);
}

/** Ends the tool when its stdin ends: PAI, which holds the other end, is gone. */
async function endWithStdin(): Promise<void> {
  const sink = new Uint8Array(1024);
  while (await Deno.stdin.read(sink) !== null) { /* PAI sends nothing after the request */ }
  Deno.exit(1);
}

/** The bytes before the first line end, and whether the stream is still open after it. */
async function readLine(file: Pick<Deno.FsFile, "read">): Promise<{ line: Uint8Array; open: boolean }> {
  const chunks: Uint8Array[] = [];
  for (;;) {
    const chunk = new Uint8Array(64 * 1024);
    const n = await file.read(chunk);
    if (n === null) return { line: concat(chunks), open: false };
    const end = chunk.subarray(0, n).indexOf(10);
    if (end >= 0) return { line: concat([...chunks, chunk.subarray(0, end)]), open: true };
    chunks.push(chunk.subarray(0, n));
  }
}

/**
 * What PAI found at each path when it decided, `dev:ino` or `absent`, sent with every request. A path is only a
 * string: between PAI's last check and the moment the tool opens it, a folder on the way could become a symlink
 * (DENO_SANDBOX.md, fact 12), and Deno checks the string. So a tool checks the file it actually opened.
 */
export type Pinned = Record<string, string>;

/**
 * Opens `path`, and checks the opened file is the one PAI decided on; a new file is never created through a link.
 * Deno wants read access to look at an open file (`stat`), so a write-only grant (fs_write over an existing file)
 * cannot be checked here: for it, PAI's own check right before the spawn is the last one (SECURITY.md says so).
 */
export async function openPinned(
  path: string,
  pinned: Pinned | undefined,
  options: Deno.OpenOptions,
): Promise<Deno.FsFile> {
  const expected = pinned?.[path];
  // O_CREAT|O_EXCL: fails if anything, a symlink included, appeared at the path since PAI decided.
  if (expected === "absent" && options.write) {
    return await Deno.open(path, { ...options, create: false, createNew: true });
  }
  const file = await Deno.open(path, { ...options, create: false, createNew: false });
  if (expected === undefined || !options.read) return file;
  let info: Deno.FileInfo;
  try {
    // Also refused by Deno itself when the open went through a link to a path outside the read grant.
    info = await file.stat();
  } catch (error) {
    file.close();
    throw error;
  }
  if (`${info.dev}:${info.ino}` !== expected) {
    file.close();
    throw new ToolError("permission_denied", `"${path}" was replaced after PAI checked it: refusing to use it`);
  }
  return file;
}

/** Checks that `path` is still what PAI decided on (for what is used by path, not through an open file). */
export async function checkPinned(path: string, pinned: Pinned | undefined): Promise<Deno.FileInfo> {
  const info = await Deno.lstat(path);
  const expected = pinned?.[path];
  if (info.isSymlink || (expected !== undefined && `${info.dev}:${info.ino}` !== expected)) {
    throw new ToolError("permission_denied", `"${path}" was replaced after PAI checked it: refusing to use it`);
  }
  return info;
}

/** The whole content of an open file. */
export async function readAll(file: Pick<Deno.FsFile, "read">): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for (;;) {
    const chunk = new Uint8Array(64 * 1024);
    const n = await file.read(chunk);
    if (n === null) return concat(chunks);
    chunks.push(chunk.subarray(0, n));
  }
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((size, c) => size + c.length, 0));
  let at = 0;
  for (const c of chunks) at += (out.set(c, at), c.length);
  return out;
}

/** Replaces the whole content of an open file. */
export async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  await file.truncate(0);
  await file.seek(0, Deno.SeekMode.Start);
  for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
}

/** What PAI tells a folder tool to leave unopened: second names of protected files, and labelled paths. */
export interface FolderLimits {
  /** Identities (`dev:ino`) of protected files with other names; `all`: every file with other names. */
  forbidden?: string[] | "all";
  /** Anchored patterns of the paths the provider may not receive (their labels are above its ceiling). */
  withheld?: string[];
}

/**
 * Opens a file found inside a granted folder, only if it is what its entry said: a regular file, not a path the
 * provider may not receive (`withheld`), not a hard link to a protected file (`forbidden`), and not swapped for a
 * symlink between listing and opening (the opened file must be the one `lstat` saw). `undefined`: skip it.
 */
export async function openInFolder(path: string, limits: FolderLimits): Promise<Deno.FsFile | undefined> {
  const { forbidden, withheld = [] } = limits;
  if (withheld.some((pattern) => new RegExp(pattern).test(path))) return undefined;
  const seen = await Deno.lstat(path);
  if (!seen.isFile) return undefined;
  const id = `${seen.dev}:${seen.ino}`;
  if ((seen.nlink ?? 1) > 1 && (forbidden === "all" || forbidden?.includes(id))) return undefined;
  const file = await Deno.open(path, { read: true });
  const opened = await file.stat();
  if (`${opened.dev}:${opened.ino}` !== id) {
    file.close();
    return undefined;
  }
  return file;
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
const ENV_FILE = /^\.env(\..*)?$/i;

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

/** Writing PAI's files: atomically (write, fsync, rename), mode 0600, never over an existing file unless asked. */
import { EXIT, PaiError } from "../core/errors.ts";

/** Options for {@linkcode writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** Refuse when the file exists (default). */
  createNew?: boolean;
  /**
   * The temporary file to write first (default: a new unique name beside `path`). Only for a caller that holds a
   * lock that every writer of `path` takes: a fixed name means a crash leaves no stray file behind, only this one,
   * which the next write removes.
   */
  tempPath?: string;
  /** The file's permission bits (default 0600: PAI's own files). */
  mode?: number;
}

/** Writes `content` to `path` so that a crash leaves either the old file or the new one, never half of it. */
export function writeFileAtomic(path: string, content: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  if ((options.createNew ?? true) && exists(path)) {
    throw new PaiError(`"${path}" already exists; PAI never overwrites it`, {
      exitCode: EXIT.CONFIG,
      hint: "Edit it, or move it aside first",
    });
  }
  const dir = path.slice(0, path.lastIndexOf("/")) || "/";
  Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = options.tempPath ?? `${path}.${crypto.randomUUID()}.tmp`;
  if (options.tempPath) removeIfPresent(temp);
  const file = Deno.openSync(temp, { write: true, createNew: true, mode: 0o600 });
  try {
    const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
    for (let done = 0; done < bytes.length;) done += file.writeSync(bytes.subarray(done));
    file.syncSync();
  } finally {
    file.close();
  }
  // Exactly these bits, whatever the umask made of the mode the file was created with.
  if (options.mode !== undefined) Deno.chmodSync(temp, options.mode);
  Deno.renameSync(temp, path);
}

function removeIfPresent(path: string): void {
  try {
    Deno.removeSync(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Which file a path is, by device and inode, checked before deciding and again right before the tool runs.
 * A path is a string: a folder swapped for a symlink, or another file renamed into place, after PAI decided
 * (or while the user was answering) keeps the string and changes the file (DENO_SANDBOX.md, fact 12). A hard
 * link is a second name for one file, which every path check passes: it is compared by identity with the
 * files of the protected folders instead.
 */
import { isHostInternal } from "../core/paths.ts";
import type { HardLink } from "../policy/decide.ts";

/** `dev:ino` of what `path` is now (symlinks followed), `absent`, or `unknown` (cannot be looked at). */
async function identityOf(path: string): Promise<string> {
  if (isHostInternal(path)) return "unknown";
  try {
    const info = await Deno.stat(path);
    return `${info.dev}:${info.ino}`;
  } catch (error) {
    return error instanceof Deno.errors.NotFound ? "absent" : "unknown";
  }
}

/** Each path → its identity now. Two fingerprints that differ mean the paths no longer name the same files. */
export async function fingerprint(paths: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const path of paths) out.set(path, await identityOf(path));
  return out;
}

/** The first path whose file changed between two fingerprints, if any. */
export function changedPath(before: Map<string, string>, after: Map<string, string>): string | undefined {
  for (const [path, id] of before) if (after.get(path) !== id) return path;
  for (const path of after.keys()) if (!before.has(path)) return path;
  return undefined;
}

/** How many entries of the protected folders PAI walks at most to know their files. */
const MAX_ENTRIES = 20_000;

/**
 * The files of the protected folders that have other names (nlink > 1), by identity: walked once per run,
 * and only when a call reaches a file that has other names (most runs never do).
 */
export class HardLinkIndex {
  #folders: readonly string[];
  #index?: Promise<Map<string, string> | "incomplete">;

  constructor(protectedFolders: readonly string[]) {
    this.#folders = protectedFolders;
  }

  /** The files among `paths` with other names, each with the protected file it is, if it is one. */
  async check(paths: readonly string[]): Promise<HardLink[]> {
    const out: HardLink[] = [];
    for (const path of paths) {
      let info: Deno.FileInfo;
      try {
        if (isHostInternal(path)) continue;
        info = await Deno.stat(path);
      } catch {
        continue; // absent or not to be looked at: nothing to compare
      }
      if (!info.isFile || (info.nlink ?? 1) < 2) continue;
      const index = await (this.#index ??= this.#walk());
      out.push({ path, sameAs: index === "incomplete" ? "unknown" : index.get(`${info.dev}:${info.ino}`) });
    }
    return out;
  }

  /**
   * For the folder tools, which open files PAI never sees: the identities (`dev:ino`) of the protected files
   * that have other names, to skip; `all` when the protected folders were too large to walk (skip every file
   * with other names).
   */
  async forbidden(): Promise<string[] | "all"> {
    const index = await (this.#index ??= this.#walk());
    return index === "incomplete" ? "all" : [...index.keys()];
  }

  async #walk(): Promise<Map<string, string> | "incomplete"> {
    const found = new Map<string, string>();
    let seen = 0;
    const visit = async (path: string): Promise<boolean> => {
      if (++seen > MAX_ENTRIES) return false;
      let info: Deno.FileInfo;
      try {
        info = await Deno.lstat(path);
      } catch {
        return true; // absent or unreadable: nothing there to protect from a link
      }
      if (info.isFile && (info.nlink ?? 1) > 1) found.set(`${info.dev}:${info.ino}`, path);
      if (!info.isDirectory) return true;
      try {
        for await (const entry of Deno.readDir(path)) if (!await visit(`${path}/${entry.name}`)) return false;
      } catch { /* unreadable folder: no tool can read it either */ }
      return true;
    };
    for (const folder of this.#folders) if (!await visit(folder)) return "incomplete";
    return found;
  }
}

/**
 * The folders no tool may touch whatever is granted: secrets, PAI's own config and state, and the code PAI runs:
 * its own program (the folder of its main module, its tool programs, its config and lock), its SDK bundles and
 * Deno's module cache. A tool that could write any of those could change PAI itself, sandbox included.
 */
import type { PaiPaths } from "../core/paths.ts";

const SECRET_FOLDERS = [".ssh", ".aws", ".gnupg", ".config/gcloud", ".kube", ".docker", ".netrc"];

/** The folders whose files hold secrets (a hard link to one of their files is that secret). */
export function secretFolders(home: string, pai: PaiPaths): string[] {
  return [...SECRET_FOLDERS.map((f) => `${home}/${f}`), pai.configDir, pai.dataDir];
}

/** Real paths of the protected folders (`realPath` resolves those that exist). */
export async function protectedPaths(
  home: string,
  pai: PaiPaths,
  /** Deno's module cache, and PAI's own program (folders and files). */
  options: { denoDir: string; program: readonly string[] },
): Promise<string[]> {
  const candidates = [...secretFolders(home, pai), pai.cacheDir, options.denoDir, ...options.program];
  const out = new Set<string>();
  for (const path of candidates) {
    out.add(path);
    try {
      out.add(await Deno.realPath(path)); // a symlinked ~/.ssh is protected where it really is too
    } catch { /* does not exist: the lexical path is enough */ }
  }
  return [...out];
}

/** The folders that hold a project's PAI policy (`.pai`) and git's own files (`.git`), by where they really are. */
export interface NamedFolders {
  pai: string[];
  git: string[];
}

/**
 * `.pai` and `.git` folders at and above the workspace that a name on the path would not reveal: a `.pai` or `.git`
 * that is a symlink, and the folder a `.git` file names (`gitdir: …`, as worktrees and `--separate-git-dir` use).
 * Writes into them are judged like writes under `.pai` and `.git`.
 */
export async function namedFolders(workspace: string): Promise<NamedFolders> {
  const out: NamedFolders = { pai: [], git: [] };
  for (let dir = workspace;; dir = dir.slice(0, dir.lastIndexOf("/")) || "/") {
    for (const name of [".pai", ".git"] as const) {
      const path = `${dir === "/" ? "" : dir}/${name}`;
      const target = await namedTarget(path);
      if (target) out[name === ".pai" ? "pai" : "git"].push(target);
    }
    if (dir === "/") return out;
  }
}

/** Where `path` (a `.pai` or `.git`) really leads, when that is not itself. */
async function namedTarget(path: string): Promise<string | undefined> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch {
    return undefined;
  }
  if (info.isSymlink) return await Deno.realPath(path).catch(() => undefined);
  if (!info.isFile || !path.endsWith("/.git")) return undefined;
  const gitdir = (await Deno.readTextFile(path).catch(() => "")).match(/^gitdir:\s*(.+?)\s*$/m)?.[1];
  if (!gitdir) return undefined;
  const absolute = gitdir.startsWith("/") ? gitdir : `${path.slice(0, path.lastIndexOf("/"))}/${gitdir}`;
  return await Deno.realPath(absolute).catch(() => absolute);
}

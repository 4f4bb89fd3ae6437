/**
 * The folders no tool may touch whatever is granted: secrets, PAI's own config and state, and the code PAI runs:
 * its own program (the folder of its main module, its tool programs, its config and lock), its SDK bundles and
 * Deno's module cache. A tool that could write any of those could change PAI itself, sandbox included.
 */
import type { PaiPaths } from "../core/paths.ts";
import { isEnvFile } from "./decide.ts";

const SECRET_FOLDERS = [".ssh", ".aws", ".gnupg", ".config/gcloud", ".kube", ".docker", ".netrc"];

/** The folders whose files hold secrets (a hard link to one of their files is that secret). */
export function secretFolders(home: string, pai: PaiPaths): string[] {
  return [...SECRET_FOLDERS.map((f) => `${home}/${f}`), pai.configDir, pai.dataDir];
}

/**
 * Why no path of `paths` (a path given and where it leads) may be read or written for a model whatever is granted or
 * labelled: a `.env` file, or a file in (or of) the secrets folders and PAI's own state; undefined when none is so.
 */
export function untouchable(
  paths: readonly string[],
  home: string,
  pai: PaiPaths,
): { kind: "env" } | { kind: "secret"; folder: string } | undefined {
  if (paths.some(isEnvFile)) return { kind: "env" };
  for (const folder of secretFolders(home, pai)) {
    // `.netrc` is a file of its own: the path itself counts, not only what is under it.
    if (paths.some((p) => p === folder || p.startsWith(`${folder}/`))) return { kind: "secret", folder };
  }
  return undefined;
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

/**
 * Where `.pai` folders at and above the workspace really are when they are symlinks (a cloned repository may ship
 * `.pai` as one): writes there are judged like writes under `.pai`.
 */
export async function policyFolders(workspace: string): Promise<string[]> {
  const out: string[] = [];
  for (let dir = workspace;; dir = dir.slice(0, dir.lastIndexOf("/")) || "/") {
    const path = `${dir === "/" ? "" : dir}/.pai`;
    const info = await Deno.lstat(path).catch(() => undefined);
    if (info?.isSymlink) {
      const target = await Deno.realPath(path).catch(() => undefined);
      if (target) out.push(target);
    }
    if (dir === "/") return out;
  }
}

/**
 * Which git repositories a call's writes land in, found the way git finds them: a folder is a repository when it
 * holds `HEAD`, `objects/` and `refs/` (git's `is_git_directory`), whatever its name. So a `.git` reached through a
 * symlink or a `gitdir:` file, a bare repository, and one the model is building file by file (the write that would
 * complete it counts) are all found, not only folders named `.git`.
 */

/** The repository folders (real paths) that these writes (final real paths) land in or would complete. */
export async function gitDirectoriesReached(targets: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const target of targets) {
    for (let dir = parentOf(target); dir !== undefined; dir = parentOf(dir)) {
      if (await isRepository(dir, target)) {
        found.add(dir);
        break;
      }
    }
  }
  return [...found];
}

/** Whether `dir` is a git repository folder once `target` is written. */
async function isRepository(dir: string, target: string): Promise<boolean> {
  const below = target.slice(dir === "/" ? 1 : dir.length + 1);
  const has = async (name: string, kind: "file" | "dir") =>
    (kind === "file" ? below === name : below.startsWith(`${name}/`)) ||
    await Deno.stat(`${dir === "/" ? "" : dir}/${name}`).then(
      (info) => kind === "file" ? info.isFile : info.isDirectory,
      () => false,
    );
  // HEAD first: most folders have none, so one look per level is the usual cost.
  return await has("HEAD", "file") && await has("objects", "dir") && await has("refs", "dir");
}

function parentOf(path: string): string | undefined {
  if (path === "/") return undefined;
  return path.slice(0, path.lastIndexOf("/")) || "/";
}

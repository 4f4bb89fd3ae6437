/**
 * The folders no tool may touch whatever is granted: secrets, PAI's own config and state, and the code PAI runs
 * from caches (its SDK bundles, Deno's module cache): a tool that could write there could change PAI itself.
 */
import type { PaiPaths } from "../core/paths.ts";

const SECRET_FOLDERS = [".ssh", ".aws", ".gnupg", ".config/gcloud", ".kube", ".docker", ".netrc"];

/** Real paths of the protected folders (`realPath` resolves those that exist). */
export async function protectedPaths(home: string, pai: PaiPaths, denoDir: string): Promise<string[]> {
  const candidates = [
    ...SECRET_FOLDERS.map((f) => `${home}/${f}`),
    pai.configDir,
    pai.dataDir,
    pai.cacheDir,
    denoDir,
  ];
  const out = new Set<string>();
  for (const path of candidates) {
    out.add(path);
    try {
      out.add(await Deno.realPath(path)); // a symlinked ~/.ssh is protected where it really is too
    } catch { /* does not exist: the lexical path is enough */ }
  }
  return [...out];
}

/**
 * Resolves every path a call names to its real path before anything is
 * granted. Deno checks a symlink's permission where the link is, not where it
 * points (DENO_SANDBOX.md, fact 1), so a grant must name the target. A path
 * that does not exist yet is resolved through its nearest existing ancestor.
 * Resolution walks segment by segment, so `..` after a symlink goes where the
 * filesystem says, not where the text suggests.
 */
import { absolute, isHostInternal } from "../core/paths.ts";
import type { Needs } from "./manifest.ts";

/** The needs of a call with real paths: what to grant, and what to send the tool. */
export interface ResolvedNeeds {
  /** Real paths to grant read on. */
  read: string[];
  /** Real paths to grant write on (for a new file in new folders: its top-most new folder). */
  write: string[];
  /** The final real path of each write: what is actually written, whatever folder the grant names. */
  writeTargets: string[];
  net: string[];
  /** Each raw path → its real path (what the tool is given). */
  real: Map<string, string>;
}

/** The real path of `path` and, when it does not exist, the first missing folder on the way to it. */
export async function realPathOf(path: string): Promise<{ real: string; firstMissing?: string }> {
  if (isHostInternal(path)) return { real: path };
  const segments = path.split("/").filter((s) => s !== "" && s !== ".");
  let current = "/";
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (segment === "..") {
      current = await Deno.realPath(`${current}/..`);
      continue;
    }
    const candidate = current === "/" ? `/${segment}` : `${current}/${segment}`;
    try {
      current = await Deno.realPath(candidate);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      // The rest does not exist: no symlink can hide in it, so it is resolved as text.
      const rest: string[] = [];
      for (const s of segments.slice(i)) s === ".." ? rest.pop() : rest.push(s);
      const firstMissing = rest.length ? `${current === "/" ? "" : current}/${rest[0]}` : undefined;
      return { real: `${current === "/" ? "" : current}/${rest.join("/")}`.replace(/\/$/, "") || "/", firstMissing };
    }
  }
  return { real: current };
}

/** Resolves a call's needs (paths relative to `workspace`). */
export async function resolveNeeds(needs: Needs, workspace: string): Promise<ResolvedNeeds> {
  const real = new Map<string, string>();
  const resolve = async (raw: string) => {
    const found = await realPathOf(absolute(raw, workspace));
    real.set(raw, found.real);
    return found;
  };
  const read: string[] = [];
  for (const raw of needs.read) read.push((await resolve(raw)).real);
  const write: string[] = [];
  const writeTargets: string[] = [];
  for (const raw of needs.write) {
    const found = await resolve(raw);
    writeTargets.push(found.real);
    // A new file in a new folder: the top-most new folder covers everything the tool must create.
    write.push(found.firstMissing && found.firstMissing !== found.real ? found.firstMissing : found.real);
  }
  return { read: unique(read), write: unique(write), writeTargets: unique(writeTargets), net: unique(needs.net), real };
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

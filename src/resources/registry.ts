/**
 * The user's named data: `resources.json` beside the policy, validated,
 * written atomically, never overwritten when it fails to parse. A note's text
 * lives in PAI's database; credentials never live anywhere but in the
 * environment (a resource names the variable).
 */
import type { Label, Resource } from "../core/types.ts";
import { writeFileAtomic } from "../store/atomic_file.ts";
import { readJsonFile } from "../store/json_file.ts";
import { lazyImport } from "../core/lazy_import.ts";

export { type Resource, RESOURCE_KINDS, type ResourceKind } from "../core/types.ts";

/** The registry file in `configDir`. */
export function resourcesPath(configDir: string): string {
  return `${configDir}/resources.json`;
}

/** The registered resources (none when the file does not exist). */
export async function loadResources(configDir: string): Promise<Resource[]> {
  const path = resourcesPath(configDir);
  try {
    Deno.statSync(path);
  } catch {
    return [];
  }
  const { RESOURCES_SCHEMA } = await lazyImport<typeof import("./resources_schema.ts")>(
    "./resources_schema.ts",
    import.meta.url,
  );
  return (readJsonFile(path, RESOURCES_SCHEMA, { comments: true })?.resources ?? []) as Resource[];
}

/** Saves the registry atomically (replacing the file, which was read and validated first). */
export function saveResources(configDir: string, resources: readonly Resource[]): void {
  writeFileAtomic(resourcesPath(configDir), `${JSON.stringify({ resources }, null, 2)}\n`, { createNew: false });
}

/** The highest label of the resources that cover a path (file: that path; folder: anything under it). */
export function labelFromResources(resources: readonly Resource[], path: string): Label | undefined {
  const order = ["public", "internal", "private", "secret"];
  let best: Label | undefined;
  for (const r of resources) {
    const pattern = coverPattern(r);
    if (pattern && new RegExp(pattern).test(path) && (!best || order.indexOf(r.label) > order.indexOf(best))) {
      best = r.label;
    }
  }
  return best;
}

/**
 * Whether a url resource covers a URL: same scheme, host and port, and a path at or under the resource's (at a `/`).
 * What a network tool fetches there is that resource's data, whichever tool fetches it.
 */
export function coversUrl(r: Resource, url: string): boolean {
  if (r.kind !== "url" || !r.uri) return false;
  try {
    const base = new URL(r.uri);
    const target = new URL(url);
    if (base.origin !== target.origin) return false;
    const path = base.pathname.replace(/\/+$/, "");
    return target.pathname === path || target.pathname.startsWith(`${path}/`) || path === "";
  } catch {
    return false;
  }
}

/** The paths a resource covers, as an anchored regular expression (source); none for notes, URLs, S3, PostgreSQL. */
export function coverPattern(r: Resource): string | undefined {
  if (!r.uri?.startsWith("/")) return undefined; // only file-system resources cover paths
  const exact = r.uri.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return r.kind === "folder" ? `^${exact}(?:/.*)?$` : `^${exact}$`;
}

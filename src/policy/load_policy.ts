/**
 * Finds and reads the policy files: the user's (`policy.json` in PAI's config
 * folder) and the nearest project one (`.pai/policy.json` in the workspace or
 * an ancestor). Both may use comments (JSONC). A broken file stops PAI with
 * its path, line and column; it is never replaced by defaults.
 */
import { readJsonFile } from "../store/json_file.ts";
import { absolutePattern } from "./glob.ts";
import { applyLayer, DEFAULT_POLICY, type Policy, type PolicyFile } from "./policy.ts";
import { lazyImport } from "../core/lazy_import.ts";

/** Options for {@linkcode loadPolicy}. */
export interface LoadPolicyOptions {
  configDir: string;
  /** The workspace's real path. */
  workspace: string;
  home: string;
  /** Real paths of the project folders the user trusts. */
  trusted: readonly string[];
}

/** The user's policy file path. */
export function userPolicyPath(configDir: string): string {
  return `${configDir}/policy.json`;
}

/** The nearest `.pai/policy.json` at or above the workspace, with its project folder. */
export function findProjectPolicy(workspace: string): { path: string; root: string } | undefined {
  for (let dir = workspace;; dir = dir.slice(0, dir.lastIndexOf("/")) || "/") {
    const path = `${dir === "/" ? "" : dir}/.pai/policy.json`;
    try {
      if (Deno.statSync(path).isFile) return { path, root: dir };
    } catch { /* not here */ }
    if (dir === "/") return undefined;
  }
}

/** Reads one policy file (zod loads only now); `undefined` when it does not exist. */
export async function readPolicyFile(path: string): Promise<PolicyFile | undefined> {
  try {
    Deno.statSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
  }
  const { POLICY_SCHEMA } = await lazyImport<typeof import("./policy_schema.ts")>(
    "./policy_schema.ts",
    import.meta.url,
  );
  return readJsonFile(path, POLICY_SCHEMA, { comments: true }) as PolicyFile | undefined;
}

/** Path patterns made absolute: `~` is home, relative ones are relative to `base`. */
function anchored(file: PolicyFile, base: string, home: string): PolicyFile {
  const fix = (paths?: string[]) => paths?.map((p) => absolutePattern(p, base, home));
  return {
    ...file,
    rules: file.rules?.map((r) => ({ ...r, paths: fix(r.paths) })),
    files: file.files?.map((f) => ({ ...f, paths: fix(f.paths)! })),
  };
}

/** The policy in force in `workspace`. */
export async function loadPolicy(options: LoadPolicyOptions): Promise<Policy> {
  let policy: Policy = structuredClone(DEFAULT_POLICY) as Policy;
  const userPath = userPolicyPath(options.configDir);
  const user = await readPolicyFile(userPath);
  if (user) policy = applyLayer(policy, anchored(user, options.workspace, options.home), userPath, true);
  const project = findProjectPolicy(options.workspace);
  if (project && project.path !== userPath) {
    const file = await readPolicyFile(project.path);
    if (file) {
      const trusted = options.trusted.includes(project.root);
      policy = applyLayer(policy, anchored(file, project.root, options.home), project.path, trusted);
    }
  }
  return policy;
}

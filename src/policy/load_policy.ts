/**
 * Finds and reads the policy files: the user's (`policy.json` in PAI's config
 * folder) and the nearest project one (`.pai/policy.json` in the workspace or
 * an ancestor). Both may use comments (JSONC). A broken file stops PAI with
 * its path, line and column; it is never replaced by defaults.
 */
import { EXIT, PaiError } from "../core/errors.ts";
import { parseJsonText } from "../store/json_file.ts";
import { absolutePattern } from "./glob.ts";
import { applyLayer, DEFAULT_POLICY, type LayerTrust, type Policy, type PolicyFile } from "./policy.ts";
import { lazyImport } from "../core/lazy_import.ts";
import type { TrustedFolder } from "../store/trusted_folders.ts";

/** Options for {@linkcode loadPolicy}. */
export interface LoadPolicyOptions {
  configDir: string;
  /** The workspace's real path. */
  workspace: string;
  home: string;
  /** The project folders the user trusts, each with the content it trusted. */
  trusted: readonly TrustedFolder[];
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

/** One policy file as read: its text (hashed and parsed from the same bytes) and contents. */
export interface PolicyText {
  text: string;
  /** SHA-256 of the file's bytes, in hex: what `pai policy trust` names. */
  hash: string;
  file: PolicyFile;
}

/** Reads one policy file (zod loads only now); `undefined` when it does not exist. */
export async function readPolicyFile(path: string): Promise<PolicyText | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new PaiError(`Cannot read "${path}": ${error instanceof Error ? error.message : error}`, {
      exitCode: EXIT.CONFIG,
    });
  }
  const { POLICY_SCHEMA } = await lazyImport<typeof import("./policy_schema.ts")>(
    "./policy_schema.ts",
    import.meta.url,
  );
  // Hashed and parsed from the same bytes: the content trusted is the content applied.
  const text = new TextDecoder().decode(bytes);
  const file = parseJsonText(path, text, POLICY_SCHEMA, { comments: true }) as PolicyFile;
  return { text, hash: await sha256Hex(bytes), file };
}

/** The SHA-256 of some bytes, in hex (WebCrypto: `node:crypto` costs start-up). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Path patterns made absolute (`~` is home, relative ones are relative to `base`), each also as it really is:
 * PAI decides and labels by real paths, so a rule written through a symlinked folder (`~/work` → `/data/work`,
 * macOS's `/tmp`) must match them too.
 */
async function anchored(file: PolicyFile, base: string, home: string): Promise<PolicyFile> {
  const fix = async (paths?: string[]) => {
    if (!paths) return undefined;
    const out = new Set<string>();
    for (const p of paths) {
      const absolute = absolutePattern(p, base, home);
      out.add(absolute);
      out.add(await realPattern(absolute));
    }
    return [...out];
  };
  return {
    ...file,
    rules: file.rules && await Promise.all(file.rules.map(async (r) => ({ ...r, paths: await fix(r.paths) }))),
    files: file.files && await Promise.all(file.files.map(async (f) => ({ ...f, paths: (await fix(f.paths))! }))),
  };
}

/** An absolute pattern with its literal leading folders resolved to their real path (as far as they exist). */
async function realPattern(pattern: string): Promise<string> {
  const segments = pattern.split("/");
  const literal = segments.findIndex((s, i) => i > 0 && /[*?[{]/.test(s));
  const fixed = literal === -1 ? segments.length : literal;
  for (let n = fixed; n > 1; n--) {
    const prefix = segments.slice(0, n).join("/");
    try {
      const real = await Deno.realPath(prefix);
      return [real === "/" ? "" : real, ...segments.slice(n)].join("/");
    } catch { /* not there: try its parent */ }
  }
  return pattern;
}

/**
 * Whether a project layer may widen: only when its folder is trusted with exactly this content. Trust given to
 * other content (the file changed, or was created after the folder was trusted) is no trust: the layer only
 * tightens, and the user is told on every command that loads it.
 */
function projectTrust(
  project: { path: string; root: string },
  hash: string,
  trusted: readonly TrustedFolder[],
): { trust: LayerTrust; notice?: string } {
  const entry = trusted.find((t) => t.path === project.root);
  if (!entry) return { trust: "untrusted" };
  if (entry.policyHash === hash) return { trust: "trusted" };
  const what = entry.policyHash === null ? "was created after you trusted" : "changed since you trusted";
  return {
    trust: "untrusted",
    notice: `"${project.path}" ${what} "${project.root}": it can only tighten your policy until you check it and run ` +
      `"pai policy trust ${project.root}" again`,
  };
}

/** The policy in force in `workspace`. */
export async function loadPolicy(options: LoadPolicyOptions): Promise<Policy> {
  let policy: Policy = structuredClone(DEFAULT_POLICY) as Policy;
  const userPath = userPolicyPath(options.configDir);
  const user = await readPolicyFile(userPath);
  if (user) {
    policy = applyLayer(policy, {
      file: await anchored(user.file, options.workspace, options.home),
      source: userPath,
      sha256: user.hash,
      trust: "trusted",
    });
  }
  const project = findProjectPolicy(options.workspace);
  if (project && project.path !== userPath) {
    const read = await readPolicyFile(project.path);
    if (read) {
      const { trust, notice } = projectTrust(project, read.hash, options.trusted);
      policy = applyLayer(policy, {
        file: await anchored(read.file, project.root, options.home),
        source: project.path,
        sha256: read.hash,
        trust,
      });
      if (notice) policy.notices.push(notice);
    }
  }
  return policy;
}

/**
 * The decision for one tool call: allow (with the exact grant), ask (naming
 * exactly what is missing) or deny (saying why). Pure and total: real paths
 * are resolved before, and everything the decision needs is passed in.
 * The full policy file (rules, scanners, egress) extends this in its issue.
 */
import { isHostInternal } from "../core/paths.ts";
import type { ModeProfile } from "../core/mode_profile.ts";
import type { Grant, Permissions } from "../core/types.ts";
import type { SourcedRule } from "./policy.ts";
import { describeRule, matchRule } from "./rules.ts";

// Defined in core, where the resource backends (which may not import the policy) find it too.
export type { Permissions } from "../core/types.ts";

/** What the decision is made from. */
export interface DecisionInput {
  tool: string;
  /** What the mode's tools may change (its profile). */
  profile: Pick<ModeProfile, "mode" | "tools" | "workspace">;
  /** Whether this call only reads (a mode whose tools only read allows nothing else). */
  readOnly: boolean;
  needs: Permissions;
  /**
   * The final real path of every write (a new file in new folders: the file itself, while `needs.write` grants
   * its top-most new folder). Names are checked here: a grant's folder says nothing about what is written in it.
   */
  writeTargets: readonly string[];
  /** Existing files the call reaches that have more than one name (hard links), and what each is. */
  hardLinks?: readonly HardLink[];
  /** The workspace's real path (the current directory). */
  workspace: string;
  /** Real paths no grant may touch: secrets folders, PAI's own files. */
  protectedPaths: readonly string[];
  /** What some of them are, for the refusal (PAI's checkout: "run PAI from your project's folder"). */
  protectedWhy?: ReadonlyMap<string, string>;
  /** `.pai` folders whose real paths do not say so (a symlinked `.pai` at or above the workspace). */
  policyFolders?: readonly string[];
  /**
   * Folders git takes for a repository (`HEAD`, `objects/`, `refs/`) that the writes land in or would complete:
   * a `.git` reached through a symlink or a `gitdir:` file, a bare repository, one the model is building.
   */
  gitDirectories?: readonly string[];
  /** What the user already granted: pre-grant flags, approvals for this run, saved approvals. */
  granted: Permissions;
  limits: Pick<Grant, "timeoutMs" | "memoryMb" | "outputBytes">;
  /** The policy's tool rules. */
  rules?: readonly SourcedRule[];
  /** What rules can also look at: the HTTP method, the SQL statement kind. */
  facts?: { method?: string; sql?: "read" | "write" };
  /** Safe mode: nothing written outside the workspace, no network, every call asks. */
  safe?: boolean;
  /**
   * Set once private or secret data, or untrusted web content, is in the run's
   * context (the "lethal trifecta" guard): a call that can send data out then
   * needs the user's explicit approval, whatever was granted.
   */
  tainted?: string;
}

/** A file with more than one name: the same file (device and inode) as a protected one, or not. */
export interface HardLink {
  path: string;
  /** The protected file it is, when it is one; `unknown` when the protected folders could not all be checked. */
  sameAs?: string | "unknown";
}

/** The policy's answer. `onceOnly` (why): the user may approve this one call, never for longer. */
export type Decision =
  | { kind: "allow"; grant: Grant; reason: string }
  | { kind: "ask"; missing: Permissions; reason: string; onceOnly?: string }
  | { kind: "deny"; reason: string };

/** Whether `path` is `root` or inside it. */
export function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith("/") ? root : `${root}/`);
}

/** `.env`, `.env.local`… : secrets by convention, never granted whatever the rule. */
export function isEnvFile(path: string): boolean {
  return /(^|\/)\.env(\.[^/]*)?$/i.test(path);
}

/**
 * Whether a folder named `name` is on the path (or is the path). Case-insensitively: on macOS and Windows
 * `.GIT` and `.git` are one folder.
 */
export function hasFolder(path: string, name: string): boolean {
  return path.split("/").some((segment) => segment.toLowerCase() === name);
}

/**
 * Why the writes would change what runs outside the sandbox later, if they would. Git runs commands named in a
 * repository's config (core.fsmonitor, core.hooksPath…) and its hooks, at any depth: nested repositories,
 * submodules, bare ones. Codex's workspace-write sandbox keeps .git read-only for this.
 */
function runsLater(writes: readonly string[], gitDirectories: readonly string[]): string | undefined {
  const named = writes.find((p) => hasFolder(p, ".git"));
  if (named) return `"${named}" is inside a .git folder, whose config and hooks git runs outside the sandbox`;
  if (gitDirectories.length) {
    return `"${gitDirectories[0]}" is a git repository folder (HEAD, objects, refs), whose config and hooks git ` +
      `runs outside the sandbox`;
  }
  return undefined;
}

function netCovered(need: string, granted: readonly string[]): boolean {
  const host = need.replace(/:\d+$/, "");
  // As Deno reads --allow-net: a bare host covers every port; host:port only that port.
  return granted.some((g) => g === need || g === host);
}

/** Decides one call. */
export function decide(input: DecisionInput): Decision {
  const { needs, workspace } = input;
  if (input.profile.tools === "read" && !input.readOnly) {
    return {
      kind: "deny",
      reason:
        `${input.profile.mode} mode allows only read-only tool calls; run "pai agent" to let the model change things`,
    };
  }
  const writes = [...needs.write, ...input.writeTargets];
  for (const path of [...needs.read, ...writes]) {
    if (isHostInternal(path)) {
      return { kind: "deny", reason: `"${path}" is inside /proc, /sys or /dev, which PAI never lets a tool touch` };
    }
    const guarded = input.protectedPaths.find((p) => isInside(path, p));
    if (guarded) {
      const why = input.protectedWhy?.get(guarded);
      return {
        kind: "deny",
        reason: `"${path}" is inside "${guarded}", which PAI never lets a tool touch${why ? `: ${why}` : ""}`,
      };
    }
    if (isEnvFile(path)) return { kind: "deny", reason: `"${path}" is a .env file, which PAI never lets a tool touch` };
  }
  const policyFolders = input.policyFolders ?? [];
  const policyFile = writes.find((p) => hasFolder(p, ".pai") || policyFolders.some((folder) => isInside(p, folder)));
  if (policyFile) {
    return {
      kind: "deny",
      reason: `"${policyFile}" is inside a .pai folder, which holds a project's PAI policy: no tool may change it`,
    };
  }
  for (const link of input.hardLinks ?? []) {
    if (link.sameAs === "unknown") {
      return { kind: "deny", reason: `"${link.path}" has other names (hard links) that PAI could not all check` };
    }
    if (link.sameAs) {
      return { kind: "deny", reason: `"${link.path}" is the same file as "${link.sameAs}" (a hard link)` };
    }
    if (input.writeTargets.includes(link.path)) {
      return {
        kind: "deny",
        reason: `"${link.path}" has other names (hard links): writing it would change a file the grant does not name`,
      };
    }
  }
  const outside = needs.write.filter((p) => !isInside(p, workspace));
  if (input.safe && outside.length) {
    return { kind: "deny", reason: `safe mode: nothing is written outside the workspace` };
  }
  if (input.safe && needs.net.length) return { kind: "deny", reason: "safe mode: no network tools" };
  const match = matchRule(input.rules ?? [], {
    tool: input.tool,
    paths: [...needs.read, ...needs.write],
    hosts: needs.net,
    ...input.facts,
  });
  if (match?.action === "deny") return { kind: "deny", reason: `denied by ${describeRule(match.rule)}` };
  const all: Permissions = { read: [...needs.read], write: [...needs.write], net: [...needs.net] };
  const later = runsLater(writes, input.gitDirectories ?? []);
  // Never part of a default, pre-granted, saved or rule-allowed grant: the user approves each such call.
  if (later) return { kind: "ask", missing: all, reason: later, onceOnly: later };
  if (match?.action === "ask") return { kind: "ask", missing: all, reason: `${describeRule(match.rule)} asks` };
  if (input.safe) return { kind: "ask", missing: all, reason: "safe mode: every tool call asks" };
  if (input.tainted && (needs.net.length || outside.length)) {
    return {
      kind: "ask",
      missing: { read: [], write: outside, net: needs.net },
      reason: `${input.tool} can send data out, and ${input.tainted} is in this run's context`,
    };
  }
  // Mode defaults (the profile's): most modes read inside the workspace, those whose tools write also write there.
  const byRule = match?.action === "allow";
  const readRoots = [...(input.profile.workspace !== "none" ? [workspace] : []), ...input.granted.read];
  const writeRoots = [...(input.profile.workspace === "write" ? [workspace] : []), ...input.granted.write];
  const missing: Permissions = byRule ? { read: [], write: [], net: [] } : {
    read: needs.read.filter((p) => !readRoots.some((r) => isInside(p, r))),
    write: needs.write.filter((p) => !writeRoots.some((r) => isInside(p, r))),
    net: needs.net.filter((h) => !netCovered(h, input.granted.net)),
  };
  if (missing.read.length || missing.write.length || missing.net.length) {
    return {
      kind: "ask",
      missing,
      reason: `${input.tool} needs ${describePermissions(missing)}, which is not granted`,
    };
  }
  const reason = byRule ? `allowed by ${describeRule(match.rule)}` : "within the mode's defaults and your grants";
  return { kind: "allow", grant: grantFor(input), reason };
}

/** The grant for an allowed call: exactly what it needs, with protected folders inside it denied. */
export function grantFor(input: Pick<DecisionInput, "needs" | "protectedPaths" | "limits">): Grant {
  const inGrant = (paths: string[]) => input.protectedPaths.filter((p) => paths.some((g) => isInside(p, g) && p !== g));
  return {
    read: input.needs.read,
    write: input.needs.write,
    net: input.needs.net,
    denyRead: inGrant(input.needs.read),
    denyWrite: inGrant(input.needs.write),
    env: {},
    ...input.limits,
    reason: "",
  };
}

/** "read of /a, write of /b, net to h:443" */
export function describePermissions(p: Permissions): string {
  const parts = [
    ...p.read.map((x) => `read of "${x}"`),
    ...p.write.map((x) => `write of "${x}"`),
    ...p.net.map((x) => `net to ${x}`),
  ];
  return parts.join(", ") || "nothing";
}

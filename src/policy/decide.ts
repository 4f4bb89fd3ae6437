/**
 * The decision for one tool call: allow (with the exact grant), ask (naming
 * exactly what is missing) or deny (saying why). Pure and total: real paths
 * are resolved before, and everything the decision needs is passed in.
 * The full policy file (rules, scanners, egress) extends this in its issue.
 */
import type { Grant, Mode } from "../core/types.ts";

/** Permissions as data (real paths; net as host or host:port). */
export interface Permissions {
  read: string[];
  write: string[];
  net: string[];
}

/** What the decision is made from. */
export interface DecisionInput {
  tool: string;
  mode: Mode;
  /** Whether this call only reads (chat and prompt modes allow nothing else). */
  readOnly: boolean;
  needs: Permissions;
  /** The workspace's real path (the current directory). */
  workspace: string;
  /** Real paths no grant may touch: secrets folders, PAI's own files. */
  protectedPaths: readonly string[];
  /** What the user already granted: pre-grant flags, approvals for this run, saved approvals. */
  granted: Permissions;
  limits: Pick<Grant, "timeoutMs" | "memoryMb" | "outputBytes">;
}

/** The policy's answer. */
export type Decision =
  | { kind: "allow"; grant: Grant; reason: string }
  | { kind: "ask"; missing: Permissions; reason: string }
  | { kind: "deny"; reason: string };

/** Whether `path` is `root` or inside it. */
export function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith("/") ? root : `${root}/`);
}

/** `.env`, `.env.local`… : secrets by convention, never granted whatever the rule. */
export function isEnvFile(path: string): boolean {
  return /(^|\/)\.env(\.[^/]*)?$/.test(path);
}

function netCovered(need: string, granted: readonly string[]): boolean {
  const host = need.replace(/:\d+$/, "");
  // As Deno reads --allow-net: a bare host covers every port; host:port only that port.
  return granted.some((g) => g === need || g === host);
}

/** Decides one call. */
export function decide(input: DecisionInput): Decision {
  const { needs, workspace } = input;
  if ((input.mode === "chat" || input.mode === "prompt") && !input.readOnly) {
    return {
      kind: "deny",
      reason: `${input.mode} mode allows only read-only tool calls; run "pai agent" to let the model change things`,
    };
  }
  for (const path of [...needs.read, ...needs.write]) {
    const guarded = input.protectedPaths.find((p) => isInside(path, p));
    if (guarded) return { kind: "deny", reason: `"${path}" is inside "${guarded}", which PAI never lets a tool touch` };
    if (isEnvFile(path)) return { kind: "deny", reason: `"${path}" is a .env file, which PAI never lets a tool touch` };
  }
  // Mode defaults: every mode reads inside the workspace; agent and assistant also write there.
  const writesWorkspace = input.mode === "agent" || input.mode === "assistant";
  const readRoots = [workspace, ...input.granted.read];
  const writeRoots = [...(writesWorkspace ? [workspace] : []), ...input.granted.write];
  const missing: Permissions = {
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
  return { kind: "allow", grant: grantFor(input), reason: "within the mode's defaults and your grants" };
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

/**
 * The user's rules as data: tool rules, scanner actions, the most sensitive
 * label each provider may receive, file labels, safe mode, and example cases.
 * Built-in defaults apply when there is no policy file. A project policy can
 * only tighten the user's, unless the user trusted that folder.
 */

export type RuleAction = "allow" | "ask" | "deny";
export type ScanAction = "allow" | "warn" | "redact" | "block";
export type FindingKind = "secret" | "personal";
export type Locality = "local" | "remote";

import { type Label, LABELS } from "../core/types.ts";
export { type Label, LABELS };

/** A rule for tool calls; the filters that are given must all match. */
export interface ToolRule {
  /** A tool name, or "*" for every tool. */
  tool: string;
  action: RuleAction;
  /** Path globs (`~`, `*`, `**`); relative ones are relative to the policy's folder (the workspace for the user's). */
  paths?: string[];
  /** Hosts, `host:port`, or `*.example.com`. */
  hosts?: string[];
  /** HTTP methods (http_request). */
  methods?: string[];
  /** SQL statement kinds (sql_query). */
  sql?: ("read" | "write")[];
  /** Shown when the rule decides. */
  reason?: string;
}

/** An example case: a tool call and the decision the policy must give. */
export interface PolicyTest {
  name?: string;
  tool: string;
  args: Record<string, unknown>;
  mode?: "chat" | "prompt" | "agent" | "assistant";
  expect: RuleAction;
}

/** A policy file's contents. */
export interface PolicyFile {
  safe?: boolean;
  rules?: ToolRule[];
  scan?: Partial<Record<FindingKind, Partial<Record<Locality, ScanAction>>>>;
  providers?: {
    maxLabel?: Partial<Record<Locality, Label>>;
    byName?: Record<string, Label>;
  };
  files?: { paths: string[]; label: Label }[];
  tests?: PolicyTest[];
}

/** A rule with where it came from (shown when it decides). */
export interface SourcedRule extends ToolRule {
  source: string;
  /** Its position in that file's `rules`, from 1. */
  index: number;
}

/** The policy in force. */
export interface Policy {
  safe: boolean;
  rules: SourcedRule[];
  scan: Record<FindingKind, Record<Locality, ScanAction>>;
  maxLabel: Record<Locality, Label>;
  byName: Record<string, Label>;
  files: { paths: string[]; label: Label; source: string }[];
  tests: (PolicyTest & { source: string })[];
  /** The files that made it, in order (user, then project). */
  sources: string[];
  /** What a project policy tried and was not allowed to do (it cannot widen the user's). */
  ignored: string[];
}

export const DEFAULT_POLICY: Readonly<Policy> = Object.freeze<Policy>({
  safe: false,
  rules: [],
  scan: { secret: { remote: "block", local: "allow" }, personal: { remote: "redact", local: "allow" } },
  maxLabel: { remote: "internal", local: "secret" },
  byName: {},
  files: [],
  tests: [],
  sources: [],
  ignored: [],
});

const SCAN_ORDER: ScanAction[] = ["allow", "warn", "redact", "block"];

/** The stricter of two scanner actions. */
export function stricterScan(a: ScanAction, b: ScanAction): ScanAction {
  return SCAN_ORDER.indexOf(a) >= SCAN_ORDER.indexOf(b) ? a : b;
}

/** The lower (more restrictive) of two provider ceilings. */
export function lowerLabel(a: Label, b: Label): Label {
  return LABELS.indexOf(a) <= LABELS.indexOf(b) ? a : b;
}

/** The higher (more sensitive) of two data labels. */
export function higherLabel(a: Label, b: Label): Label {
  return LABELS.indexOf(a) >= LABELS.indexOf(b) ? a : b;
}

/**
 * Applies one file over the policy so far. An untrusted layer may only
 * tighten: its allow rules are ignored, its scanner actions and label
 * ceilings apply only where stricter, and it can turn safe mode on, not off.
 */
export function applyLayer(policy: Policy, file: PolicyFile, source: string, trusted: boolean): Policy {
  const next: Policy = structuredClone(policy);
  next.sources.push(source);
  next.safe = trusted ? (file.safe ?? policy.safe) : policy.safe || file.safe === true;
  if (!trusted && file.safe === false && policy.safe) {
    next.ignored.push(`${source}: "safe": false (cannot relax safe mode)`);
  }
  (file.rules ?? []).forEach((rule, i) => {
    if (!trusted && rule.action === "allow") {
      next.ignored.push(`${source}: rule ${i + 1} (allow ${rule.tool}): a project policy can only tighten`);
    } else next.rules.push({ ...rule, source, index: i + 1 });
  });
  for (const kind of ["secret", "personal"] as const) {
    for (const where of ["local", "remote"] as const) {
      const wanted = file.scan?.[kind]?.[where];
      if (!wanted) continue;
      const current = policy.scan[kind][where];
      next.scan[kind][where] = trusted ? wanted : stricterScan(current, wanted);
      if (!trusted && next.scan[kind][where] !== wanted) {
        next.ignored.push(`${source}: scan.${kind}.${where} "${wanted}" (looser than "${current}")`);
      }
    }
  }
  for (const where of ["local", "remote"] as const) {
    const wanted = file.providers?.maxLabel?.[where];
    if (wanted) next.maxLabel[where] = trusted ? wanted : lowerLabel(policy.maxLabel[where], wanted);
  }
  for (const [name, label] of Object.entries(file.providers?.byName ?? {})) {
    const current = policy.byName[name];
    next.byName[name] = trusted || !current ? label : lowerLabel(current, label);
  }
  next.files.push(...(file.files ?? []).map((f) => ({ ...f, source })));
  next.tests.push(...(file.tests ?? []).map((t) => ({ ...t, source })));
  return next;
}

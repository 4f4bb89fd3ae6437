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

import { type Label, LABELS, type Mode } from "../core/types.ts";
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
  mode?: Mode;
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

/**
 * An untrusted project's label ceilings. They are not merged into the user's values: they cap what is in force
 * for each provider when it is asked for (`providerCeiling`), so they tighten whatever the user's policy, the
 * built-in default or the provider's locality would otherwise give, and can never raise it.
 */
export interface CeilingCap {
  maxLabel: Partial<Record<Locality, Label>>;
  byName: Record<string, Label>;
  source: string;
}

/** The policy in force. */
export interface Policy {
  safe: boolean;
  rules: SourcedRule[];
  scan: Record<FindingKind, Record<Locality, ScanAction>>;
  maxLabel: Record<Locality, Label>;
  byName: Record<string, Label>;
  /** Ceilings of untrusted project layers, applied on top of `byName` and `maxLabel`. */
  caps: CeilingCap[];
  files: { paths: string[]; label: Label; source: string }[];
  tests: (PolicyTest & { source: string })[];
  /** The files that made it, in order (user, then project). */
  sources: string[];
  /** The SHA-256 of each file of `sources`, as it was read: what the audit log names as the policy in force. */
  sourceHashes: Record<string, string>;
  /** What a project policy tried and was not allowed to do (it cannot widen the user's). */
  ignored: string[];
  /** What the user must be told on every command that loads this policy (a trusted policy that changed). */
  notices: string[];
}

export const DEFAULT_POLICY: Readonly<Policy> = Object.freeze<Policy>({
  safe: false,
  rules: [],
  scan: { secret: { remote: "block", local: "allow" }, personal: { remote: "redact", local: "allow" } },
  maxLabel: { remote: "internal", local: "secret" },
  byName: {},
  caps: [],
  files: [],
  tests: [],
  sources: [],
  sourceHashes: {},
  ignored: [],
  notices: [],
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

export { higherLabel } from "../core/types.ts";

/** Whether a layer may widen what is in force: the user's own file, or a project folder trusted as it is now. */
export type LayerTrust = "trusted" | "untrusted";

/** One layer to apply: its file, where it came from, and whether it may widen. */
export interface Layer {
  file: PolicyFile;
  source: string;
  /** The SHA-256 of the file's bytes. */
  sha256?: string;
  trust: LayerTrust;
}

/** What a field's rule sees: the policy before the layer, the one being built, and a way to list what it ignored. */
interface MergeStep {
  before: Readonly<Policy>;
  next: Policy;
  layer: Layer;
  ignore(what: string): void;
}

const LOCALITIES = ["local", "remote"] as const;

/**
 * The merge, one rule per top-level field of a policy file. A trusted layer sets what it names; an untrusted one
 * (a project folder the user has not trusted as it is now) may only tighten, compared with what is in force, and
 * every looser value it holds is ignored and listed. `policy_test.ts` holds a case for each field of the schema.
 */
export const FIELD_RULES: Readonly<Record<keyof PolicyFile, (step: MergeStep) => void>> = {
  safe({ before, next, layer, ignore }) {
    const wanted = layer.file.safe;
    if (wanted === undefined) return;
    if (layer.trust === "trusted") next.safe = wanted;
    else if (wanted) next.safe = true;
    else if (before.safe) ignore(`"safe": false (cannot relax safe mode)`);
  },
  rules({ next, layer, ignore }) {
    // Deny and ask rules only ever tighten (the built-in denies come before every rule); allow rules open.
    (layer.file.rules ?? []).forEach((rule, i) => {
      if (layer.trust === "untrusted" && rule.action === "allow") {
        ignore(`rule ${i + 1} (allow ${rule.tool}): a project policy can only tighten`);
      } else next.rules.push({ ...rule, source: layer.source, index: i + 1 });
    });
  },
  scan({ before, next, layer, ignore }) {
    for (const kind of ["secret", "personal"] as const) {
      for (const where of LOCALITIES) {
        const wanted = layer.file.scan?.[kind]?.[where];
        if (!wanted) continue;
        const current = before.scan[kind][where];
        if (layer.trust === "trusted" || stricterScan(current, wanted) === wanted) next.scan[kind][where] = wanted;
        else ignore(`scan.${kind}.${where} "${wanted}" (looser than "${current}")`);
      }
    }
  },
  providers({ before, next, layer, ignore }) {
    const { maxLabel = {}, byName = {} } = layer.file.providers ?? {};
    if (layer.trust === "trusted") {
      for (const where of LOCALITIES) if (maxLabel[where]) next.maxLabel[where] = maxLabel[where];
      Object.assign(next.byName, byName);
      return;
    }
    const cap: CeilingCap = { maxLabel: {}, byName: {}, source: layer.source };
    for (const where of LOCALITIES) {
      const wanted = maxLabel[where];
      if (!wanted) continue;
      const current = lowestInForce(before, where);
      if (lowerLabel(current, wanted) === wanted) cap.maxLabel[where] = wanted;
      else ignore(`providers.maxLabel.${where} "${wanted}" (higher than "${current}", in force now)`);
    }
    for (const [name, wanted] of Object.entries(byName)) {
      // Compared with what that provider gets now, wherever it runs: its own entry, else its locality's ceiling.
      const looser = LOCALITIES.filter((where) => lowerLabel(providerCeiling(before, name, where), wanted) !== wanted);
      for (const where of looser) {
        ignore(
          `providers.byName.${name} "${wanted}" (higher than "${
            providerCeiling(before, name, where)
          }", in force for ${name} as a ${where} provider)`,
        );
      }
      // It still caps where it is tighter: the cap is the lower of the two whenever it is applied.
      cap.byName[name] = wanted;
    }
    if (Object.keys(cap.maxLabel).length || Object.keys(cap.byName).length) next.caps.push(cap);
  },
  files({ next, layer, ignore }) {
    // Labels only ever rise (labelOfPath keeps the highest), so a file rule cannot lower one; a project's rule
    // below the default ("public") would do nothing and is listed so that nobody believes it does.
    (layer.file.files ?? []).forEach((rule, i) => {
      if (layer.trust === "untrusted" && LABELS.indexOf(rule.label) < LABELS.indexOf("internal")) {
        ignore(`files rule ${i + 1} ("${rule.label}"): a project policy can only raise labels`);
      } else next.files.push({ ...rule, source: layer.source });
    });
  },
  tests({ next, layer }) {
    // Example cases grant nothing: every layer's are kept and run by "pai policy test".
    next.tests.push(...(layer.file.tests ?? []).map((t) => ({ ...t, source: layer.source })));
  },
};

/** The lowest ceiling any provider of that locality has now (a cap on the locality must not exceed it). */
function lowestInForce(policy: Readonly<Policy>, where: Locality): Label {
  return policy.caps.reduce<Label>(
    (label, cap) => lowerLabel(label, cap.maxLabel[where] ?? label),
    policy.maxLabel[where],
  );
}

/**
 * The most sensitive label `provider` may receive: the trusted layers' answer (its own entry, else its
 * locality's ceiling), lowered by every untrusted layer's answer for it.
 */
export function providerCeiling(
  policy: Pick<Policy, "maxLabel" | "byName" | "caps">,
  provider: string,
  locality: Locality,
): Label {
  const base = policy.byName[provider] ?? policy.maxLabel[locality];
  return policy.caps.reduce<Label>(
    (label, cap) => lowerLabel(label, cap.byName[provider] ?? cap.maxLabel[locality] ?? label),
    base,
  );
}

/** Applies one layer over the policy so far, field by field ({@linkcode FIELD_RULES}). */
export function applyLayer(policy: Readonly<Policy>, layer: Layer): Policy {
  const next: Policy = structuredClone(policy) as Policy;
  next.sources.push(layer.source);
  if (layer.sha256) next.sourceHashes[layer.source] = layer.sha256;
  const ignore = (what: string) => next.ignored.push(`${layer.source}: ${what}`);
  for (const rule of Object.values(FIELD_RULES)) rule({ before: policy, next, layer, ignore });
  return next;
}

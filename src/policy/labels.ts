/**
 * Sensitivity labels: what data is (public < internal < private < secret)
 * and the most sensitive label each provider may receive.
 */
import { matchesPath } from "./glob.ts";
import { higherLabel, type Label, LABELS, type Policy } from "./policy.ts";

/** Whether data with `label` may go to a provider whose ceiling is `ceiling`. */
export function mayReceive(ceiling: Label, label: Label): boolean {
  return LABELS.indexOf(label) <= LABELS.indexOf(ceiling);
}

/** The label of a path from the policy's `files` rules and the resources that cover it (default: internal). */
export function labelOfPath(
  path: string,
  policy: Pick<Policy, "files">,
  fromResources: (path: string) => Label | undefined,
): Label {
  let label: Label = fromResources(path) ?? "internal";
  for (const f of policy.files) {
    if (f.paths.some((g) => matchesPath(path, g))) label = higherLabel(label, f.label);
  }
  return label;
}

/**
 * How data from these sources is labelled now: a file by the policy's rules and the resources that cover it, a
 * resource (`resource:NAME`) by its registration; an unknown resource says nothing (the stored label stands).
 */
export function labelOfSources(
  sources: readonly string[],
  policy: Pick<Policy, "files">,
  resources: readonly { name: string; label: Label }[],
  fromResources: (path: string) => Label | undefined,
): Label | undefined {
  const of = (source: string): Label | undefined =>
    source.startsWith("resource:")
      ? resources.find((r) => r.name === source.slice("resource:".length))?.label
      : labelOfPath(source, policy, fromResources);
  return sources.map(of).filter((l) => l !== undefined).reduce<Label | undefined>(
    (a, b) => a ? higherLabel(a, b) : b,
    undefined,
  );
}

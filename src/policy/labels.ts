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

/**
 * Which rules match a call. Deny and ask rules match when any of the call's
 * paths or hosts match; an allow rule only when it covers all of them (so an
 * allow rule never opens more than it names). Deny wins over ask over allow;
 * among rules of one action, the most specific (most filters) decides.
 */
import { matchesHost, matchesPath } from "./glob.ts";
import type { RuleAction, SourcedRule } from "./policy.ts";

/** What rules look at in a call. */
export interface CallFacts {
  tool: string;
  /** Real paths the call reads or writes. */
  paths: string[];
  /** `host:port`s the call reaches. */
  hosts: string[];
  method?: string;
  sql?: "read" | "write";
}

/** The rule that decides, by action, if any matches. */
export type RuleMatch = { action: RuleAction; rule: SourcedRule } | undefined;

function specificity(rule: SourcedRule): number {
  return [rule.tool !== "*", rule.paths, rule.hosts, rule.methods, rule.sql].filter(Boolean).length;
}

function matches(rule: SourcedRule, call: CallFacts): boolean {
  if (rule.tool !== "*" && rule.tool !== call.tool) return false;
  if (rule.methods && !(call.method && rule.methods.includes(call.method.toUpperCase()))) return false;
  if (rule.sql && !(call.sql && rule.sql.includes(call.sql))) return false;
  const all = rule.action === "allow";
  if (rule.paths) {
    const hit = (p: string) => rule.paths!.some((g) => matchesPath(p, g));
    if (call.paths.length === 0 || !(all ? call.paths.every(hit) : call.paths.some(hit))) return false;
  }
  if (rule.hosts) {
    const hit = (h: string) => rule.hosts!.some((g) => matchesHost(h, g));
    if (call.hosts.length === 0 || !(all ? call.hosts.every(hit) : call.hosts.some(hit))) return false;
  }
  return true;
}

/** The deciding rule for a call: deny → ask → allow, most specific first. */
export function matchRule(rules: readonly SourcedRule[], call: CallFacts): RuleMatch {
  for (const action of ["deny", "ask", "allow"] as const) {
    const hits = rules.filter((r) => r.action === action && matches(r, call));
    if (hits.length) return { action, rule: hits.sort((a, b) => specificity(b) - specificity(a))[0] };
  }
  return undefined;
}

/** "rule 2 of /home/u/.config/pai/policy.json (deny fs_read ~/private/**)" */
export function describeRule(rule: SourcedRule): string {
  const filters = [rule.paths?.join(" "), rule.hosts?.join(" "), rule.methods?.join(" "), rule.sql?.join(" ")]
    .filter(Boolean).join("; ");
  return `rule ${rule.index} of ${rule.source} (${rule.action} ${rule.tool}${filters ? ` ${filters}` : ""})${
    rule.reason ? `: ${rule.reason}` : ""
  }`;
}

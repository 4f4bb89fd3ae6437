/** `pai policy init|show|check|explain|test|trust`: the user's rules, explicit and checkable. */
import type { CommandContext } from "@stricli/core";
import { EXIT, PaiError } from "../core/errors.ts";
import { paiPaths } from "../core/paths.ts";
import type { Mode } from "../core/types.ts";
import { openState, policyHere } from "../modes/session_setup.ts";
import { createToolManager } from "../modes/tool_setup.ts";
import { recordUserChange } from "../modes/user_change.ts";
import { approvalLines, listApprovals } from "./approvals.ts";
import { describePermissions } from "../policy/decide.ts";
import { findProjectPolicy, readPolicyFile, userPolicyPath } from "../policy/load_policy.ts";
import type { Policy } from "../policy/policy.ts";
import { describeRule } from "../policy/rules.ts";
import { grantFlags } from "../sandbox/flags.ts";
import { writeFileAtomic } from "../store/atomic_file.ts";
import type { Database } from "../store/db.ts";
import { distrustFolder, trustFolder } from "../store/trusted_folders.ts";
import { TOOLS } from "../tools/registry.ts";
import { stderr, stdout } from "../ui/output.ts";
import { printTable } from "../ui/table.ts";
import { type GrantFlags, pregrants } from "./pregrants.ts";
import { line } from "../ui/sanitize.ts";

/** The commented starter file `pai policy init` writes: the built-in defaults, spelled out. */
export const STARTER_POLICY = `// PAI policy (JSON with comments). The built-in defaults are written out below;
// change them here. A project's .pai/policy.json can only tighten this file,
// unless you run "pai policy trust" in that project.
{
  // true: local providers only, no network tools, every tool call asks.
  "safe": false,

  // Tool rules: "allow", "ask" or "deny"; evaluated deny → ask → allow, most specific first.
  // Filters: "paths" (globs: ~, *, **), "hosts" (host, host:port, *.domain),
  // "methods" (HTTP), "sql" ("read" or "write"). ~/.ssh, ~/.aws, ~/.gnupg,
  // ~/.config/gcloud, PAI's own files and .env files are always denied.
  "rules": [
    // { "tool": "fs_read", "action": "allow", "paths": ["~/notes/**"] },
    // { "tool": "http_request", "action": "ask", "methods": ["POST", "PUT", "PATCH", "DELETE"] },
    // { "tool": "*", "action": "deny", "paths": ["~/private/**"], "reason": "never" }
  ],

  // What the scanners do with secrets and personal data, by provider class:
  // "block", "redact", "warn" or "allow".
  "scan": {
    "secret": { "remote": "block", "local": "allow" },
    "personal": { "remote": "redact", "local": "allow" }
  },

  // The most sensitive data each provider may receive: public < internal < private < secret.
  "providers": {
    "maxLabel": { "remote": "internal", "local": "secret" },
    "byName": {}
  },

  // Sensitivity labels for files, whichever tool reads them.
  "files": [
    // { "paths": ["~/private/**"], "label": "private" }
  ],

  // Example cases, run by "pai policy test".
  "tests": [
    { "name": "secrets folders are never readable", "tool": "fs_read", "args": { "path": "~/.ssh/id_ed25519" }, "expect": "deny" }
  ]
}
`;

/** Flags of `pai policy show` and `check`. */
export interface PolicyFlags {
  json: boolean;
}

/** Loads the policy in force here (a broken file stops with its path, line and column). */
async function withPolicy<T>(work: (policy: Policy, workspace: string, db: Database) => Promise<T>): Promise<T> {
  const { db } = await openState();
  try {
    const { policy, workspace } = await policyHere(db, (n) => Deno.env.get(n), (text) => stderr.write(line`${text}\n`));
    return await work(policy, workspace, db);
  } finally {
    db.close();
  }
}

/** Writes the commented starter policy; never over an existing file. */
export function init(this: CommandContext): void {
  const path = userPolicyPath(paiPaths().configDir);
  writeFileAtomic(path, STARTER_POLICY);
  stdout.write(`Wrote ${path}. Check it with "pai policy check"; see it in force with "pai policy show".\n`);
}

/** The effective policy and where each part came from. */
export function show(this: CommandContext, flags: PolicyFlags): Promise<void> {
  return withPolicy((policy, _workspace, db) => {
    // The approvals the user gave decide calls too: shown with the rules, so that nothing that decides is hidden.
    const approvals = listApprovals(db);
    if (flags.json) {
      stdout.write(`${JSON.stringify({ ...policy, approvals })}\n`);
      return Promise.resolve();
    }
    const lines = [
      `sources:  ${policy.sources.length ? policy.sources.join(", ") : "none (built-in defaults)"}`,
      `safe:     ${policy.safe}`,
      `scan:     secrets ${policy.scan.secret.remote} (remote) / ${policy.scan.secret.local} (local); ` +
      `personal data ${policy.scan.personal.remote} (remote) / ${policy.scan.personal.local} (local)`,
      `labels:   remote providers up to "${policy.maxLabel.remote}", local up to "${policy.maxLabel.local}"${
        Object.entries(policy.byName).map(([n, l]) => `; ${n} up to "${l}"`).join("")
      }`,
      ...policy.caps.map((cap) =>
        `  capped by ${cap.source}: ${
          [
            ...Object.entries(cap.maxLabel).map(([where, l]) => `${where} providers up to "${l}"`),
            ...Object.entries(cap.byName).map(([n, l]) => `${n} up to "${l}"`),
          ].join("; ")
        }`
      ),
      `rules:    ${policy.rules.length ? "" : "none"}`,
      ...policy.rules.map((r) => `  ${describeRule(r)}`),
      `files:    ${policy.files.length ? "" : "none"}`,
      ...policy.files.map((f) => `  ${f.paths.join(" ")} → ${f.label} (${f.source})`),
      `tests:    ${policy.tests.length}`,
      ...approvalLines(approvals),
      ...policy.ignored.map((i) => `ignored:  ${i}`),
      ...policy.notices.map((n) => `warning:  ${n}`),
    ];
    // Policy files are untrusted text (a cloned project's above all): each line is neutralised.
    stdout.write(lines.map((l) => line`${l}\n`).join(""));
    return Promise.resolve();
  });
}

/** Validates the files; also that every rule and test names a real tool. */
export function check(this: CommandContext, flags: PolicyFlags): Promise<void> {
  return withPolicy((policy) => {
    const names = new Set(TOOLS.map((t) => t.name));
    for (const rule of policy.rules) {
      if (rule.tool !== "*" && !names.has(rule.tool)) {
        throw new PaiError(
          `Cannot use "${rule.source}": rule ${rule.index} names unknown tool "${rule.tool}"; tools: ${
            [...names].join(", ")
          }`,
          { exitCode: EXIT.CONFIG },
        );
      }
    }
    const summary = {
      ok: true,
      sources: policy.sources,
      rules: policy.rules.length,
      tests: policy.tests.length,
      ignored: policy.ignored,
    };
    if (flags.json) stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      stdout.write(
        line`Policy OK: ${policy.sources.length ? policy.sources.join(", ") : "built-in defaults"}; ` +
          `${summary.rules} rules, ${summary.tests} tests.\n`,
      );
      for (const i of policy.ignored) stdout.write(line`ignored: ${i}\n`);
    }
    return Promise.resolve();
  });
}

/** Flags of `pai policy explain`. */
export interface ExplainFlags extends GrantFlags {
  mode: Mode;
  json: boolean;
}

/** The decision for one tool call, the rule that made it, and the exact Deno flags. */
export function explain(this: CommandContext, flags: ExplainFlags, tool: string, argsJson: string): Promise<void> {
  return withPolicy(async (policy, workspace, db) => {
    const manager = await createToolManager({
      db,
      mode: flags.mode,
      pregrants: await pregrants(flags),
      policy,
      workspace,
    });
    const plan = await manager.plan({ id: "explain", name: tool, arguments: argsJson });
    if ("error" in plan) throw new PaiError(plan.error[1], { exitCode: EXIT.USAGE });
    const { decision } = plan;
    const out = {
      decision: decision.kind,
      reason: decision.reason,
      flags: decision.kind === "allow" ? grantFlags(decision.grant) : null,
      asks: decision.kind === "ask" ? decision.missing : null,
      approvedBy: plan.approvedBy ?? [],
    };
    if (flags.json) {
      stdout.write(`${JSON.stringify(out)}\n`);
      return;
    }
    stdout.write(line`${decision.kind}: ${decision.reason}\n`);
    if (decision.kind === "allow") stdout.write(line`flags: ${out.flags!.join(" ")}\n`);
    for (const a of out.approvedBy) stdout.write(line`undo: pai policy revoke ${a.id}\n`);
    if (decision.kind === "ask") stdout.write(line`asks for: ${describePermissions(decision.missing)}\n`);
  });
}

/** Runs the example cases of the policy files; exit 1 when one fails. */
export function test(this: CommandContext): Promise<void> {
  return withPolicy(async (policy, workspace, db) => {
    if (!policy.tests.length) {
      stdout.write('No tests: add "tests" to your policy (see "pai policy init").\n');
      return;
    }
    const rows: string[][] = [];
    let failed = 0;
    for (const t of policy.tests) {
      const manager = await createToolManager({
        db,
        mode: t.mode ?? "agent",
        pregrants: { read: [], write: [], net: [] },
        policy,
        workspace,
        ignoreSavedApprovals: true,
      });
      const plan = await manager.plan({ id: "test", name: t.tool, arguments: JSON.stringify(t.args) });
      const got = "error" in plan ? `error: ${plan.error[1]}` : plan.decision.kind;
      const ok = got === t.expect;
      if (!ok) failed++;
      rows.push([
        ok ? "pass" : "FAIL",
        t.name ?? `${t.tool} ${JSON.stringify(t.args)}`,
        `expected ${t.expect}, got ${got}`,
      ]);
    }
    printTable(stdout, rows);
    stdout.write(`${policy.tests.length - failed} passed, ${failed} failed\n`);
    if (failed) throw new PaiError(`${failed} policy test(s) failed`, { exitCode: EXIT.FAILURE });
  });
}

/** Flags of `pai policy trust`. */
export interface TrustFlags {
  revoke: boolean;
}

/** Lets a project's policy widen the user's (or, with --revoke, stops it). */
export async function trust(this: CommandContext, flags: TrustFlags, dir?: string): Promise<void> {
  let path: string;
  try {
    path = await Deno.realPath(dir ?? Deno.cwd());
  } catch {
    throw new PaiError(`Cannot trust "${dir}": no such folder`, { exitCode: EXIT.USAGE });
  }
  const { db } = await openState();
  try {
    if (flags.revoke) {
      const was = distrustFolder(db, path);
      if (was) await recordUserChange(db, { change: "policy_untrusted", folder: path });
      stdout.write(was ? line`${path} is no longer trusted.\n` : line`${path} was not trusted.\n`);
      return;
    }
    // Trust names this content: a later change (by a tool, a pull, anyone) is untrusted until trusted again.
    const project = findProjectPolicy(path);
    const read = project?.root === path ? await readPolicyFile(project.path) : undefined;
    trustFolder(db, { path, policyHash: read?.hash ?? null });
    await recordUserChange(db, { change: "policy_trusted", folder: path, ...(read ? { policyHash: read.hash } : {}) });
    stdout.write(
      read
        ? line`Trusted ${project!.path} as it is now (sha256 ${read.hash.slice(0, 12)}…): it may widen your policy. ` +
          `If it changes, it only tightens again until you trust it again.\n`
        : line`Trusted ${path}, which has no .pai/policy.json yet: a policy created there later only tightens yours ` +
          `until you trust it again.\n`,
    );
  } finally {
    db.close();
  }
}

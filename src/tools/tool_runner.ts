/**
 * The call pipeline of a run's tools: validate → resolve real paths → decide →
 * ask the user if needed → run sandboxed → post-process → cap. Every failure
 * becomes an error result for the model (so it can adapt), never a crash.
 * `ToolManager` loads this module on a run's first tool call, so a turn that
 * calls no tool never loads the sandbox runner or the path resolution.
 */
import type { ResourceAction } from "../audit/events.ts";
import type { Grant, Resource, ResourceKind, ToolCall, ToolDefinition } from "../core/types.ts";
import { decide, type DecisionInput, grantFor, type Permissions } from "../policy/decide.ts";
import { asUntrusted, injectionMarkers } from "../policy/injection.ts";
import { mayReceive } from "../policy/labels.ts";
import { higherLabel, type Label } from "../policy/policy.ts";
import { grantFlags } from "../sandbox/flags.ts";
import { startToolProcess, type ToolErrorType, type ToolOutcome } from "../sandbox/run_tool.ts";
import { asPermissions, describeApproval, matchingApprovals, nameDecidingApprovals } from "./approvals.ts";
import { capForModel } from "./cap.ts";
import { type AnyToolManifest, argumentIssues, callReadOnly } from "./manifest.ts";
import { type ResolvedNeeds, resolveNeeds } from "./resolve_paths.ts";
import { changedPath, fingerprint, HardLinkIndex } from "./file_identity.ts";
import { gitDirectoriesReached } from "./git_dirs.ts";
import type { ResourceHost, ResourceRequest } from "../resources/backend.ts";
import { coversUrl } from "../resources/registry.ts";
import { sqlShape } from "../core/sql_shape.ts";
import { redactSecrets } from "../core/redact.ts";
import type { MemoryToolManifest, Seen } from "./memory_tools.ts";
import type { ResourceToolManifest } from "./resource_tools.ts";
import type { CallPlan, DecidedCall, ProposedChange, ToolExecution, ToolManagerOptions } from "./tool_manager.ts";

/** What a runner shares with its manager: the run's options, the tools offered now, and the run's taint. */
export interface RunState {
  options: ToolManagerOptions;
  offered(): readonly ToolDefinition[];
  tainted(): string | undefined;
  taint(reason: string): void;
  /** What the run has seen (`ToolManager.observe`): a memory saved now is labelled so. */
  seen(): Seen;
}

/** Runs the calls of one run, for its `ToolManager`. */
export class ToolRunner {
  #state: RunState;
  #hardLinks: HardLinkIndex;

  constructor(state: RunState) {
    this.#state = state;
    this.#hardLinks = new HardLinkIndex(state.options.secretFolders);
  }

  /** The manifest and validated arguments of a call (`internal`: a resource tool's expansion, offered or not). */
  async #validated(
    call: ToolCall,
    internal = false,
  ): Promise<{ tool: AnyToolManifest; args: unknown } | { error: [string, string] }> {
    const offered = this.#state.offered();
    const tool = internal || offered.some((t) => t.name === call.name)
      ? await this.#state.options.registry.find(call.name)
      : undefined;
    if (!tool) {
      const names = offered.map((t) => t.name).join(", ");
      return { error: ["invalid_input", `There is no tool "${call.name}" in this mode; tools: ${names}`] };
    }
    let raw: unknown;
    try {
      raw = JSON.parse(call.arguments || "{}");
    } catch {
      return { error: ["invalid_input", `The arguments of ${call.name} are not valid JSON`] };
    }
    const issues = argumentIssues(tool, this.#state.options.registry.parameters(tool.name), raw);
    if (issues.length) {
      const text = issues.map((i) => `${i.path || "arguments"}: ${i.message}`).join("; ");
      return { error: ["invalid_input", `Invalid arguments for ${call.name}: ${text}`] };
    }
    return { tool, args: raw };
  }

  /**
   * Everything before running: validate the arguments, resolve real paths and
   * decide. Pure of side effects, so `pai policy explain` shows exactly what a
   * call would get.
   */
  async plan(call: ToolCall, extra?: Permissions): Promise<CallPlan> {
    const o = this.#state.options;
    const found = await this.#validated(call, extra !== undefined);
    if ("error" in found) return found;
    const { tool, args } = found;
    if ("expand" in tool) {
      return {
        error: ["invalid_input", `${tool.name} expands to fs_read, fs_list, fs_write or sql_query: explain those`],
      };
    }
    let needs: ResolvedNeeds;
    try {
      needs = await resolveNeeds(tool.needs(args), o.workspace);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return { error: ["permission_denied", `Cannot resolve the paths of ${call.name}: ${why}`] };
    }
    const reached = [...needs.read, ...needs.writeTargets];
    // The user's approvals count for exactly the permissions approved (approvals.ts); the rest is the grants.
    const approvals = matchingApprovals(o.approvals.entries(tool.name), needs);
    const grants = merge(o.pregrants, extra ?? { read: [], write: [], net: [] });
    const input: DecisionInput = {
      tool: tool.name,
      profile: o.profile,
      readOnly: callReadOnly(tool, args),
      needs,
      writeTargets: needs.writeTargets,
      hardLinks: await this.#hardLinks.check(reached),
      workspace: o.workspace,
      // The programs of tools added at run time are protected like PAI's own (`ToolRegistry.programFolders`).
      protectedPaths: [...o.protectedPaths, ...o.registry.programFolders()],
      protectedWhy: o.protectedWhy,
      policyFolders: o.policyFolders,
      gitDirectories: await gitDirectoriesReached(needs.writeTargets),
      granted: merge(grants, asPermissions(approvals)),
      limits: o.limits,
      rules: o.policy.rules,
      safe: o.policy.safe,
      facts: tool.facts?.(args),
      tainted: this.#state.tainted(),
    };
    const { decision, approvedBy } = nameDecidingApprovals(input, decide(input), approvals, grants);
    return { tool, args, needs, input, decision, approvedBy, pinned: await fingerprint(reached) };
  }

  /** Runs one call; never throws for anything the model or the tool did. */
  async execute(call: ToolCall): Promise<ToolExecution> {
    const o = this.#state.options;
    // Committed with what follows it in this call: its decision, refusal or result.
    await o.record({ kind: "tool_call", tool: call.name, callId: call.id, arguments: call.arguments }, { hold: true });
    if (call.name.startsWith("resource_")) return await this.#executeResource(call);
    if (call.name.startsWith("memory_")) return await this.#executeMemory(call);
    const viaResource = sqlOnResource(call);
    if (viaResource) return await this.#executeResource(viaResource, call);
    const plan = await this.plan(call);
    if ("error" in plan) return this.#failed(call, ...plan.error);
    return await this.#runPlanned(call, plan);
  }

  /** A resource tool: answered by PAI, or run as the ordinary call it expands to, with the resource pre-granted. */
  async #executeResource(call: ToolCall, asked = call): Promise<ToolExecution> {
    const o = this.#state.options;
    const found = await this.#validated(call, call !== asked);
    if ("error" in found) return this.#failed(asked, ...found.error);
    const tool = found.tool as ResourceToolManifest<unknown>;
    if (!o.resources) return this.#failed(asked, "invalid_input", "No resources are registered");
    const expansion = tool.expand(found.args, { host: o.resources, profile: o.profile });
    const access = resourceAccess(tool.name, found.args, o.resources);
    if ("refuse" in expansion) {
      await o.record({ ...access, outcome: "refused", reason: expansion.refuse });
      return this.#failed(asked, "permission_denied", expansion.refuse);
    }
    await o.record({ ...access, outcome: "allowed" });
    if ("request" in expansion) return await this.#requestResource(asked, expansion.request);
    if ("answer" in expansion) {
      const held = expansion.label !== undefined && o.labels !== undefined &&
        !mayReceive(o.labels.ceiling, expansion.label);
      const outcome = held ? withheld(expansion.label!, o.labels!) : { ok: true as const, result: expansion.answer };
      if (expansion.label === "private" || expansion.label === "secret") {
        this.#state.taint(`data labelled ${expansion.label}`);
      }
      // A withheld result holds only PAI's notice: it carries no label into the history.
      const name = (found.args as { name?: string }).name;
      const sources = expansion.label && !held && name ? [`resource:${name}`] : undefined;
      const done = await this.#finish(asked, tool.name, outcome, undefined, sources);
      return expansion.label && !held ? { ...done, label: expansion.label, ...(sources ? { sources } : {}) } : done;
    }
    const plan = await this.plan(expansion.call, expansion.grant);
    if ("error" in plan) return this.#failed(asked, ...plan.error);
    const name = (found.args as { name?: string }).name;
    return await this.#runPlanned(asked, plan, o.resources.list().find((r) => r.name === name));
  }

  /**
   * A memory tool: answered by PAI from the session's working memory. What a search returns carries the labels and
   * sources of the memories in it, as a resource's answer does; a save is labelled with what the run has seen.
   */
  async #executeMemory(call: ToolCall): Promise<ToolExecution> {
    const o = this.#state.options;
    const found = await this.#validated(call);
    if ("error" in found) return this.#failed(call, ...found.error);
    const tool = found.tool as MemoryToolManifest<unknown>;
    if (!o.memory) return this.#failed(call, "invalid_input", `${o.profile.mode} mode has no working memory`);
    const remembered = tool.remember(found.args, o.memory, this.#state.seen());
    if ("refuse" in remembered) return this.#failed(call, "invalid_input", remembered.refuse);
    const { label, sources } = remembered;
    if (label === "private" || label === "secret") this.#state.taint(`data labelled ${label} (in working memory)`);
    const done = await this.#finish(call, tool.name, { ok: true, result: remembered.answer }, undefined, sources);
    return { ...done, ...(label ? { label } : {}), ...(sources?.length ? { sources } : {}) };
  }

  /** Asks the user to register what the model asked for; registered only when approved and valid. */
  async #requestResource(call: ToolCall, request: ResourceRequest): Promise<ToolExecution> {
    const o = this.#state.options;
    if (!o.prompter) {
      return this.#failed(
        call,
        "permission_denied",
        `Not granted: the user could not be asked (no terminal); they can register it with ` +
          `pai resource add ${request.name} --kind ${request.kind} --uri ${request.uri}`,
      );
    }
    const answer = await o.prompter.askResource(request);
    await o.record({
      kind: "resource_access",
      tool: "resource_request",
      resource: request.name,
      resourceKind: request.kind,
      action: "request",
      outcome: answer === "allow" ? "approved" : "denied",
      uri: request.uri,
    });
    if (answer === "deny") return this.#failed(call, "permission_denied", "The user denied the request");
    let resource: Resource;
    try {
      resource = await o.resources!.check(request);
    } catch (error) {
      return this.#failed(
        call,
        "invalid_input",
        `Cannot register it: ${error instanceof Error ? error.message : error}`,
      );
    }
    o.resources!.register(resource);
    return await this.#finish(call, "resource_request", {
      ok: true,
      result: { registered: resource.name, kind: resource.kind },
    });
  }

  /** Carries out a decided call: grant (asking if needed), run, post-process, finish. */
  /**
   * Runs a decided call. `via` is the resource a resource tool's call was expanded from: its result is that
   * resource's data, labelled at least as the resource is (a url, s3 or postgres resource reads no file that a
   * label could come from), and named by it (`resource:NAME`) wherever it goes.
   */
  async #runPlanned(call: ToolCall, plan: DecidedCall, via?: Resource): Promise<ToolExecution> {
    const o = this.#state.options;
    const { tool, args, needs, input, decision } = plan;
    let grant: Grant;
    switch (decision.kind) {
      case "deny":
        await o.record({ kind: "denial", tool: tool.name, reason: decision.reason, by: "policy" });
        return this.#failed(call, "permission_denied", `Denied: ${decision.reason}`);
      case "ask": {
        const { onceOnly, missing } = decision;
        const scopes = onceOnly ? ["once" as const] : o.profile.approvals;
        const change = o.prompter && tool.proposed
          ? await proposedChange(tool, args, plan.needs.writeTargets)
          : undefined;
        const asked = o.prompter
          ? await o.prompter.ask({ tool: tool.name, args, missing, onceOnly, scopes, ...(change ? { change } : {}) })
          : "deny";
        // The answer counts only for a scope that was offered; a longer one is taken as "once".
        const answer = asked === "deny" || scopes.includes(asked) ? asked : "once";
        if (o.prompter) {
          await o.record({ kind: "approval", tool: tool.name, missing, answer, ...(onceOnly ? { onceOnly } : {}) });
        }
        if (answer === "deny") {
          const by = o.prompter ? "user" : "no_terminal";
          await o.record({ kind: "denial", tool: tool.name, reason: decision.reason, missing, by });
          const how = o.prompter
            ? "The user denied it."
            : onceOnly
            ? "Only a user at a terminal can approve such a call, one call at a time; no flag or saved approval grants it."
            : input.tainted
            // The flow rule asks even for what is pre-granted: a flag would not help, only a person can say yes.
            ? "The user could not be asked (no terminal): with that data in the run, only a user at a terminal can approve it."
            : `The user could not be asked (no terminal); they can grant it with ${grantFlagsHint(decision.missing)}.`;
          return this.#failed(call, "permission_denied", `Not granted: ${decision.reason}. ${how}`);
        }
        // A once-only call is never remembered, whatever the prompter answered.
        if (answer !== "once") {
          await o.approvals.remember(tool.name, missing, answer);
          await o.record({
            kind: "user_change",
            change: "approval_saved",
            tool: tool.name,
            scope: answer,
            permissions: missing,
          });
        }
        // The user's answer is the decision: what was asked for, exactly, and nothing more.
        grant = { ...grantFor(input), reason: `approved by the user (${answer})` };
        break;
      }
      case "allow":
        // Recorded with the flags the tool runs with, before it gets its request (below).
        grant = { ...decision.grant, reason: decision.reason };
        break;
      default:
        return decision satisfies never;
    }
    if (tool.envNames) grant = { ...grant, envNames: tool.envNames };
    const added = o.registry.addedAtRunTime(tool.name);
    // A program registered at run time may import anything: it gets the lockfile, as an npm one must.
    if (tool.npm || added) grant = { ...grant, npm: true };
    const changed = tool.access === "write" ? plan.needs.writeTargets : [];
    const program = o.registry.program(tool);
    // PAI's own tools act only on their request: started now, Deno's start-up overlaps the checks and the grant's
    // durable row below, and the tool acts only once they are done. A program registered at run time may act as its
    // module loads, so it starts only once its grant is recorded.
    let toolProcess = added ? undefined : startToolProcess(program, grant);
    let outcome: ToolOutcome;
    try {
      // The grant row names the exact flags the tool runs with, and is durable before the tool gets its request.
      await o.record({
        kind: "grant",
        tool: tool.name,
        permissions: { read: grant.read, write: grant.write, net: grant.net },
        flags: [...(toolProcess?.flags ?? grantFlags(grant))],
        reason: grant.reason,
      });
      // Checked after that row's durable write (an fsync, of no fixed length), so a swap made during it is found.
      const moved = await this.#movedSince(plan);
      if (moved) {
        await o.record({ kind: "denial", tool: tool.name, reason: moved, by: "moved" });
        return this.#failed(call, "permission_denied", `Denied: ${moved}`);
      }
      // The files as they are now, for `pai undo`: kept before the tool may change them.
      if (changed.length) await o.changes?.before(tool.name, changed);
      const request = {
        ...tool.request(args, (p) => needs.real.get(p) ?? p) as Record<string, unknown>,
        // The tool checks what it opens against these, so a swap after this very moment is refused too.
        pinned: Object.fromEntries(plan.pinned),
        // Folder tools open files PAI never sees: second names of secrets, and files labelled above what the
        // provider may receive, are skipped unopened (a search that only says "no match" still tells something).
        ...(tool.resultPaths
          ? { forbidden: await this.#hardLinks.forbidden(), withheld: o.labels?.withheld(this.#folderCeiling()) ?? [] }
          : {}),
      };
      const running = toolProcess ?? startToolProcess(program, grant);
      toolProcess = undefined; // it has its request: it ends by itself, within its time limit
      outcome = await running.run(request);
    } finally {
      await toolProcess?.stop();
    }
    if (changed.length) await o.changes?.after(changed);
    if (outcome.ok && tool.present) {
      try {
        outcome = { ok: true, result: await tool.present(outcome.result) };
      } catch (error) {
        outcome = { ok: false, error: { type: "io_error", message: `Cannot convert the result: ${error}` } };
      }
    }
    // What a run holding private data writes may hold it: the files keep its label (a later run is judged by it).
    const seen = this.#state.seen();
    if (outcome.ok && plan.needs.writeTargets.length && (seen.label === "private" || seen.label === "secret")) {
      await o.wrote?.(plan.needs.writeTargets, seen);
    }
    // Kept with the result in the history: a later run that is sent it again is tainted as this one is.
    const taint = outcome.ok && tool.network ? `untrusted web content (from ${tool.name})` : undefined;
    if (taint) this.#state.taint(taint);
    const paths = this.#sources(tool, plan, outcome);
    // The resources the data is: the one a resource tool expanded from, and the url resources the call fetched from.
    const fetched = tool.urls?.(args) ?? [];
    const resources = [
      ...(via ? [via] : []),
      ...(o.resources?.list().filter((r) => r !== via && fetched.some((u) => coversUrl(r, u))) ?? []),
    ];
    const sources = [...resources.map((r) => `resource:${r.name}`), ...paths];
    const pathLabel = o.labels ? await this.#labelOf(plan, paths) : undefined;
    const label = o.labels && resources.length
      ? resources.map((r) => r.label).reduce(higherLabel, pathLabel ?? resources[0].label)
      : pathLabel;
    const held = label !== undefined && !mayReceive(o.labels!.ceiling, label);
    if (label) outcome = this.#checkLabel(tool, label, outcome);
    const finished = await this.#finish(
      call,
      tool.name,
      outcome,
      { read: grant.read, write: grant.write, net: grant.net },
      label && !held ? sources : undefined,
    );
    // The label goes with the result into the history (a summary of it is labelled so too); a withheld result
    // holds only PAI's notice, and carries none.
    const done = {
      ...finished,
      ...(label && !held ? { label, sources } : {}),
      ...(taint ? { taint } : {}),
    };
    // The step line says which of the user's approvals let the call run, so that it can be found and revoked.
    const by = plan.approvedBy?.map(describeApproval).join(" and ");
    return by ? { ...done, summary: `${done.summary}, allowed by your ${by}` } : done;
  }

  /**
   * Why the call must not run after all: its paths, resolved again right before the tool gets its request, no longer
   * name what was decided (a folder swapped for a symlink while the user was answering, another file renamed into
   * place).
   */
  async #movedSince(plan: DecidedCall): Promise<string | undefined> {
    let again: ResolvedNeeds;
    try {
      again = await resolveNeeds(plan.tool.needs(plan.args), this.#state.options.workspace);
    } catch (error) {
      return `its paths can no longer be resolved (${error instanceof Error ? error.message : error})`;
    }
    const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
    const before = plan.needs;
    if (!same(before.read, again.read) || !same(before.writeTargets, again.writeTargets)) {
      const now = [...again.read, ...again.writeTargets].join(", ");
      return `its paths changed between PAI's decision and the call (they now resolve to "${now}"): not run`;
    }
    const path = changedPath(plan.pinned, await fingerprint([...again.read, ...again.writeTargets]));
    return path ? `"${path}" was replaced by another file between PAI's decision and the call: not run` : undefined;
  }

  /** Caps, checks for injection markers, wraps as untrusted content and records a result. */
  async #finish(
    call: ToolCall,
    toolName: string,
    outcome: ToolOutcome,
    permissions?: Permissions,
    sources?: string[],
  ): Promise<ToolExecution> {
    const o = this.#state.options;
    const tool = { name: toolName };
    const result = capForModel(JSON.stringify(outcome));
    const markers = injectionMarkers(result);
    if (markers.length) {
      this.#state.taint(`text shaped like instructions (a prompt injection) from ${tool.name}`);
      await o.record({ kind: "policy_decision", check: "injection", tool: tool.name, markers });
    }
    const content = asUntrusted(tool.name, result, markers);
    const row = await o.record({
      kind: "tool_result",
      tool: tool.name,
      callId: call.id,
      ok: outcome.ok,
      ...(outcome.ok ? {} : { error: outcome.error.type }),
      content,
      size: content.length,
      // Under the chain, as the history keeps them (a secret-shaped part redacted): `verify` holds the history to
      // them. Always said, empty too, so that a row that says none is told from a row from before.
      sources: (sources ?? []).map((s) => redactSecrets(s)),
    }, { hold: o.holdResults });
    const recorded = row ? { auditHash: row.payloadHash } : {};
    return outcome.ok
      ? { call, ok: true, content, summary: `ok (${content.length} characters)`, permissions, outcome, ...recorded }
      : {
        call,
        ok: false,
        content,
        summary: `${outcome.error.type}: ${outcome.error.message}`,
        permissions,
        outcome,
        ...recorded,
      };
  }

  /**
   * The most sensitive label of what a call reached, its error included (a database's error message can quote its
   * rows, "not found" answers a question about the file). A file with other names may be a second name of
   * labelled data: it carries the highest label in use.
   */
  async #labelOf(plan: DecidedCall, paths: readonly string[]): Promise<Label | undefined> {
    const labels = this.#state.options.labels!;
    if (!paths.length) return undefined;
    const linked = new Set(plan.input.hardLinks?.map((l) => l.path));
    // The files a folder tool's result names were not decided on: one with other names (a hard link made in the
    // workspace to a labelled file) may be labelled data under a name no rule covers, so it carries the highest label
    // in use, as a named one does. Looked at only when that label is above what the paths say.
    const highest = labels.highest();
    const named = paths.map((p) => linked.has(p) ? higherLabel(labels.of(p), highest) : labels.of(p)).reduce(
      higherLabel,
    );
    if (named === higherLabel(named, highest)) return named;
    const unnamed = paths.filter((p) => !linked.has(p) && !plan.needs.read.includes(p));
    const links = await Promise.all(unnamed.map(async (p) => {
      try {
        const info = await Deno.lstat(p);
        return info.isFile && (info.nlink ?? 1) > 1;
      } catch {
        return false;
      }
    }));
    return links.some(Boolean) ? higherLabel(named, highest) : named;
  }

  /**
   * What a folder tool may open: the main model's ceiling, until the run holds data above it (its requests go to the
   * local model then, and the wider ceiling holds).
   */
  #folderCeiling(): Label | undefined {
    const labels = this.#state.options.labels;
    if (!labels?.mainCeiling) return undefined;
    return mayReceive(labels.mainCeiling, this.#state.seen().label) ? labels.mainCeiling : labels.ceiling;
  }

  /** The real paths a call's result drew from: what it read, and the files a folder tool's result names. */
  #sources(tool: AnyToolManifest, plan: DecidedCall, outcome: ToolOutcome): string[] {
    return [...plan.needs.read, ...(outcome.ok ? tool.resultPaths?.(outcome.result) ?? [] : [])];
  }

  /** Private data taints the run; a result (or error) from data the provider may not receive is withheld. */
  #checkLabel(tool: AnyToolManifest, label: Label, outcome: ToolOutcome): ToolOutcome {
    const labels = this.#state.options.labels!;
    if (label === "private" || label === "secret") this.#state.taint(`data labelled ${label} (from ${tool.name})`);
    return mayReceive(labels.ceiling, label) ? outcome : withheld(label, labels);
  }

  async #failed(call: ToolCall, type: string, message: string): Promise<ToolExecution> {
    const outcome = { ok: false as const, error: { type: type as ToolErrorType, message } };
    // Like every result, wrapped as untrusted: a refusal quotes what the model sent (a path, a tool name).
    const content = asUntrusted(call.name, JSON.stringify(outcome), []);
    const row = await this.#state.options.record({
      kind: "tool_result",
      tool: call.name,
      callId: call.id,
      ok: false,
      error: type,
      content,
      size: content.length,
    }, { hold: this.#state.options.holdResults });
    return {
      call,
      ok: false,
      content,
      summary: `${type}: ${message}`,
      outcome,
      ...(row ? { auditHash: row.payloadHash } : {}),
    };
  }
}

/** `sql_query` with `resource`: the same as resource_read (a read) or resource_update (a change) on it. */
function sqlOnResource(call: ToolCall): ToolCall | undefined {
  if (call.name !== "sql_query") return undefined;
  let args: { resource?: unknown; sql?: unknown; database?: unknown };
  try {
    args = JSON.parse(call.arguments || "{}");
  } catch {
    return undefined; // the ordinary path reports bad JSON
  }
  if (typeof args.resource !== "string" || typeof args.sql !== "string" || args.database !== undefined) {
    return undefined;
  }
  const name = sqlShape(args.sql).readOnly ? "resource_read" : "resource_update";
  return { ...call, name, arguments: JSON.stringify({ name: args.resource, query: args.sql }) };
}

/** The audit fields of a resource tool's call: which resource, of what kind, and what the tool does to it. */
function resourceAccess(
  toolName: string,
  args: unknown,
  host: ResourceHost,
): { kind: "resource_access"; tool: string; resource?: string; resourceKind?: ResourceKind; action: ResourceAction } {
  const name = (args as { name?: unknown }).name;
  const resource = typeof name === "string" ? name : undefined;
  const resourceKind = resource === undefined ? undefined : host.list().find((r) => r.name === resource)?.kind;
  // Every resource tool is named resource_<what it does> (resource_tools.ts).
  const action = toolName.replace(/^resource_/, "") as ResourceAction;
  return {
    kind: "resource_access",
    tool: toolName,
    action,
    ...(resource === undefined ? {} : { resource }),
    ...(resourceKind ? { resourceKind } : {}),
  };
}

/** The result PAI gives instead of data the provider may not receive. */
function withheld(label: Label, labels: NonNullable<ToolManagerOptions["labels"]>): ToolOutcome {
  const message = `PAI withheld this result: it comes from data labelled ${label}, and ${labels.provider} may ` +
    `receive at most "${labels.ceiling}"; use a local model for it`;
  return { ok: false, error: { type: "permission_denied", message } };
}

function merge(a: Permissions, b: Permissions): Permissions {
  return { read: [...a.read, ...b.read], write: [...a.write, ...b.write], net: [...a.net, ...b.net] };
}

/** The pre-grant flags that would allow these permissions, for the user. */
function grantFlagsHint(p: Permissions): string {
  return [
    p.read.length ? `--allow-read=${p.read.join(",")}` : "",
    p.write.length ? `--allow-write=${p.write.join(",")}` : "",
    p.net.length ? `--allow-net=${p.net.join(",")}` : "",
  ].filter(Boolean).join(" ");
}

/** The most bytes of a file read to show the change a write would make to it. */
const MAX_PREVIEW_BYTES = 1024 * 1024;

/**
 * The change a file tool's call would make, for its question: read in PAI (the user is shown it, the model never
 * is); none for a file that is not UTF-8 text or is too large to show.
 */
async function proposedChange(
  tool: AnyToolManifest,
  args: unknown,
  targets: readonly string[],
): Promise<ProposedChange | undefined> {
  if (targets.length !== 1) return undefined;
  const [path] = targets;
  // What cannot be shown is said: a question with no diff must not look like one for an empty change.
  const unshown = (why: string) => ({ path, after: "", unshown: why });
  let before: string | undefined;
  try {
    const info = await Deno.lstat(path);
    if (!info.isFile) return unshown("it is not a regular file");
    if (info.size > MAX_PREVIEW_BYTES) return unshown(`the file is larger than ${MAX_PREVIEW_BYTES / 1024 / 1024} MiB`);
    before = new TextDecoder("utf-8", { fatal: true }).decode(await Deno.readFile(path));
  } catch (error) {
    if (error instanceof TypeError) return unshown("the file is not UTF-8 text");
    if (!(error instanceof Deno.errors.NotFound)) return unshown("the file cannot be read");
  }
  const after = tool.proposed!(args, before);
  if (after === undefined) return unshown("the edit would fail (its text is not found once in the file)");
  return { path, ...(before !== undefined ? { before } : {}), after };
}

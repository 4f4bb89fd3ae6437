/** What prompt, chat and agent share: the turn context with its tools, and the JSON form of a result. */
import { errorJson, EXIT, PaiError } from "../core/errors.ts";
import type { TurnContext, TurnResult, TurnRound } from "../modes/engine.ts";
import { type ModeLimits, type ModeProfile, reachesResource } from "../core/mode_profile.ts";
import { recordConstraints } from "../modes/session_constraints.ts";
import { policyHere, type SessionContext } from "../modes/session_setup.ts";
import { lazyImport } from "../core/lazy_import.ts";
import { paiPaths } from "../core/paths.ts";
import { type ChatMessage, imageBytes, type Label } from "../core/types.ts";
import { DataGuard } from "../policy/data_guard.ts";
import { labelOfPath, labelOfSources, mayReceive } from "../policy/labels.ts";
import { higherLabel } from "../policy/policy.ts";
import { loadResources, type Resource } from "../resources/registry.ts";
import { noteText } from "../store/notes.ts";
import { createToolManager, fileLabel } from "../modes/tool_setup.ts";
import { liveWrittenLabels } from "../store/written_labels.ts";
import { databasePorts, SYSTEM_CLOCK } from "../modes/turn_ports.ts";
import { mainTarget, roleTargets, runCeiling } from "../modes/model_targets.ts";
import { BudgetRefusal, sessionBudget, sessionPrice } from "../modes/budget.ts";
import { costUsd } from "../providers/prices.ts";
import { sessionContext } from "../context/session_context.ts";
import { availablePrompter } from "./approval_prompter.ts";
import { type GrantFlags, pregrants } from "./pregrants.ts";
import type { CallPrompt, SystemFlags } from "./call_prompt.ts";
import type { AttachedInput, Attachments } from "./attachments.ts";
import { stdout } from "../ui/output.ts";

/** Flags of every mode that may use tools. */
export interface ToolFlags extends GrantFlags, SystemFlags {
  /** `--resource NAME`: registered files to attach to the prompt. */
  resource?: readonly string[];
  /** `-a/--attach FILE`: files to attach to the prompt (`attachments.ts`). */
  attach?: readonly string[];
  /** `--no-tools`: offer none (for models that take no tools). */
  tools: boolean;
  /** `--safe`: local providers only, no network tools, every call asks, nothing written outside the workspace. */
  safe: boolean;
  /** `-m/--model`: another model for this call (the conversation stays the session's). */
  model?: string;
}

/** Flags of the modes that resume a session: `--session ID|NAME`, or `--continue` (the one used last). */
export interface ResumeFlags {
  session?: string;
  continue: boolean;
}

/**
 * The context of a mode's turns: the session, the ports of its database (context manager, history, audit), the
 * budget and the clock, plus, unless `--no-tools`, the tool manager.
 */
export async function turnContext(
  ctx: SessionContext,
  profile: ModeProfile,
  flags: ToolFlags,
  limits: Partial<ModeLimits> = {},
  /**
   * `headless`: no one is asked, even at a terminal (an unattended assistant): what is not pre-granted is denied.
   * `system`: the call's system prompt (`-s`, a template) in place of config.json's. `runId`: what `pai undo` names
   * the run's file changes by (a new one when absent).
   */
  options: { headless?: boolean; system?: CallPrompt["system"]; runId?: string } = {},
): Promise<TurnContext> {
  const { locality, spec } = ctx.provider.resolved;
  const guard = new DataGuard(ctx.policy.scan, locality, spec.name);
  const database = databasePorts(ctx.db, ctx.session, profile);
  const price = sessionPrice(ctx);
  const budget = sessionBudget(ctx, profile.mode, { audit: database.audit, price });
  const targets = { main: mainTarget(ctx, budget, price), ...roleTargets(ctx, profile.mode, database.audit) };
  // What the run may hold (a request holding more than the main model may receive is routed: `turn_router.ts`).
  const { ceiling, receivers: provider } = runCeiling(targets);
  // The labels of the files runs wrote holding labelled data: read once, shared by the context and the tools (which
  // add what this run writes).
  const written = new Map(await liveWrittenLabels(ctx.db));
  const context = await sessionContext(ctx.db, ctx.session, profile, {
    config: ctx.config,
    resolved: ctx.provider.resolved,
    provider,
    mayReceive: (label) => mayReceive(ceiling, label),
    labelOf: await currentLabels(ctx, written),
  });
  const resources = await loadResources(paiPaths().configDir);
  // The project's instructions are read only for the modes that take them (their module loads only then).
  const chosen = !profile.projectInstructions ? options.system : await (await lazyImport<
    typeof import("./run_system_prompt.ts")
  >("./run_system_prompt.ts", import.meta.url)).runSystemPrompt(ctx, profile, options.system, {
    guard,
    ceiling: targets.main.ceiling,
    receivers: targets.main.name,
    labelOf: pathLabeler(ctx, resources, written),
  });
  const system = chosen && { config: { ...ctx.config, systemPrompt: chosen.text }, systemFrom: chosen.from };
  const ports = { ...database, context, price, budget, clock: SYSTEM_CLOCK, targets, ...system };
  const record = async (tools: readonly string[]) => {
    await recordConstraints(ctx.db, ctx.session, profile, {
      tools,
      resources: tools.length ? resources.filter((r) => reachesResource(profile, r)).map((r) => r.name) : [],
      limits: { ...profile.limits, ...limits },
      safe: ctx.policy.safe,
      policy: ctx.policy.sourceHashes,
    });
  };
  if (!flags.tools) {
    await record([]);
    return { ...ctx, ...ports, profile, guard };
  }
  const tools = await createToolManager({
    labels: { ceiling, provider, ...(targets.local ? { mainCeiling: targets.main.ceiling } : {}) },
    db: ctx.db,
    session: ctx.session,
    mode: profile.mode,
    profile,
    written,
    pregrants: await pregrants(flags),
    prompter: options.headless ? undefined : availablePrompter(),
    policy: ctx.policy,
    workspace: ctx.workspace,
    auditText: (payload) => guard.auditText(payload),
    // The turn loop writes a request after each result, and flushes what is held when the turn ends.
    holdResults: true,
    undoRun: { id: options.runId ?? newRunId(), sessionId: ctx.session.id, mode: profile.mode },
  });
  await record(tools.definitions().map((t) => t.name));
  return { ...ctx, ...ports, profile, tools, guard };
}

/**
 * The session with the policy as its files say now: a long-lived run (a chat, an assistant) builds each turn with it,
 * so that a file labelled, or a resource registered, while it runs is judged so from its next turn on. Its notices were
 * told when the run started.
 */
export async function withPolicyNow(ctx: SessionContext, safe: boolean): Promise<SessionContext> {
  const { policy } = await policyHere(ctx.db, (n) => Deno.env.get(n), () => {});
  if (safe) policy.safe = true;
  return { ...ctx, policy };
}

/**
 * How the history's data is labelled now: a file by the policy's rules and the resources that cover it, a
 * resource (`resource:NAME`) by its registration; a resource no longer registered keeps its stored label.
 */
async function currentLabels(
  ctx: SessionContext,
  written: ReadonlyMap<string, Label>,
): Promise<(sources: readonly string[]) => Label | undefined> {
  const resources = await loadResources(paiPaths().configDir);
  return (sources) => labelOfSources(sources, ctx.policy, resources, (p) => fileLabel(resources, written, p));
}

/** Options for {@linkcode resultJson}. */
export interface ResultJsonOptions {
  /** The error the run ends with (interrupted, or a stream that broke off). */
  failure?: PaiError;
}

/**
 * The one JSON object `--json` prints for a turn; its schema is in the README ("## Use"). The model's text is kept
 * apart for each round; each step gives the call's arguments and the tool's result as values, and what the model
 * was sent for it (`sentToModel`, capped and wrapped as untrusted content) as the string it was. With the error the
 * run ends with (`failure`), one object says all.
 */
export function resultJson(ctx: SessionContext, result: TurnResult, options: ResultJsonOptions = {}): string {
  const { failure } = options;
  const roundOf = result.rounds.flatMap((r, i) => Array<number>(r.steps).fill(i));
  return JSON.stringify({
    text: result.rounds.length ? printedText(result.rounds) : result.text,
    provider: ctx.session.provider,
    model: ctx.session.model,
    usage: result.usage,
    costUsd: costUsd(sessionPrice(ctx), result.usage),
    sessionId: ctx.session.id,
    interrupted: result.interrupted,
    incomplete: result.incomplete,
    stopReason: result.stopReason,
    stoppedBy: result.stoppedBy ?? null,
    routedTo: result.routedTo ?? null,
    error: failure ? errorJson(failure) : null,
    rounds: result.rounds.map((r) => ({ text: r.text, stopReason: r.stopReason })),
    steps: result.steps.map((s, i) => ({
      round: roundOf[i] ?? null,
      tool: s.call.name,
      arguments: parsedArguments(s.call.arguments),
      ok: s.ok,
      permissions: s.permissions ?? null,
      result: s.outcome.ok ? s.outcome.result : null,
      error: s.outcome.ok ? null : s.outcome.error,
      sentToModel: s.content,
    })),
  });
}

/** The rounds' texts as the terminal shows them: a round's text that follows another starts on a new line. */
function printedText(rounds: readonly TurnRound[]): string {
  return rounds.map((r) => r.text).filter(Boolean)
    .reduce((all, text) => all && !all.endsWith("\n") ? `${all}\n${text}` : all + text, "");
}

/** A call's arguments as a value; the model's raw text (a string) when it is not JSON. */
function parsedArguments(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * The error a turn the user interrupted (exit 130), whose stream broke off (exit 5), or that a budget stopped after
 * its first round (exit 8, its steps kept), ends with.
 */
export function cutShort(ctx: SessionContext, result: TurnResult): PaiError | undefined {
  const stopped = budgetStop(result);
  if (stopped) return stopped;
  if (result.interrupted) {
    return new PaiError("Interrupted; what arrived (and every step taken) is kept in the session", {
      exitCode: EXIT.INTERRUPTED,
    });
  }
  if (result.incomplete) {
    return new PaiError(`The answer from ${ctx.session.provider} ended before it was complete`, {
      exitCode: EXIT.PROVIDER,
      hint: "The connection dropped mid-answer; what arrived is kept in the session. Try again",
    });
  }
}

/** The error of a turn a budget stopped after its first round: what it did (kept), and which budget (exit 8). */
export function budgetStop(result: TurnResult): PaiError | undefined {
  const refusal = result.budgetRefusal;
  if (!refusal) return undefined;
  const [requests, steps] = [result.rounds.length, result.steps.length];
  const why = refusal instanceof BudgetRefusal ? refusal.reason : refusal.message;
  return new PaiError(
    `Stopped after ${requests} request${requests === 1 ? "" : "s"} and ${steps} tool call${steps === 1 ? "" : "s"} ` +
      `(kept in the session): ${why}`,
    { exitCode: EXIT.BUDGET, hint: refusal.hint },
  );
}

/** Throws the right error when the user interrupted the turn or the stream broke off (exit 130 or 5). */
export function failIfCutShort(ctx: SessionContext, result: TurnResult): void {
  const failure = cutShort(ctx, result);
  if (failure) throw failure;
}

/** `--dry-run`: exactly what would be sent, to which provider, after the scanners. */
function dryRunJson(ctx: SessionContext, result: TurnResult): string {
  // Where it would go: the main model, or the local one for data the main one may not receive.
  const target = result.dryRun!.target?.resolved ?? ctx.provider.resolved;
  const { spec, baseUrl, locality, model } = target;
  const request = result.dryRun!.request;
  return JSON.stringify(
    {
      provider: spec.name,
      model,
      baseUrl,
      locality,
      routed: target !== ctx.provider.resolved,
      findings: result.dryRun!.findings,
      refused: result.dryRun!.refusal?.message ?? null,
      request: {
        ...request,
        messages: request.messages.map(shownImages),
        tools: request.tools?.map((t) => t.name) ?? [],
      },
    },
    null,
    2,
  );
}

/** Prints what `--dry-run` found; a prompt the policy refuses is still refused (exit 7). */
export function printDryRun(ctx: SessionContext, result: TurnResult): void {
  stdout.write(`${dryRunJson(ctx, result)}\n`);
  if (result.dryRun?.refusal) throw result.dryRun.refusal;
}

/** A message as `--dry-run` shows it: each image by its name, type and size, not its bytes. */
function shownImages(m: ChatMessage) {
  if (!m.images?.length) return m;
  return { ...m, images: m.images.map((i) => ({ name: i.name, mediaType: i.mediaType, bytes: imageBytes(i) })) };
}

/**
 * The prompt with the `--resource` files attached, and the highest label among them. A resource labelled above
 * what the provider may receive is refused before anything is sent; a private
 * one also taints the run (the flow rule).
 */
export async function withResources(
  ctx: TurnContext & SessionContext,
  names: readonly string[],
  text: string,
): Promise<{ text: string; label?: Label; sources?: string[] }> {
  if (!names.length) return { text };
  // The backends load only to attach something: a prompt with no --resource never needs them.
  const { backendOf } = await lazyImport<typeof import("../resources/backends.ts")>(
    "../resources/backends.ts",
    import.meta.url,
  );
  const resources = await loadResources(paiPaths().configDir);
  const written = await liveWrittenLabels(ctx.db);
  const notes = { note: (name: string) => noteText(ctx.db, name) };
  const targets = runTargets(ctx);
  const { ceiling } = runCeiling(targets);
  const parts: string[] = [];
  let highest: Label | undefined;
  const sources: string[] = [];
  for (const name of names) {
    const r = resources.find((x) => x.name === name);
    if (!r) {
      const known = resources.map((x) => x.name).join(", ") || "none registered";
      throw new PaiError(`--resource "${name}": no such resource (${known})`, {
        exitCode: EXIT.USAGE,
        hint: `Register it: pai resource add ${name} --kind file --uri PATH --label LABEL`,
      });
    }
    // A file is judged where it is now: a registered path swapped for a link (a pull, another user) is labelled,
    // and read, as what it leads to (its backend resolves it). Kinds without `attach` are refused below.
    const attachment = await attaching(r, async () => await backendOf(r.kind).attach?.(r, notes));
    const real = attachment?.real;
    const labelOf = pathLabeler(ctx, resources, written);
    const label = r.uri?.startsWith("/") ? [r.uri, ...(real ? [real] : [])].map(labelOf).reduce(higherLabel) : r.label;
    if (!mayReceive(ceiling, label)) throw labelRefusal(`resource "${name}"`, label, targets);
    if (!attachment) {
      throw new PaiError(`--resource "${name}" is a ${r.kind}: only files and notes can be attached`, {
        exitCode: EXIT.USAGE,
        hint: "Let the agent reach it with its tools instead",
      });
    }
    if (label === "private" || label === "secret") ctx.tools?.taint?.(`resource "${name}" (labelled ${label})`);
    const content = await attaching(r, () => attachment.text());
    parts.push(`<resource name="${name}" label="${label}">\n${content.replace(/\n$/, "")}\n</resource>`);
    highest = highest ? higherLabel(highest, label) : label;
    sources.push(`resource:${name}`, ...(real ? [real] : []));
  }
  // The label goes with the prompt into the history: a summary of it is labelled so too.
  return { text: `${text}\n\n${parts.join("\n\n")}`, label: highest, sources };
}

/** A path's label: the policy's file rules, the resources that cover it, the label a run left on it. */
export function pathLabeler(
  ctx: Pick<SessionContext, "policy">,
  resources: readonly Resource[],
  written: ReadonlyMap<string, Label>,
): (path: string) => Label {
  return (path) => labelOfPath(path, ctx.policy, (p) => fileLabel(resources, written, p));
}

/** A run's id for `pai undo`: short enough to type. */
export function newRunId(): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 10);
}

/** Where the run's requests may go: its targets, or the main model alone (a context built without them). */
export function runTargets(ctx: TurnContext & SessionContext): Parameters<typeof runCeiling>[0] {
  return ctx.targets ?? { main: mainTarget(ctx, ctx.budget, ctx.price ?? null) };
}

/** The input with its `--resource` and `--attach` attachments (`attachments.ts`, loaded only for `--attach`). */
export async function withInput(
  ctx: TurnContext & SessionContext,
  attachments: Attachments,
  text: string,
): Promise<AttachedInput> {
  if (!attachments.files?.length) return await withResources(ctx, attachments.resources ?? [], text);
  const { withAttachments } = await lazyImport<typeof import("./attachments.ts")>("./attachments.ts", import.meta.url);
  return await withAttachments(ctx, attachments, text);
}

/** The refusal of an attachment (`what`) labelled above what every model of the run may receive: nothing is sent. */
export function labelRefusal(what: string, label: Label, targets: Parameters<typeof runCeiling>[0]): PaiError {
  const { ceiling, receivers } = runCeiling(targets);
  return new PaiError(`Not sent: ${what} is labelled ${label}, and ${receivers} may receive at most "${ceiling}"`, {
    exitCode: EXIT.POLICY,
    hint: 'Name a local model for such data: "pai init PROVIDER --model M --local-model ollama:MODEL"',
  });
}

/** Runs one step of attaching `r`; a failure (a missing file, an unreadable one) names the resource and its path. */
async function attaching<T>(r: Resource, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw new PaiError(
      `Cannot read resource "${r.name}" at "${r.uri}": ${error instanceof Error ? error.message : error}`,
      { exitCode: EXIT.FAILURE },
    );
  }
}

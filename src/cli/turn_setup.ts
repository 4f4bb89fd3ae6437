/** What prompt, chat and agent share: the turn context with its tools, and the JSON form of a result. */
import { EXIT, PaiError } from "../core/errors.ts";
import type { TurnContext, TurnResult } from "../modes/engine.ts";
import type { ModeProfile } from "../modes/profiles.ts";
import type { SessionContext } from "../modes/session_setup.ts";
import { DataGuard } from "../policy/data_guard.ts";
import { createToolManager } from "../modes/tool_setup.ts";
import { availablePrompter } from "./approval_prompter.ts";
import { type GrantFlags, pregrants } from "./pregrants.ts";

/** Flags of every mode that may use tools. */
export interface ToolFlags extends GrantFlags {
  /** `--no-tools`: offer none (for models that take no tools). */
  tools: boolean;
  /** `--safe`: local providers only, no network tools, every call asks, nothing written outside the workspace. */
  safe: boolean;
}

/** The context of a mode's turns: the session plus, unless `--no-tools`, the tool manager. */
export async function turnContext(ctx: SessionContext, profile: ModeProfile, flags: ToolFlags): Promise<TurnContext> {
  const { locality, spec } = ctx.provider.resolved;
  const guard = new DataGuard(ctx.policy.scan, locality, spec.name);
  if (!flags.tools) return { ...ctx, profile, guard };
  const tools = await createToolManager({
    db: ctx.db,
    session: ctx.session,
    mode: profile.mode,
    pregrants: await pregrants(flags),
    prompter: availablePrompter(),
    policy: ctx.policy,
    workspace: ctx.workspace,
  });
  return { ...ctx, profile, tools, guard };
}

/** The one JSON object `--json` prints for a turn. */
export function resultJson(ctx: SessionContext, result: TurnResult): string {
  return JSON.stringify({
    text: result.text,
    provider: ctx.session.provider,
    model: ctx.session.model,
    usage: result.usage,
    sessionId: ctx.session.id,
    interrupted: result.interrupted,
    incomplete: result.incomplete,
    stopReason: result.stopReason,
    stoppedBy: result.stoppedBy ?? null,
    steps: result.steps.map((s) => ({
      tool: s.call.name,
      arguments: s.call.arguments,
      ok: s.ok,
      permissions: s.permissions ?? null,
      result: s.content,
    })),
  });
}

/** Throws the right error when the user interrupted the turn or the stream broke off (exit 130 or 5). */
export function failIfCutShort(ctx: SessionContext, result: TurnResult): void {
  if (result.interrupted) {
    throw new PaiError("Interrupted; what arrived (and every step taken) is kept in the session", {
      exitCode: EXIT.INTERRUPTED,
    });
  }
  if (result.incomplete) {
    throw new PaiError(`The answer from ${ctx.session.provider} ended before it was complete`, {
      exitCode: EXIT.PROVIDER,
      hint: "The connection dropped mid-answer; what arrived is kept in the session. Try again",
    });
  }
}

/** `--dry-run`: exactly what would be sent, to which provider, after the scanners. */
export function dryRunJson(ctx: SessionContext, result: TurnResult): string {
  const { spec, baseUrl, locality, model } = ctx.provider.resolved;
  const request = result.dryRun!.request;
  return JSON.stringify(
    {
      provider: spec.name,
      model,
      baseUrl,
      locality,
      findings: result.dryRun!.findings,
      request: { ...request, tools: request.tools?.map((t) => t.name) ?? [] },
    },
    null,
    2,
  );
}

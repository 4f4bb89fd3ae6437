/** `pai status`: the current session at a glance. */
import type { CommandContext } from "@stricli/core";
import { sessionStart, type SessionUsage, sessionUsage, sessionUsageByModel } from "../audit/log.ts";
import { PaiError } from "../core/errors.ts";
import { checkEndpoint, driftError, type EndpointCheck } from "../modes/endpoint_pin.ts";
import { openState } from "../modes/session_setup.ts";
import { describeEndpoint, type Endpoint, endpointOf } from "../providers/endpoint.ts";
import { type ProviderName, type ResolvedProvider, resolveProvider } from "../providers/registry.ts";
import { countMessages } from "../store/messages.ts";
import { getSummary } from "../store/summaries.ts";
import { currentSession, ROLE_WORDS, ROLES } from "../store/sessions.ts";
import { formatUsd } from "../providers/prices.ts";
import { stdout } from "../ui/output.ts";
import { printTable } from "../ui/table.ts";
import { line } from "../ui/sanitize.ts";

/** Flags of `pai status`. */
export interface StatusFlags {
  json: boolean;
}

/**
 * Prints provider, model, the pinned endpoint and this environment's, mode, message count, tokens used and their
 * cost (`costUsd`: `null` when no answer had a known price). With --json, `pinned` (`null` for a session from before
 * pinning), `environment` (`{ baseUrl, locality }` or `{ problem }`) and `drift` (`true` when runs are refused,
 * `null` when the environment does not resolve) are stable; `baseUrl`/`locality` stay this environment's, as
 * before. A drift exits 0: status sends nothing and exists to show the problem (scripts read `drift`).
 */
export async function status(this: CommandContext, flags: StatusFlags): Promise<void> {
  const { config, db } = await openState();
  try {
    const session = currentSession(db);
    if (!session) {
      if (flags.json) stdout.write(`${JSON.stringify({ session: null })}\n`);
      else stdout.write('No session. Start one with "pai init PROVIDER --model MODEL" (see "pai providers").\n');
      return;
    }
    let resolved: ResolvedProvider | undefined;
    let environment: Endpoint | { problem: string };
    try {
      resolved = resolveProvider(
        { ...session, provider: session.provider as ProviderName },
        { env: (n) => Deno.env.get(n), localHosts: config.localHosts },
      );
      environment = endpointOf(resolved);
    } catch (error) {
      if (!(error instanceof PaiError)) throw error;
      environment = { problem: error.message };
    }
    // Read only: status never pins an old session (its next prompt does, or refuses).
    const check: EndpointCheck | undefined = "problem" in environment ? undefined : checkEndpoint(
      session,
      environment,
      session.pinned ? undefined : sessionStart(db, session.id),
    );
    const usage = sessionUsage(db, session.id);
    const messages = countMessages(db, session.id);
    const summary = getSummary(db, session.id);
    const byModel = sessionUsageByModel(db, session.id);
    if (flags.json) {
      const drift = check ? check.kind === "drift" : null;
      stdout.write(
        `${
          JSON.stringify({
            session: {
              ...session,
              ...environment,
              environment,
              drift,
              messages,
              usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens },
              costUsd: usage.costUsd,
              usageByModel: byModel,
              summary: summary ?? null,
            },
          })
        }\n`,
      );
      return;
    }
    printTable(stdout, [
      ["session", `${session.id} (started ${session.createdAt})`],
      ...(session.name ? [["name", session.name]] : []),
      ["provider", session.provider],
      ["endpoint", endpointLine(session.pinned, check)],
      ...environmentRows(environment, check),
      ["model", session.model],
      ...ROLES.flatMap((role) => {
        const r = session.roles[role];
        return r ? [[role, `${r.provider}:${r.model} at ${describeEndpoint(r.pinned)}: the ${ROLE_WORDS[role]}`]] : [];
      }),
      ["mode", session.mode],
      ["messages", String(messages)],
      [
        "summary",
        summary ? `of the older turns, ~${summary.tokens} tokens, labelled ${summary.label}: pai summary` : "none",
      ],
      ["tokens", `${usage.inputTokens} in, ${usage.outputTokens} out`],
      ["cost", costLine(usage)],
      // With models for roles, what each used.
      ...(byModel.length > 1
        ? byModel.map((u) => [
          `  ${u.provider}:${u.model}`,
          `${u.inputTokens} in, ${u.outputTokens} out, ${costLine(u)}`,
        ])
        : []),
    ]);
    if (check?.kind === "drift" && resolved) {
      const refusal = driftError({ session, resolved }, check);
      stdout.write(
        line`\nThis environment points elsewhere: prompts are refused and nothing is sent.\n${refusal.hint}\n`,
      );
    }
  } finally {
    db.close();
  }
}

/** The session's cost so far: `$0.0123`, or `unknown` with what to do, when an answer had no price. */
function costLine(usage: SessionUsage): string {
  if (!usage.unpricedResponses) return `${formatUsd(usage.costUsd ?? 0)} so far`;
  const known = usage.costUsd === null ? "" : `${formatUsd(usage.costUsd)} so far, and `;
  return `${known}unknown for ${usage.unpricedResponses} answer${usage.unpricedResponses === 1 ? "" : "s"}: ` +
    `the model's price is not known (set "inputPerMillion" and "outputPerMillion" in config.json "models")`;
}

function endpointLine(pinned: Endpoint | null, check: EndpointCheck | undefined): string {
  if (pinned) return `${describeEndpoint(pinned)}, pinned to the session`;
  if (check?.kind === "unpinned") {
    return `${describeEndpoint(check.now)}, not pinned yet (an older session): the next prompt pins it`;
  }
  if (check?.kind === "drift") return `"${check.expected.baseUrl}", recorded when the session started`;
  return "not pinned yet (an older session)";
}

/** A row for this environment's endpoint only when it is not the session's (or does not resolve). */
function environmentRows(environment: Endpoint | { problem: string }, check: EndpointCheck | undefined): string[][] {
  if ("problem" in environment) return [["environment", `not ready: ${environment.problem}`]];
  if (check?.kind !== "drift") return [];
  return [["environment", `${describeEndpoint(check.now)}: differs from the session's endpoint`]];
}

/**
 * The audit log's record of what a session's runs may do: written when a run starts with constraints other than
 * the last ones recorded for the session (the first run, another mode, a tool or resource more, a policy file
 * changed), so the log says what was possible at any time without a row per run.
 */
import { appendAudit } from "../audit/log.ts";
import type { SessionConstraintsEvent } from "../audit/events.ts";
import type { ModeLimits, ModeProfile } from "../core/mode_profile.ts";
import type { Database } from "../store/db.ts";
import type { Session } from "../store/sessions.ts";

/** What a run may do. */
export interface RunConstraints {
  tools: readonly string[];
  resources: readonly string[];
  limits: ModeLimits;
  safe: boolean;
  /** Each policy file in force and its SHA-256. */
  policy: Readonly<Record<string, string>>;
}

/** Records the run's constraints unless they are the session's last recorded ones for this mode. */
export async function recordConstraints(
  db: Database,
  session: Pick<Session, "id" | "provider" | "model">,
  profile: Pick<ModeProfile, "mode">,
  run: RunConstraints,
): Promise<void> {
  const event: SessionConstraintsEvent = {
    kind: "session",
    action: "constraints",
    sessionId: session.id,
    mode: profile.mode,
    provider: session.provider,
    model: session.model,
    tools: [...run.tools],
    resources: [...run.resources],
    limits: { ...run.limits },
    safe: run.safe,
    policy: { ...run.policy },
  };
  if (lastConstraints(db, session.id, profile.mode) === comparable(event)) return;
  await appendAudit(db, event);
}

/** The detail of the session's last constraints row for the mode, in the form `comparable` gives. */
function lastConstraints(db: Database, sessionId: string, mode: string): string | undefined {
  const row = db.prepare(
    `SELECT detail FROM audit_log WHERE session_id = ? AND mode = ? AND kind = 'session'
       AND json_extract(detail, '$.action') = 'constraints' ORDER BY id DESC LIMIT 1`,
  ).get(sessionId, mode);
  if (typeof row?.detail !== "string") return undefined;
  return comparable({ ...JSON.parse(row.detail), kind: "session" } as SessionConstraintsEvent);
}

/** The fields that make two runs' constraints the same, in a fixed order. */
function comparable(e: Pick<SessionConstraintsEvent, "tools" | "resources" | "limits" | "safe" | "policy">): string {
  const limits = { rounds: e.limits.rounds, callsPerTurn: e.limits.callsPerTurn, seconds: e.limits.seconds ?? null };
  const policy = Object.entries(e.policy).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([e.tools, e.resources, limits, e.safe, policy]);
}

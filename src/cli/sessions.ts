/** `pai sessions [list|show|rename|rm]`: the conversations PAI keeps, to see, name, resume and delete. */
import type { CommandContext } from "@stricli/core";
import { sessionUsage } from "../audit/log.ts";
import { EXIT, PaiError } from "../core/errors.ts";
import { withDatabase } from "../modes/session_setup.ts";
import { formatUsd } from "../providers/prices.ts";
import type { Database } from "../store/db.ts";
import { countMessages } from "../store/messages.ts";
import {
  currentSession,
  deleteSession,
  findSession,
  listSessions,
  renameSession,
  type Session,
} from "../store/sessions.ts";
import { stdout } from "../ui/output.ts";
import { line } from "../ui/sanitize.ts";
import { printTable } from "../ui/table.ts";

/** What a session name may be: a word a shell passes as it is. */
const SESSION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A session as listed: its fields, its messages, and what it cost. */
function summaryOf(db: Database, s: Session, current: string | undefined) {
  const usage = sessionUsage(db, s.id);
  return {
    id: s.id,
    name: s.name,
    current: s.id === current,
    provider: s.provider,
    model: s.model,
    mode: s.mode,
    messages: countMessages(db, s.id),
    lastUsed: s.updatedAt,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    costUsd: usage.costUsd,
  };
}

/** Lists the sessions, the one used last first. */
export async function list(this: CommandContext, flags: { json: boolean }): Promise<void> {
  await withDatabase((db) => {
    const current = currentSession(db)?.id;
    const rows = listSessions(db).map((s) => summaryOf(db, s, current));
    if (flags.json) return void stdout.write(`${JSON.stringify(rows)}\n`);
    if (!rows.length) return void stdout.write('No sessions. Start one with "pai init PROVIDER --model MODEL".\n');
    printTable(stdout, [
      ["", "ID", "NAME", "PROVIDER/MODEL", "MESSAGES", "LAST USED", "COST"],
      ...rows.map((r) => [
        r.current ? "*" : "",
        r.id.slice(0, 8),
        r.name ?? "-",
        `${r.provider}/${r.model}`,
        String(r.messages),
        r.lastUsed.slice(0, 16).replace("T", " "),
        r.costUsd === null ? "unknown" : formatUsd(r.costUsd),
      ]),
    ]);
    stdout.write('\n* current. "pai chat --session ID|NAME" resumes another.\n');
  });
}

/** Shows one session. */
export async function show(this: CommandContext, flags: { json: boolean }, ref: string): Promise<void> {
  await withDatabase((db) => {
    const session = found(db, ref);
    const row = summaryOf(db, session, currentSession(db)?.id);
    if (flags.json) return void stdout.write(`${JSON.stringify({ ...session, ...row })}\n`);
    printTable(stdout, [
      ["session", `${session.id}${row.current ? " (current)" : ""}`],
      ["name", session.name ?? "-"],
      ["provider", session.provider],
      ["model", session.model],
      ["endpoint", session.pinned ? `${session.pinned.baseUrl} (${session.pinned.locality})` : "not pinned yet"],
      ["messages", String(row.messages)],
      ["started", session.createdAt],
      ["last used", `${session.updatedAt} (${session.mode})`],
      ["tokens", `${row.inputTokens} in, ${row.outputTokens} out`],
      ["cost", row.costUsd === null ? "unknown" : formatUsd(row.costUsd)],
    ]);
  });
}

/** Names a session (or renames it). */
export async function rename(this: CommandContext, _flags: Record<never, never>, ref: string, name: string) {
  checkName(name, "the new name");
  await withDatabase((db) => {
    const session = found(db, ref);
    const taken = findSession(db, name);
    if (taken && typeof taken !== "string" && taken.id !== session.id && taken.name === name) {
      throw new PaiError(`A session named "${name}" exists already (${taken.id.slice(0, 8)})`, {
        exitCode: EXIT.USAGE,
      });
    }
    renameSession(db, session.id, name);
    stdout.write(line`Session ${session.id.slice(0, 8)} is named ${name}.\n`);
  });
}

/** Deletes a session: its history, summary, working memory and approvals (the audit log keeps its rows). */
export async function rm(this: CommandContext, _flags: Record<never, never>, ref: string): Promise<void> {
  await withDatabase((db) => {
    const session = found(db, ref);
    const wasCurrent = currentSession(db)?.id === session.id;
    const messages = countMessages(db, session.id);
    deleteSession(db, session.id);
    stdout.write(
      line`Deleted session ${session.name ?? session.id.slice(0, 8)} and its ${String(messages)} messages ` +
        "(the audit log keeps its records)." +
        (wasCurrent ? ' It was the current session: "pai init" starts another, or "--session" resumes one.' : "") +
        "\n",
    );
  });
}

function found(db: Database, ref: string): Session {
  const session = findSession(db, ref);
  if (typeof session === "string") throw new PaiError(session, { exitCode: EXIT.USAGE });
  if (!session) {
    throw new PaiError(`No session "${ref}"`, { exitCode: EXIT.USAGE, hint: '"pai sessions" lists them' });
  }
  return session;
}

/** Refuses a name a session cannot have. */
export function checkName(name: string, what: string): void {
  if (!SESSION_NAME.test(name)) {
    throw new PaiError(`${what} "${name}" cannot name a session: use letters, digits, ".", "_" and "-" (64 at most)`, {
      exitCode: EXIT.USAGE,
    });
  }
}

/** `pai reset`: forget the conversation, keep the records. */
import type { CommandContext } from "@stricli/core";
import { appendAudit } from "../audit/log.ts";
import { openState } from "../modes/session_setup.ts";
import { clearMessages } from "../store/messages.ts";
import { clearSummary } from "../store/summaries.ts";
import { clearMemories } from "../store/memories.ts";
import { listSavedGrants } from "../store/saved_grants.ts";
import { clearSessionGrants } from "../store/session_grants.ts";
import type { Database } from "../store/db.ts";
import { currentSession, type Session } from "../store/sessions.ts";
import { stdout } from "../ui/output.ts";

/** Clears the current session's history, summary, working memory and session approvals; the audit log is untouched. */
export async function reset(this: CommandContext): Promise<void> {
  const { db } = await openState();
  try {
    const session = currentSession(db);
    if (!session) {
      stdout.write("No session: nothing to reset.\n");
      return;
    }
    stdout.write(`${await resetSession(db, session)}\n`);
  } finally {
    db.close();
  }
}

/** Forgets `session`'s conversation (`pai reset`, chat's `/clear`), records it, and says what went and what stays. */
export async function resetSession(db: Database, session: Session): Promise<string> {
  const removed = clearMessages(db, session.id);
  const summarised = clearSummary(db, session.id);
  const memories = clearMemories(db, session.id);
  // "Allow for this session" ends with the session's history; "always" approvals are the user's to revoke.
  const approvals = clearSessionGrants(db, { sessionId: session.id });
  await appendAudit(db, {
    kind: "session",
    sessionId: session.id,
    provider: session.provider,
    model: session.model,
    action: "reset",
    messagesCleared: removed,
    approvalsRevoked: approvals,
    ...(memories ? { memoriesCleared: memories } : {}),
  });
  const said = `Cleared ${removed} messages${summarised ? ", the summary of older turns" : ""}` +
    `${memories ? `, ${memories} memories of the assistant's working memory` : ""} and ${approvals} approval(s) ` +
    "for this session (the audit log keeps its records).";
  const saved = listSavedGrants(db).length;
  return saved
    ? `${said}\n${saved} saved approval(s) stay: "pai policy approvals" lists them, "pai policy revoke" removes one.`
    : said;
}

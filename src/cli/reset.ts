/** `pai reset`: forget the conversation, keep the records. */
import type { CommandContext } from "@stricli/core";
import { appendAudit } from "../audit/log.ts";
import { openState } from "../modes/session_setup.ts";
import { clearMessages } from "../store/messages.ts";
import { currentSession } from "../store/sessions.ts";
import { stdout } from "../ui/output.ts";

/** Clears the current session's history; the audit log is untouched. */
export async function reset(this: CommandContext): Promise<void> {
  const { db } = await openState();
  try {
    const session = currentSession(db);
    if (!session) {
      stdout.write("No session: nothing to reset.\n");
      return;
    }
    const removed = clearMessages(db, session.id);
    await appendAudit(db, {
      kind: "session",
      sessionId: session.id,
      provider: session.provider,
      model: session.model,
      payload: `history reset: ${removed} messages cleared`,
    });
    stdout.write(`Cleared ${removed} messages from the session (the audit log keeps its records).\n`);
  } finally {
    db.close();
  }
}

/** The user's own changes (resources registered or removed, a project policy trusted, budgets), as audit rows. */
import type {
  AuditEvent,
  BudgetChangedEvent,
  MemoryRemovedEvent,
  PolicyTrustEvent,
  ResourceChangedEvent,
} from "../audit/events.ts";
import { appendAudit } from "../audit/log.ts";
import type { Database } from "../store/db.ts";
import { currentSession } from "../store/sessions.ts";

/** A change the user made at the command line, without the columns this adds. */
export type UserChange =
  | Pick<ResourceChangedEvent, "change" | "resource" | "resourceKind">
  | Pick<PolicyTrustEvent, "change" | "folder" | "policyHash">
  | Pick<BudgetChangedEvent, "change" | "budget" | "amount" | "cleared">
  | Pick<MemoryRemovedEvent, "change" | "memoryId" | "label">;

/** Records a change of the user's, under the current session when there is one, as the user's (no mode). */
export async function recordUserChange(db: Database, change: UserChange): Promise<void> {
  const session = currentSession(db);
  const where = session ? { sessionId: session.id, provider: session.provider, model: session.model } : {};
  await appendAudit(db, { kind: "user_change", ...change, ...where, actor: "user" } as AuditEvent);
}

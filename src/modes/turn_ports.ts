/**
 * The collaborators of the turn loop, as interfaces: each capability (context, budgets, audit, history, tools,
 * time) plugs into the one loop through its port, and tests pass hand-written fakes. `databasePorts` gives the
 * ones a real run uses, over the session's database.
 */
import { type AppendedRow, auditSink } from "../audit/log.ts";
import type { AuditEvent } from "../audit/events.ts";
import type { Usage } from "../core/types.ts";
import type { Database } from "../store/db.ts";
import { appendMessages, type StoredMessage } from "../store/messages.ts";
import { touchSession } from "../store/sessions.ts";
import type { ModeProfile } from "../core/mode_profile.ts";

/**
 * Where the turn's audit events go (one sink per connection serialises the appends). A real sink resolves to the
 * row written: its payload hash is how the requests that carry the row's content name it.
 */
export interface AuditPort {
  emit(event: AuditEvent): Promise<AppendedRow | void>;
  /**
   * Keeps an event to be written with the next one, in the same commit; resolves to its payload hash (a fake may
   * say nothing). What is held is written by the next `emit`, or by `flush`.
   */
  hold(event: AuditEvent): Promise<string | void>;
  flush(): Promise<void>;
}

/** Where the turn is kept, whole, once it is over. */
export interface HistoryPort {
  append(messages: readonly StoredMessage[]): void;
}

/** What a request may spend, reserved before it is sent and settled with what it used. */
export interface BudgetPort {
  /**
   * Reserves the estimate of one request; throws a `PaiError` naming the budget (nothing is sent) when the
   * request would pass it.
   */
  reserve(estimate: Usage, options?: ReserveOptions): Promise<Reservation>;
}

/** Options for {@linkcode BudgetPort.reserve}. */
export interface ReserveOptions {
  /** Told when a budget passes 80 % of its limit (once per budget and day, across processes). */
  notice?: (text: string) => void;
}

/** One request's reservation. */
export interface Reservation {
  /** Replaces the estimate with what the provider reported. */
  settle(actual: Usage): Promise<void>;
}

/** The time, for deadlines and records. */
export interface Clock {
  now(): number;
}

export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

/** A budget that lets every request go (tests; a real run uses `databaseBudget` in `budget.ts`). */
export const NO_BUDGET: BudgetPort = {
  reserve: () => Promise.resolve({ settle: () => Promise.resolve() }),
};

/** The audit and history ports of a session's database (a profile that keeps no history writes none). */
export function databasePorts(db: Database, session: { id: string }, profile: Pick<ModeProfile, "mode" | "history">): {
  audit: AuditPort;
  history: HistoryPort;
} {
  const sink = auditSink(db);
  const { mode } = profile;
  return {
    audit: { emit: (event) => sink.append(event), hold: (event) => sink.hold(event), flush: () => sink.flush() },
    history: profile.history === "none" ? { append() {} } : {
      append(messages) {
        appendMessages(db, session.id, messages);
        touchSession(db, session.id, mode);
      },
    },
  };
}

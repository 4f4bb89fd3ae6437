/**
 * The scanners' side of one turn: each request goes through the data guard,
 * what it found is recorded and told to the user once, and everything the
 * audit log keeps of the turn is what the policy sent, never a raw secret.
 */
import { appendAudit, type AuditEntry } from "../audit/log.ts";
import type { ChatMessage, Usage } from "../core/types.ts";
import { type DataGuard, type Guarded, type GuardFinding, PlaceholderRestorer } from "../policy/data_guard.ts";
import type { ChatRequest } from "../providers/provider.ts";
import type { Database } from "../store/db.ts";
import type { ToolHost } from "./engine.ts";

/** The audit columns every row of a turn shares. */
export type Who = Omit<AuditEntry, "kind" | "payload" | "usage">;

/** What a turn guard needs. */
export interface TurnGuardContext {
  db: Database;
  guard?: DataGuard;
  tools?: ToolHost;
}

/** The one line that tells the user what was stripped from a request (kinds, counts and places, never a secret). */
export function strippedNotice(stripped: readonly GuardFinding[]): string | undefined {
  if (!stripped.length) return undefined;
  const parts = stripped.map((f) => {
    const what = f.rule === "unicode_tags"
      ? "invisible Unicode tag character"
      : "invisible zero-width or format character";
    return `${f.count} ${what}${f.count === 1 ? "" : "s"} from ${f.where}`;
  });
  const hidden = stripped.filter((f) => f.hidden).map((f) => `"${f.hidden}"`);
  const spelled = hidden.length ? `; the tag characters spelled out: ${hidden.join(", ")}` : "";
  return `pai: removed ${parts.join(" and ")} before sending${spelled}`;
}

/**
 * The findings for the audit log's policy_decision row. Stripped tag
 * characters are recorded with what they spelled (redacted, cut short): the
 * rows of the text itself keep it stripped, so this is the evidence.
 */
function summary(findings: readonly GuardFinding[]): string {
  return findings.map((f) => {
    const spelled = f.hidden ? ` spelling ${JSON.stringify(f.hidden)}` : "";
    const how = f.encoding ? `, ${f.encoding}` : f.count ? `, ${f.count} from ${f.where}${spelled}` : "";
    return `${f.rule} (${f.action}${how}) in a ${f.role} message`;
  }).join(", ");
}

/** The guard of one turn. */
export class TurnGuard {
  #ctx: TurnGuardContext;
  #who: Who;
  #onNotice?: (text: string) => void;
  /** The first request, inspected when the prompt was recorded (so it is not scanned twice). */
  #pending?: Guarded;
  /** Notices already given in this turn: each is told once, not again for every round of tool calls. */
  #told = new Set<string>();

  constructor(ctx: TurnGuardContext, who: Who, onNotice?: (text: string) => void) {
    this.#ctx = ctx;
    this.#who = who;
    this.#onNotice = onNotice;
  }

  /**
   * Records the prompt as the policy would send it (redacted, stripped); a
   * blocked prompt is recorded so too, with the rule that blocked it, and
   * then refused.
   */
  async recordPrompt(messages: readonly ChatMessage[], userText: string): Promise<void> {
    const guarded = this.#ctx.guard?.inspect(messages);
    await this.#append("prompt", guarded ? guarded.audit[messages.length - 1] : userText);
    if (!guarded?.refusal) {
      this.#pending = guarded;
      return;
    }
    const blocked = [...new Set(guarded.report.findings.filter((f) => f.action === "block").map((f) => f.rule))];
    await this.#append(
      "policy_decision",
      `scan: ${summary(guarded.report.findings)}; the prompt was blocked (${blocked.join(", ")}) and not sent`,
    );
    throw guarded.refusal;
  }

  /** The request to send, after the scanners, and what restores the placeholders in the answer. */
  async protect(unprotected: ChatRequest): Promise<{ request: ChatRequest; restorer?: PlaceholderRestorer }> {
    const guarded = this.#pending ?? this.#ctx.guard?.inspect(unprotected.messages);
    this.#pending = undefined;
    if (!guarded) return { request: unprotected };
    if (guarded.refusal) throw guarded.refusal;
    const findings = guarded.report.findings;
    if (findings.length) {
      await this.#append("policy_decision", `scan: ${summary(findings)}`);
      this.#taint(findings);
      this.#notify(findings);
    }
    return {
      request: { ...unprotected, messages: guarded.messages },
      restorer: new PlaceholderRestorer(guarded.report.placeholders),
    };
  }

  /** Records a row of the turn (an answer, an error) as the audit log keeps text: see `DataGuard.auditText`. */
  record(kind: AuditEntry["kind"], payload: string, usage?: Usage): Promise<void> {
    return this.#append(kind, this.#ctx.guard ? this.#ctx.guard.auditText(payload) : payload, usage);
  }

  /** Personal data or secrets sent as they are (local providers, or "warn"/"allow") are in the context now. */
  #taint(findings: readonly GuardFinding[]): void {
    // What was hidden in tag characters was stripped, not sent.
    const sentInClear = findings.find((f) => (f.action === "allow" || f.action === "warn") && f.encoding !== "tags");
    if (sentInClear) {
      this.#ctx.tools?.taint?.(`${sentInClear.kind === "secret" ? "a secret" : "personal data"} (${sentInClear.rule})`);
    }
  }

  #notify(findings: readonly GuardFinding[]): void {
    const lines = findings.filter((f) => f.action === "warn" && f.encoding !== "tags")
      .map((f) => `warning: sending ${f.kind === "secret" ? "a secret" : "personal data"} (${f.rule})`);
    const fresh = findings.filter((f) => f.action === "strip" && !this.#told.has(`${f.rule} ${f.where} ${f.count}`));
    for (const f of fresh) this.#told.add(`${f.rule} ${f.where} ${f.count}`);
    const stripped = strippedNotice(fresh);
    for (const line of stripped ? [...lines, stripped] : lines) this.#onNotice?.(line);
  }

  #append(kind: AuditEntry["kind"], payload: string, usage?: Usage): Promise<void> {
    return appendAudit(this.#ctx.db, { ...this.#who, kind, payload, ...(usage ? { usage } : {}) });
  }
}

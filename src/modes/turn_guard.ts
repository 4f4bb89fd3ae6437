/**
 * The scanners' side of one turn: each request goes through the data guard,
 * what it found is recorded and told to the user once, and everything the
 * audit log keeps of the turn is what the policy sent, never a raw secret.
 */
import {
  answerIdentity,
  type AuditCommon,
  type AuditEvent,
  type AuditFinding,
  type AuditToolCall,
  type CarriedPiece,
  type PromptEvent,
  redactEvent,
  type RouteDecisionEvent,
} from "../audit/events.ts";
import type { AuditPort } from "./turn_ports.ts";
import { EXIT, PaiError } from "../core/errors.ts";
import type { AppendedRow } from "../audit/log.ts";
import { sha256 } from "../audit/chain.ts";
import type { ChatMessage, MessageSent, ToolCall, Usage } from "../core/types.ts";
import type { Endpoint } from "../providers/endpoint.ts";
import { redactSecrets } from "../core/redact.ts";
import { type DataGuard, type Guarded, type GuardFinding, PlaceholderRestorer } from "../policy/data_guard.ts";
import type { ChatRequest } from "../providers/provider.ts";
import { costUsd, type ModelPrice } from "../providers/prices.ts";
import type { ToolHost } from "./engine.ts";

/** The audit columns every row of a turn shares. */
export type Who = Omit<AuditCommon, "usage">;

/** The events a turn records. */
type TurnEvent = Extract<AuditEvent, { kind: "prompt" | "request" | "response" | "error" | "policy_decision" }>;

/** What a turn guard needs. */
export interface TurnGuardContext {
  audit: AuditPort;
  guard?: DataGuard;
  tools?: ToolHost;
  /** The model's price, to record what each answer cost (absent or `null`: unknown, recorded as `null`). */
  price?: ModelPrice | null;
  /** Where the requests go (credential-free), as each request row records it. */
  endpoint: Endpoint;
}

/** A request after the scanners, and how each of its messages goes. */
export interface ProtectedRequest {
  request: ChatRequest;
  restorer?: PlaceholderRestorer;
  /** For each message: as written, redacted or withheld (all as written when nothing is scanned). */
  how: MessageSent[];
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
 * The findings for the audit log's policy_decision row, field by field (so a
 * field added to a finding is not stored unless named here: never a value).
 * Stripped tag characters are recorded with what they spelled (redacted, cut
 * short): the rows of the text itself keep it stripped, so this is the evidence.
 */
function auditFindings(findings: readonly GuardFinding[]): AuditFinding[] {
  return findings.map((f) => ({
    rule: f.rule,
    kind: f.kind,
    action: f.action,
    role: f.role,
    ...(f.encoding ? { encoding: f.encoding } : {}),
    ...(f.count !== undefined ? { count: f.count } : {}),
    ...(f.where ? { where: f.where } : {}),
    ...(f.hidden ? { hidden: f.hidden } : {}),
  }));
}

/** The guard of one turn. */
export class TurnGuard {
  #ctx: TurnGuardContext;
  #who: Who;
  #onNotice?: (text: string) => void;
  /** The first request, inspected when the prompt was recorded (so it is not scanned twice), and its messages. */
  #pending?: Guarded;
  #pendingFor?: readonly ChatMessage[];
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
  async recordPrompt(
    messages: readonly ChatMessage[],
    userText: string,
    about: Pick<PromptEvent, "purpose" | "context" | "sources" | "system"> = {},
  ): Promise<string | undefined> {
    const guarded = this.#ctx.guard?.inspect(messages);
    const text = guarded ? guarded.audit[messages.length - 1] : userText;
    // Written in one commit with the next row: the request that sends it, or what stopped it.
    // Its attachments' sources as the history keeps them (a secret-shaped part redacted), said when empty too.
    const sources = about.purpose ? {} : { sources: (about.sources ?? []).map((s) => redactSecrets(s)) };
    // A system prompt given for the call is kept as the audit keeps any text: every secret in it replaced, even one
    // a local provider may be sent.
    const system = about.system && {
      system: {
        ...about.system,
        text: this.#ctx.guard?.auditText(about.system.text) ?? redactSecrets(about.system.text),
      },
    };
    const hash = await this.#ctx.audit.hold({ kind: "prompt", text, ...about, ...sources, ...system, ...this.#who });
    if (!guarded?.refusal) {
      this.#pending = guarded;
      this.#pendingFor = messages;
      return hash ?? undefined;
    }
    const blocked = [...new Set(guarded.report.findings.filter((f) => f.action === "block").map((f) => f.rule))];
    await this.#append({
      kind: "policy_decision",
      check: "scan",
      findings: auditFindings(guarded.report.findings),
      blocked,
    });
    throw guarded.refusal;
  }

  /**
   * Refuses, as `recordPrompt` does, an input the scanners block, before anything else is sent for it (a summary of
   * older turns). Scans the input alone only when asked, so a turn that sends no summary scans it once.
   */
  async refuseBlockedInput(userText: string): Promise<void> {
    const alone: ChatMessage[] = [{ role: "user", content: userText }];
    if (this.#ctx.guard?.inspect(alone).refusal) await this.recordPrompt(alone, userText);
  }

  /**
   * Refuses a system prompt given for the call (`-s`, a template) that the scanners would change: it is the user's
   * text, scanned as the input is, but sent as written or not at all (a redacted instruction would mean something
   * else). Recorded as the input's refusal is.
   */
  async refuseChangedSystem(system: { text: string; from: string }): Promise<void> {
    const found = (this.#ctx.guard?.inspect([{ role: "user", content: system.text }]).report.findings ?? [])
      .filter((f) => f.action !== "allow" && f.action !== "warn");
    if (!found.length) return;
    const rules = [...new Set(found.map((f) => f.rule))];
    await this.#append({ kind: "policy_decision", check: "scan", findings: auditFindings(found), blocked: rules });
    throw new PaiError(
      `Not sent: the system prompt (${system.from}) holds what the policy ${
        found.some((f) => f.action === "block") ? "blocks" : "changes"
      } for this provider (${rules.join(", ")})`,
      { exitCode: EXIT.POLICY, hint: "A system prompt is sent as written or not at all: take that out of it" },
    );
  }

  /** Records that a request goes to the local model instead (routing by data), before its request row. */
  async recordRoute(event: Pick<RouteDecisionEvent, "label" | "from" | "to" | "purpose">): Promise<void> {
    await this.#append({ kind: "policy_decision", check: "route", ...event });
  }

  /** Records a request the context manager refused for a label, with its reason, before the refusal is thrown. */
  async recordLabelRefusal(reason: string): Promise<void> {
    await this.#append({ kind: "policy_decision", check: "label", reason });
  }

  /** The request to send, after the scanners, and what restores the placeholders in the answer. */
  async protect(unprotected: ChatRequest): Promise<ProtectedRequest> {
    // The inspection made with the prompt holds for those messages only (a plan added after it is scanned anew).
    const pending = this.#pendingFor === unprotected.messages ? this.#pending : undefined;
    const guarded = pending ?? this.#ctx.guard?.inspect(unprotected.messages);
    this.#pending = this.#pendingFor = undefined;
    if (!guarded) return { request: unprotected, how: unprotected.messages.map(() => "as_written") };
    if (guarded.refusal) throw guarded.refusal;
    const findings = guarded.report.findings;
    if (findings.length) {
      await this.#append({ kind: "policy_decision", check: "scan", findings: auditFindings(findings), blocked: [] });
      this.#taint(findings);
      this.#notify(findings);
    }
    return {
      request: { ...unprotected, messages: guarded.messages },
      restorer: new PlaceholderRestorer(guarded.report.placeholders),
      how: guarded.how,
    };
  }

  /**
   * Records a request about to be sent: where it goes and each piece of data its messages carry (`ChatMessage.carries`),
   * with how the message that carried it went. What `pai audit where` answers from.
   */
  async recordRequest(messages: readonly ChatMessage[], how: readonly MessageSent[], purpose?: "summary" | "plan") {
    // A source is the user's own path or resource name, kept as it is (so that `where` finds it), but for a part
    // shaped like a secret: the audit log never keeps one. Personal data in a path (a folder named after an email
    // address) is the user's path, not data sent.
    const env = Deno.env.toObject();
    const carried: CarriedPiece[] = messages.flatMap((m, i) =>
      (m.carries ?? []).map((piece) => ({
        ...piece,
        ...(piece.sources ? { sources: piece.sources.map((source) => redactSecrets(source, env)) } : {}),
        sent: how[i] ?? "as_written",
      }))
    );
    const { baseUrl, locality } = this.#ctx.endpoint;
    await this.#append({ kind: "request", baseUrl, locality, ...(purpose ? { purpose } : {}), carried });
  }

  /**
   * Records one answer of the model, its text and tool calls as the audit log keeps text (`DataGuard.auditText`),
   * with its tokens and what it cost.
   */
  async recordResponse(
    text: string,
    toolCalls: readonly ToolCall[],
    usage: Usage,
    options: { hold?: boolean } = {},
  ): Promise<string | undefined> {
    const calls: AuditToolCall[] = toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments }));
    const cost = costUsd(this.#ctx.price, usage);
    const event = this.#redacted({ kind: "response", text, toolCalls: calls, usage, costUsd: cost });
    // An answer whose calls run next waits for their first row's commit (the flush at the turn's end, at the latest).
    const row = options.hold ? await this.#ctx.audit.hold({ ...event, ...this.#who }) : await this.#append(event);
    // The answer is named by its text and its calls as recorded (`answerIdentity`), not by its payload hash alone.
    return row ? await sha256(answerIdentity(event.text, event.toolCalls)) : undefined;
  }

  /** Records a provider's error as the audit log keeps text. */
  async recordError(message: string): Promise<void> {
    await this.#appendRedacted({ kind: "error", message });
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

  #appendRedacted(event: TurnEvent): Promise<AppendedRow | void> {
    return this.#append(this.#redacted(event));
  }

  /** The event as the audit log keeps text (`DataGuard.auditText`). */
  #redacted<E extends TurnEvent>(event: E): E {
    const guard = this.#ctx.guard;
    return guard ? redactEvent(event, (text) => guard.auditText(text)) : event;
  }

  #append(event: TurnEvent): Promise<AppendedRow | void> {
    return this.#ctx.audit.emit({ ...event, ...this.#who });
  }
}

/**
 * Applies the scanners' actions to everything a request sends: block (the
 * prompt is not sent; a tool result is withheld), redact (a stable
 * placeholder such as `[EMAIL_1]` goes instead), warn, or allow — per
 * finding kind and per provider class. Placeholders are numbered afresh for
 * each request, in order, so one value always gets the same placeholder.
 * They are restored only in what the user sees, never in tool arguments
 * (that would send the real value where the model chose).
 */
import { EXIT, PaiError } from "../core/errors.ts";
import type { ChatMessage } from "../core/types.ts";
import type { Locality, Policy, ScanAction } from "./policy.ts";
import { scanText } from "./scan_rules.ts";

/** What was found in one request (rule ids and actions only: never the values). */
export interface GuardReport {
  findings: { rule: string; kind: string; action: ScanAction; role: string }[];
  /** Placeholder → value, to restore what the user sees. */
  placeholders: Map<string, string>;
}

/** The scanners' actions for one provider class. */
export class DataGuard {
  #scan: Policy["scan"];
  #locality: Locality;
  #provider: string;

  constructor(scan: Policy["scan"], locality: Locality, provider: string) {
    this.#scan = scan;
    this.#locality = locality;
    this.#provider = provider;
  }

  /** The messages to send, after the policy's actions; throws when a user message must not be sent. */
  protect(messages: readonly ChatMessage[]): { messages: ChatMessage[]; report: GuardReport } {
    const placeholders = new Map<string, string>();
    const byValue = new Map<string, string>();
    const counters = new Map<string, number>();
    const report: GuardReport = { findings: [], placeholders };
    const out = messages.map((m) => {
      if (m.role === "system") return m;
      const findings = scanText(m.content);
      if (!findings.length) return m;
      const actions = findings.map((f) => this.#scan[f.rule.kind][this.#locality]);
      findings.forEach((f, i) =>
        report.findings.push({ rule: f.rule.id, kind: f.rule.kind, action: actions[i], role: m.role })
      );
      const blocked = findings.filter((_, i) => actions[i] === "block");
      if (blocked.length && m.role === "user") {
        const rules = [...new Set(blocked.map((f) => f.rule.id))].join(", ");
        throw new PaiError(
          `Not sent: the prompt contains ${
            blocked[0].rule.kind === "secret" ? "a secret" : "personal data"
          } (${rules}), ` +
            `and the policy blocks that for ${this.#locality} providers (${this.#provider})`,
          {
            exitCode: EXIT.POLICY,
            hint: 'Remove it, use a local model (pai init ollama --model MODEL), or change "scan" in policy.json',
          },
        );
      }
      if (blocked.length && m.role === "tool") {
        const rules = [...new Set(blocked.map((f) => f.rule.id))].join(", ");
        const message =
          `PAI withheld this result: it contains a ${blocked[0].rule.kind} (${rules}), which the policy ` +
          `does not let reach ${this.#locality} providers`;
        return { ...m, content: JSON.stringify({ ok: false, error: { type: "permission_denied", message } }) };
      }
      // Redact (and, in the model's own earlier answers, anything blocked too: it is never re-sent).
      let text = "";
      let at = 0;
      findings.forEach((f, i) => {
        text += m.content.slice(at, f.start);
        at = f.end;
        if (actions[i] === "redact" || actions[i] === "block") {
          let placeholder = byValue.get(f.value);
          if (!placeholder) {
            const n = (counters.get(f.rule.placeholder) ?? 0) + 1;
            counters.set(f.rule.placeholder, n);
            placeholder = `[${f.rule.placeholder}_${n}]`;
            byValue.set(f.value, placeholder);
            placeholders.set(placeholder, f.value);
          }
          text += placeholder;
        } else text += f.value;
      });
      return { ...m, content: text + m.content.slice(at) };
    });
    return { messages: out, report };
  }
}

/**
 * Puts redacted values back into streamed text for the user. A placeholder
 * may arrive split across chunks, so text from an unclosed "[" is held back
 * (at most a placeholder's length).
 */
export class PlaceholderRestorer {
  #placeholders: Map<string, string>;
  #held = "";

  constructor(placeholders: Map<string, string>) {
    this.#placeholders = placeholders;
  }

  push(piece: string): string {
    if (!this.#placeholders.size) return piece;
    let text = this.#held + piece;
    this.#held = "";
    const open = text.lastIndexOf("[");
    if (open !== -1 && !text.includes("]", open) && text.length - open < 24) {
      this.#held = text.slice(open);
      text = text.slice(0, open);
    }
    return this.#restore(text);
  }

  flush(): string {
    const rest = this.#restore(this.#held);
    this.#held = "";
    return rest;
  }

  #restore(text: string): string {
    return text.replace(/\[[A-Z_]+_\d+\]/g, (p) => this.#placeholders.get(p) ?? p);
  }
}

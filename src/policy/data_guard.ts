/**
 * Applies the scanners' actions to everything a request sends: block (the
 * prompt is not sent; a tool result is withheld), redact (a stable
 * placeholder such as `[EMAIL_1]` goes instead), warn, or allow — per
 * finding kind and per provider class. Placeholders are numbered afresh for
 * each request, in order, so one value always gets the same placeholder.
 * They are restored only in what the user sees, never in tool arguments
 * (that would send the real value where the model chose).
 *
 * Before scanning, invisible characters (Unicode tag characters, zero-width
 * and other invisible format characters: `invisible.ts`) are stripped from
 * every message, for every provider, local ones too: they carry instructions
 * the user never saw. What tag characters spell is scanned as well, so that a
 * secret hidden in them gets the policy's action (block) like a visible one.
 */
import { EXIT, PaiError } from "../core/errors.ts";
import type { ChatMessage, MessageSent } from "../core/types.ts";
import type { Locality, Policy, ScanAction } from "./policy.ts";
import { type InvisibleRun, stripInvisible } from "./invisible.ts";
import { type Finding, scanText } from "./scan_rules.ts";

/** One thing the scanners found or removed: rule ids and actions, never the values. */
export interface GuardFinding {
  /** A scan rule's id, or `unicode_tags` / `invisible_format` for stripped characters. */
  rule: string;
  /** `secret`, `personal`, or `invisible` for stripped characters. */
  kind: string;
  action: ScanAction | "strip";
  role: string;
  /** How a secret was disguised: `hex`, `base64`, `spaced`, or `tags` (spelled in invisible tag characters). */
  encoding?: string;
  /** Stripped characters: how many, and where from (`the prompt`, `piped stdin`, `the result of fs_read` …). */
  count?: number;
  where?: string;
  /** What stripped tag characters spell, with findings replaced (`[SECRET]`) and cut at 80 characters. */
  hidden?: string;
}

/** What was found in one request. */
export interface GuardReport {
  findings: GuardFinding[];
  /** Placeholder → value, to restore what the user sees. */
  placeholders: Map<string, string>;
}

/** What {@linkcode DataGuard.inspect} makes of a request. */
export interface Guarded {
  /** The messages to send, after the policy's actions. */
  messages: ChatMessage[];
  report: GuardReport;
  /**
   * Each message as the audit log keeps it: what the policy sends (or would
   * send, for a blocked prompt), and every secret replaced by its placeholder
   * even where the policy lets the secret through (see {@linkcode DataGuard.auditText}).
   */
  audit: string[];
  /** How each message goes: as written, redacted (or stripped), or withheld (a tool result replaced by a notice). */
  how: MessageSent[];
  /** Set when a user message must not be sent: the error to throw once the attempt is recorded. */
  refusal?: PaiError;
}

const PREVIEW_CHARS = 80;

const DISGUISES: Record<string, string> = {
  hex: "hex-encoded",
  base64: "base64-encoded",
  spaced: "spaced out",
  tags: "hidden in invisible characters",
};

/** A rule as named to the user: `openai_key`, `openai_key hex-encoded`. */
function ruleName(rule: string, encoding?: string): string {
  return encoding ? `${rule} ${DISGUISES[encoding]}` : rule;
}

/** Numbers placeholders: one value, one placeholder. */
class Namer {
  readonly placeholders = new Map<string, string>();
  #byValue = new Map<string, string>();
  #counters = new Map<string, number>();

  /** `after`: continue another namer's numbering and names, so that no placeholder means two values. */
  constructor(after?: Namer) {
    if (!after) return;
    this.#byValue = new Map(after.#byValue);
    this.#counters = new Map(after.#counters);
  }

  name(prefix: string, value: string): string {
    const known = this.#byValue.get(value);
    if (known) return known;
    const n = (this.#counters.get(prefix) ?? 0) + 1;
    this.#counters.set(prefix, n);
    const placeholder = `[${prefix}_${n}]`;
    this.#byValue.set(value, placeholder);
    this.placeholders.set(placeholder, value);
    return placeholder;
  }

  /** `text` with every value this namer knows replaced by its placeholder. */
  replaceKnown(text: string): string {
    let out = text;
    for (const [value, placeholder] of this.#byValue) if (out.includes(value)) out = out.split(value).join(placeholder);
    return out;
  }
}

/** Where in a request a stretch of stripped characters was, for the user's warning. */
function whereIn(m: ChatMessage, current: boolean, offset: number): string {
  if (m.role === "tool") {
    const tool = /^<tool_output tool="([^"]+)"/.exec(m.content)?.[1];
    return tool ? `the result of ${tool}` : "a tool result";
  }
  if (m.role === "assistant") return "an earlier answer";
  if (!current) return "an earlier prompt";
  const before = m.content.slice(0, offset);
  const stdin = before.lastIndexOf("\n<stdin>\n");
  const resource = before.lastIndexOf('\n<resource name="');
  if (stdin === -1 && resource === -1) return "the prompt";
  if (stdin > resource) return "piped stdin";
  return `resource "${/^\n<resource name="([^"]*)"/.exec(m.content.slice(resource))?.[1]}"`;
}

/** The scanners' actions for one provider class. */
export class DataGuard {
  #scan: Policy["scan"];
  #locality: Locality;
  #provider: string;
  /** The last request's placeholders, for what the audit log keeps of tool calls, results and answers. */
  #lastRequest = new Namer();
  /** Values found only in what is recorded after the last request (tool calls and results, answers). */
  #afterRequest = new Namer(this.#lastRequest);
  /** Placeholders of secrets the policy lets through: they are kept out of the audit log all the same. */
  #auditOnly = new Namer();

  constructor(scan: Policy["scan"], locality: Locality, provider: string) {
    this.#scan = scan;
    this.#locality = locality;
    this.#provider = provider;
  }

  /** The messages to send, after the policy's actions; throws when a user message must not be sent. */
  protect(messages: readonly ChatMessage[]): { messages: ChatMessage[]; report: GuardReport } {
    const guarded = this.inspect(messages);
    if (guarded.refusal) throw guarded.refusal;
    return guarded;
  }

  /** The messages to send, what was found, what the audit keeps, and whether a user message is refused. */
  inspect(messages: readonly ChatMessage[]): Guarded {
    const namer = new Namer();
    const report: GuardReport = { findings: [], placeholders: namer.placeholders };
    const current = messages.findLastIndex((m) => m.role === "user");
    const each = messages.map((m, i) => this.#message(m, i === current, namer, report));
    this.#lastRequest = namer;
    this.#afterRequest = new Namer(namer);
    return {
      messages: each.map((e) => e.sent),
      report,
      audit: each.map((e) => e.audit),
      how: each.map((e) => e.how),
      refusal: each.find((e) => e.refusal)?.refusal,
    };
  }

  /** One message: stripped, scanned, and what is sent and recorded of it. */
  #message(
    m: ChatMessage,
    current: boolean,
    namer: Namer,
    report: GuardReport,
  ): { sent: ChatMessage; audit: string; how: MessageSent; refusal?: PaiError } {
    if (m.role === "system") return { sent: m, audit: m.content, how: "as_written" };
    const { text, runs } = stripInvisible(m.content);
    this.#reportStripped(m, current, runs, report);
    const findings = scanText(text);
    const actions = findings.map((f) => this.#action(f));
    // What tag characters spelled is not sent (it was stripped), but it gets the policy's action all the same.
    const hidden = runs.flatMap((r) => scanText(r.hidden)).map((f) => ({ rule: f.rule, encoding: "tags" }));
    const found: { rule: Finding["rule"]; encoding?: string }[] = [...findings, ...hidden];
    for (const f of found) {
      const encoding = f.encoding ? { encoding: f.encoding } : {};
      report.findings.push({ rule: f.rule.id, kind: f.rule.kind, action: this.#action(f), role: m.role, ...encoding });
    }
    const audit = this.#redacted(
      text,
      findings,
      (_, k) => actions[k] !== "allow" && actions[k] !== "warn",
      namer,
      true,
    );
    const blocked = found.filter((f) => this.#action(f) === "block");
    const rules = [...new Set(blocked.map((f) => ruleName(f.rule.id, f.encoding)))].join(", ");
    if (blocked.length && m.role === "user") {
      const refusal = this.#refusal(blocked[0].rule.kind, rules);
      return { sent: { ...m, content: text }, audit, how: "redacted", refusal };
    }
    if (blocked.length && m.role === "tool") {
      const message = `PAI withheld this result: it contains a ${blocked[0].rule.kind} (${rules}), ` +
        `which the policy does not let reach ${this.#locality} providers`;
      const content = JSON.stringify({ ok: false, error: { type: "permission_denied", message } });
      return { sent: { ...m, content }, audit, how: "withheld" };
    }
    // Redact (and, in the model's own earlier answers, anything blocked too: it is never re-sent).
    const sent = this.#redacted(text, findings, (_, k) => actions[k] === "redact" || actions[k] === "block", namer);
    return sent === m.content
      ? { sent: m, audit, how: "as_written" }
      : { sent: { ...m, content: sent }, audit, how: "redacted" };
  }

  /**
   * `text` as the audit log keeps it: stripped of invisible characters, with
   * every value the last request redacted, every value the policy redacts or
   * blocks, and every secret (whatever the policy's action) replaced by a
   * placeholder. Why secrets even when the policy allows them (a local
   * provider): the audit log keeps what the policy sent, but it is kept for
   * good, queried and exported, and it must not become a store of the user's
   * keys; a secret's rule and action are recorded instead. Personal data the
   * policy lets through stays as it was sent.
   */
  auditText(text: string): string {
    const stripped = stripInvisible(text).text;
    const known = this.#afterRequest.replaceKnown(this.#auditOnly.replaceKnown(stripped));
    const findings = scanText(known);
    const actions = findings.map((f) => this.#action(f));
    return this.#redacted(
      known,
      findings,
      (_, k) => actions[k] !== "allow" && actions[k] !== "warn",
      this.#afterRequest,
      true,
    );
  }

  #action(f: Pick<Finding, "rule">): ScanAction {
    return this.#scan[f.rule.kind][this.#locality];
  }

  /**
   * `text` with the findings that `replace` picks replaced by placeholders;
   * with `forAudit`, secrets are replaced too (named apart from the request's
   * placeholders).
   */
  #redacted(
    text: string,
    findings: readonly Finding[],
    replace: (f: Finding, index: number) => boolean,
    namer: Namer,
    forAudit = false,
  ): string {
    let out = "";
    let at = 0;
    findings.forEach((f, k) => {
      out += text.slice(at, f.start);
      at = f.end;
      if (replace(f, k)) out += namer.name(f.rule.placeholder, f.value);
      else if (forAudit && f.rule.kind === "secret") out += this.#auditOnly.name(f.rule.placeholder, f.value);
      else out += f.value;
    });
    return out + text.slice(at);
  }

  /** Reports stripped characters, one finding per kind and place. */
  #reportStripped(m: ChatMessage, current: boolean, runs: readonly InvisibleRun[], report: GuardReport): void {
    const byPlace = new Map<string, GuardFinding>();
    for (const run of runs) {
      const where = whereIn(m, current, run.start);
      const rule = run.kind === "tag" ? "unicode_tags" : "invisible_format";
      const key = `${rule} ${where}`;
      const f = byPlace.get(key) ??
        { rule, kind: "invisible", action: "strip" as const, role: m.role, count: 0, where, hidden: "" };
      f.count! += run.count;
      if (run.hidden) f.hidden = `${f.hidden ? `${f.hidden} ` : ""}${redactedPreview(run.hidden)}`;
      byPlace.set(key, f);
    }
    for (const f of byPlace.values()) {
      if (!f.hidden) delete f.hidden;
      else if (f.hidden.length > PREVIEW_CHARS) f.hidden = `${f.hidden.slice(0, PREVIEW_CHARS - 1)}…`;
      report.findings.push(f);
    }
  }

  #refusal(kind: string, rules: string): PaiError {
    return new PaiError(
      `Not sent: the prompt contains ${kind === "secret" ? "a secret" : "personal data"} (${rules}), ` +
        `and the policy blocks that for ${this.#locality} providers (${this.#provider})`,
      {
        exitCode: EXIT.POLICY,
        hint: 'Remove it, use a local model (pai init ollama --model MODEL), or change "scan" in policy.json',
      },
    );
  }
}

/** Hidden text fit to show the user: whatever the scanners find in it replaced by `[SECRET]`, `[EMAIL]` … */
function redactedPreview(hidden: string): string {
  let out = "";
  let at = 0;
  for (const f of scanText(hidden)) {
    out += `${hidden.slice(at, f.start)}[${f.rule.placeholder}]`;
    at = f.end;
  }
  return out + hidden.slice(at);
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

/**
 * What the audit log stores of each event's content (`audit.content` in `config.json`):
 *
 * - `redacted` (the default): the text as PAI sent it, after the policy's redaction, with every secret replaced
 *   by its placeholder, even one the policy let through to a local model.
 * - `full`: the text as PAI sent it. The audit copy never keeps a raw secret, so today this is the same text as
 *   `redacted`; it says that nothing else is to be withheld, should the default ever withhold more.
 * - `hash`: no content at all, only its SHA-256: the payload is NULL, `payload_hash` is kept, and the fields of
 *   `detail` that carry content text (a response's tool-call arguments, a prompt's system prompt given for the
 *   call, what hidden characters spelled) are
 *   replaced by `sha256:` and their hash. Anyone holding the text can still prove it is what was recorded.
 *
 * @example
 * ```ts
 * const event = await withheldFields({ kind: "response", text: "…", toolCalls: [{ id: "c1", name: "fs_read", arguments: '{"path":"a"}' }] });
 * // event.toolCalls[0].arguments === "sha256:…"
 * ```
 */
import type { AuditEvent } from "./events.ts";
import { sha256, WITHHELD_KEY, WITHHELD_VALUE } from "./chain.ts";

/** The values of `audit.content`. */
export const AUDIT_CONTENTS = ["redacted", "full", "hash"] as const;

/** What the audit log stores of each event's content. */
export type AuditContent = typeof AUDIT_CONTENTS[number];

/** A content text replaced by its hash. */
async function hashed(text: string): Promise<string> {
  return `sha256:${await sha256(text)}`;
}

/**
 * The event with the content text that its `detail` would carry replaced by its hash (its payload, the content
 * field itself, is withheld by the sink). Listed by kind: the other fields say what happened (tools, paths,
 * rules, counts), which is the proof the user asked to keep.
 */
export async function withheldFields(event: AuditEvent): Promise<AuditEvent> {
  switch (event.kind) {
    case "response":
      return {
        ...event,
        toolCalls: await Promise.all(
          event.toolCalls.map(async (c) => ({ ...c, arguments: await hashed(c.arguments) })),
        ),
      };
    case "policy_decision":
      if (event.check !== "scan") return event;
      return {
        ...event,
        findings: await Promise.all(
          event.findings.map(async (f) => f.hidden === undefined ? f : { ...f, hidden: await hashed(f.hidden) }),
        ),
      };
    case "prompt":
      return event.system ? { ...event, system: { ...event.system, text: await hashed(event.system.text) } } : event;
    default:
      return event;
  }
}

/** A stored `detail` (JSON) marked as a row whose content was withheld. */
export function markWithheld(detail: string): string {
  return JSON.stringify({ ...JSON.parse(detail), [WITHHELD_KEY]: WITHHELD_VALUE });
}

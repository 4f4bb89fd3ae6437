import assert from "node:assert/strict";
import { type AuditEvent, eventOf, redactEvent, storedEvent, summary } from "./events.ts";

const NONE = { read: [], write: [], net: [] };

/** One event of every kind and variant, with the line `pai audit list` shows for it. */
const EXAMPLES: [AuditEvent, string][] = [
  [{ kind: "prompt", text: "summarise\nmy notes" }, "prompt: summarise my notes"],
  [
    { kind: "response", text: "", toolCalls: [{ id: "c1", name: "fs_list", arguments: "{}" }] },
    "response:  (+1 tool call)",
  ],
  [{ kind: "error", message: "connection reset" }, "error: connection reset"],
  [
    { kind: "tool_call", tool: "fs_read", callId: "c1", arguments: '{"path":"a.md"}' },
    'tool call fs_read {"path":"a.md"}',
  ],
  [
    {
      kind: "grant",
      tool: "fs_read",
      permissions: { ...NONE, read: ["/w/a.md"] },
      flags: ["--no-prompt", "--allow-read=/w/a.md"],
      reason: "within the mode's defaults",
    },
    'granted fs_read read of "/w/a.md": within the mode\'s defaults',
  ],
  [
    { kind: "denial", tool: "fs_read", reason: "it is a secret", by: "policy" },
    "denied fs_read (by the policy): it is a secret",
  ],
  [
    { kind: "approval", tool: "fetch", missing: { ...NONE, net: ["example.com"] }, answer: "session" },
    "asked about fetch net to example.com: session",
  ],
  [
    { kind: "tool_result", tool: "fs_read", callId: "c1", ok: false, error: "not_found", content: "x", size: 1 },
    "fs_read result: not_found, 1 characters",
  ],
  [
    {
      kind: "resource_access",
      tool: "resource_read",
      resource: "docs",
      resourceKind: "folder",
      action: "read",
      outcome: "refused",
      reason: "path must stay inside the folder",
    },
    'resource_read "docs" (folder): refused: path must stay inside the folder',
  ],
  [
    {
      kind: "policy_decision",
      check: "scan",
      findings: [{ rule: "openai_key", kind: "secret", action: "block", role: "user" }],
      blocked: ["openai_key"],
    },
    "scan: openai_key (block) in a user message; the prompt was blocked (openai_key) and not sent",
  ],
  [
    { kind: "policy_decision", check: "injection", tool: "fetch", markers: ["ignore (all )?previous"] },
    "injection markers in fetch: ignore (all )?previous",
  ],
  [
    { kind: "budget", budget: "daily-tokens", unit: "tokens", limit: 10000, used: 8200, action: "warn" },
    "budget daily-tokens: 8200 of 10000 tokens used: warn",
  ],
  [
    { kind: "session", action: "started", origin: "default", baseUrl: "http://127.0.0.1:11434/v1", locality: "local" },
    "default session started at http://127.0.0.1:11434/v1 (local)",
  ],
  [
    { kind: "session", action: "reset", messagesCleared: 4, approvalsRevoked: 1 },
    "history reset: 4 messages cleared, 1 session approvals revoked",
  ],
  [
    { kind: "session", action: "endpoint_pinned", baseUrl: "http://127.0.0.1:8080/v1", locality: "local" },
    "endpoint pinned to http://127.0.0.1:8080/v1 (local): the session predates endpoint pinning",
  ],
  [
    {
      kind: "session",
      action: "endpoint_refused",
      expected: { baseUrl: "http://127.0.0.1:8080/v1", locality: "local" },
      baseUrl: "https://api.openai.com/v1",
      locality: "remote",
      reason: "the environment now points elsewhere",
    },
    "endpoint refused: the environment now points elsewhere",
  ],
  [
    {
      kind: "user_change",
      change: "approval_saved",
      tool: "fs_read",
      scope: "always",
      permissions: { ...NONE, read: ["/w"] },
    },
    'approval saved (always): fs_read read of "/w"',
  ],
  [
    {
      kind: "user_change",
      change: "approval_revoked",
      id: "s3",
      scope: "session",
      tool: "fs_read",
      access: "read",
      value: "/w",
    },
    'approval revoked: s3 (fs_read: read of "/w")',
  ],
  [
    { kind: "user_change", change: "approvals_revoked", saved: 2, ofSession: 1 },
    "approvals revoked: all (2 saved, 1 for the session)",
  ],
  [
    { kind: "user_change", change: "resource_removed", resource: "crm", resourceKind: "sqlite" },
    'resource removed: "crm" (sqlite)',
  ],
  [{ kind: "user_change", change: "policy_trusted", folder: "/w/.pai" }, "policy trusted: /w/.pai"],
];

Deno.test("summary() renders every kind of event as one line", () => {
  for (const [event, line] of EXAMPLES) assert.equal(summary(event), line);
});

Deno.test("summary() cuts a long text short on one line", () => {
  const line = summary({ kind: "prompt", text: `${"a".repeat(100)}\n${"b".repeat(100)}` });
  assert.equal(line, `prompt: ${"a".repeat(79)}…`);
});

/** A row as SQLite returns it for `event`, written by the sink. */
function rowOf(event: AuditEvent): Record<string, unknown> {
  const stored = storedEvent(event);
  return {
    kind: stored.kind,
    session_id: event.sessionId ?? null,
    mode: event.mode ?? null,
    provider: event.provider ?? null,
    model: event.model ?? null,
    input_tokens: event.usage?.inputTokens ?? 0,
    output_tokens: event.usage?.outputTokens ?? 0,
    payload: stored.payload,
    detail: stored.detail,
  };
}

Deno.test("storedEvent() keeps the content in payload and the other fields in detail; eventOf() reads them back", () => {
  for (const [event] of EXAMPLES) {
    const who = { sessionId: "s1", mode: "agent", provider: "ollama", model: "m" } as const;
    const full: AuditEvent = { ...event, ...who, ...(event.kind === "response" ? { usage: ZERO_BUT_ONE } : {}) };
    assert.deepEqual(eventOf(rowOf(full)), full, event.kind);
  }
  const stored = storedEvent({ kind: "tool_call", sessionId: "s1", tool: "fs_read", callId: "c1", arguments: "{}" });
  assert.deepEqual(stored, { kind: "tool_call", payload: "{}", detail: '{"tool":"fs_read","callId":"c1"}' });
  assert.equal(storedEvent({ kind: "denial", tool: "t", reason: "r", by: "policy" }).payload, "");
});

const ZERO_BUT_ONE = { inputTokens: 0, outputTokens: 1 };

Deno.test("eventOf() gives nothing for a row written before events were typed, or a detail that is not an object", () => {
  assert.equal(eventOf({ kind: "session", payload: "session started at http://x (local)", detail: null }), undefined);
  assert.equal(eventOf({ kind: "prompt", payload: "hi", detail: "[1]" }), undefined);
  assert.equal(eventOf({ kind: "prompt", payload: "hi", detail: "{" }), undefined);
});

Deno.test("redactEvent() redacts every text an event carries, nested ones too, and never what says what it is", () => {
  const redact = (text: string) => text.replaceAll("sk-secret", "[SECRET_1]");
  const event: AuditEvent = {
    kind: "response",
    sessionId: "sk-secret-session",
    text: "use sk-secret",
    toolCalls: [{ id: "c1", name: "fs_read", arguments: '{"path":"sk-secret"}' }],
  };
  assert.deepEqual(redactEvent(event, redact), {
    kind: "response",
    sessionId: "sk-secret-session",
    text: "use [SECRET_1]",
    toolCalls: [{ id: "c1", name: "fs_read", arguments: '{"path":"[SECRET_1]"}' }],
  });
  const grant = redactEvent({
    kind: "grant",
    tool: "fs_read",
    permissions: { read: ["/w/sk-secret"], write: [], net: [] },
    flags: ["--allow-read=/w/sk-secret"],
    reason: "approved for sk-secret",
  }, redact);
  assert.ok(!JSON.stringify(grant).includes("sk-secret"), JSON.stringify(grant));
  const kept = redactEvent({ kind: "session", action: "reset", messagesCleared: 1, approvalsRevoked: 0 }, () => "x");
  assert.deepEqual(kept, { kind: "session", action: "reset", messagesCleared: 1, approvalsRevoked: 0 });
});

/** A small audit log for the query tests: two sessions on two days, written through the real sink. */
import type { AuditEvent } from "./events.ts";
import { appendAudit } from "./log.ts";
import { type Database, openDatabase } from "../store/db.ts";

/** Runs `work` on a fresh database in a temporary folder. */
export async function withDb(work: (db: Database) => Promise<void> | void): Promise<void> {
  const dir = Deno.makeTempDirSync();
  const db = openDatabase(dir);
  try {
    await work(db);
  } finally {
    db.close();
    Deno.removeSync(dir, { recursive: true });
  }
}

export const S1 = "11111111-aaaa-4000-8000-000000000001";
export const S2 = "22222222-bbbb-4000-8000-000000000002";

/** A small log of two sessions on two days (UTC), in this order. */
const EVENTS: [string, AuditEvent][] = [
  ["2026-05-01T08:00:00.000Z", {
    kind: "session",
    action: "started",
    origin: "init",
    baseUrl: "http://127.0.0.1:1/v1",
    locality: "local",
    sessionId: S1,
    provider: "ollama",
    model: "llama3.2",
  }],
  ["2026-05-01T08:01:00.000Z", {
    kind: "prompt",
    text: "renew my passport",
    sessionId: S1,
    mode: "prompt",
    provider: "ollama",
    model: "llama3.2",
  }],
  ["2026-05-01T08:01:01.000Z", {
    kind: "response",
    text: "Sure.",
    toolCalls: [],
    sessionId: S1,
    mode: "prompt",
    provider: "ollama",
    model: "llama3.2",
    usage: { inputTokens: 100, outputTokens: 5 },
  }],
  ["2026-05-02T09:00:00.000Z", {
    kind: "tool_call",
    tool: "fs_read",
    callId: "c1",
    arguments: '{"path":"notes/todo.md"}',
    sessionId: S2,
    mode: "agent",
    provider: "openai",
    model: "gpt-4o-mini",
  }],
  ["2026-05-02T09:00:01.000Z", {
    kind: "grant",
    tool: "fs_read",
    permissions: { read: ["/home/me/notes/todo.md"], write: [], net: [] },
    flags: ["--allow-read=/home/me/notes/todo.md"],
    reason: "within the mode's defaults",
    sessionId: S2,
    mode: "agent",
    provider: "openai",
    model: "gpt-4o-mini",
  }],
  ["2026-05-02T09:00:02.000Z", {
    kind: "tool_result",
    tool: "fs_read",
    callId: "c1",
    ok: true,
    content: "- renew passport\n- call Ann",
    size: 27,
    sessionId: S2,
    mode: "agent",
    provider: "openai",
    model: "gpt-4o-mini",
  }],
  ["2026-05-02T09:00:03.000Z", {
    kind: "response",
    text: "Done.",
    toolCalls: [],
    sessionId: S2,
    mode: "agent",
    provider: "openai",
    model: "gpt-4o-mini",
    usage: { inputTokens: 300, outputTokens: 20 },
  }],
];

/** Appends {@linkcode EVENTS} at their times. */
export async function fill(db: Database): Promise<void> {
  for (const [ts, event] of EVENTS) await appendAudit(db, event, new Date(ts));
}

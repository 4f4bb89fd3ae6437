import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { appendAudit } from "./log.ts";
import { historyProblem } from "./history_check.ts";
import { withDb } from "./_query_fixture.ts";
import type { Database } from "../store/db.ts";
import { createSession } from "../store/sessions.ts";
import { appendMessages } from "../store/messages.ts";
import { saveSummary } from "../store/summaries.ts";

/** The walk's synchronous SHA-256, as `verify.ts` passes it. */
const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

function session(db: Database): string {
  return createSession(db, {
    provider: "openai",
    model: "m",
    baseUrl: null,
    apiKeyEnv: null,
    systemRole: "system",
    locality: "auto",
    pinned: { baseUrl: "https://api.openai.com/v1", locality: "remote" },
  }).id;
}

/** A request row of `sessionId` carrying one piece. */
function send(
  db: Database,
  sessionId: string,
  piece: { via: "tool_result" | "summary"; hash: string; sources: string[] },
) {
  return appendAudit(db, {
    sessionId,
    kind: "request",
    baseUrl: "https://api.openai.com/v1",
    locality: "remote",
    carried: [{ ...piece, sent: "as_written" }],
  });
}

Deno.test("a summary is held to the requests that carried it: its sources or its hash changed are found", async () => {
  await withDb(async (db) => {
    const id = session(db);
    const sources = ["/home/me/h.md"];
    await send(db, id, { via: "summary", hash: "s".repeat(64), sources });
    saveSummary(db, id, { throughId: 1, text: "t", label: "internal", sources, auditHash: "s".repeat(64), tokens: 1 });
    assert.equal(historyProblem(db, sha256), undefined);
    db.exec("UPDATE summaries SET sources = NULL");
    assert.match(historyProblem(db, sha256)!.message, /the summary of session .* other files/);
    db.exec(`UPDATE summaries SET sources = '["/home/me/h.md"]', audit_hash = NULL`);
    assert.match(historyProblem(db, sha256)!.message, /the summary of session .* no longer names the row/);
  });
});

Deno.test("a result whose row records no sources (older, or pruned) is held to the first request that carried it", async () => {
  await withDb(async (db) => {
    const id = session(db);
    const hash = "r".repeat(64);
    await send(db, id, { via: "tool_result", hash, sources: ["/home/me/h.md"] });
    appendMessages(db, id, [{
      role: "tool",
      content: "x",
      toolCallId: "c1",
      mode: "chat",
      interrupted: false,
      sources: ["/home/me/h.md"],
      auditHash: hash,
    }]);
    assert.equal(historyProblem(db, sha256), undefined);
    db.exec("UPDATE messages SET sources = NULL");
    assert.match(historyProblem(db, sha256)!.message, /history message \d+ \(a tool's result.* other files/);
  });
});

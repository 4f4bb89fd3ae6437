import assert from "node:assert/strict";
import { fill, S2, withDb } from "./_query_fixture.ts";
import { auditStats } from "./stats.ts";

Deno.test("auditStats() counts per kind, per provider and model, per session, with tokens and the time span", async () => {
  await withDb(async (db) => {
    await fill(db);
    const s = auditStats(db, {}, { top: 1 });
    assert.deepEqual(
      [s.rows, s.first, s.last, s.inputTokens, s.outputTokens, s.sessions, s.costUsd],
      [7, "2026-05-01T08:00:00.000Z", "2026-05-02T09:00:03.000Z", 400, 25, 2, null],
    );
    assert.deepEqual(s.byKind[0], { kind: "response", rows: 2 });
    assert.equal(s.byKind.length, 6);
    assert.deepEqual(s.byModel, [
      { provider: "openai", model: "gpt-4o-mini", rows: 4, inputTokens: 300, outputTokens: 20 },
      { provider: "ollama", model: "llama3.2", rows: 3, inputTokens: 100, outputTokens: 5 },
    ]);
    assert.deepEqual(s.bySession, [{
      sessionId: S2,
      rows: 4,
      inputTokens: 300,
      outputTokens: 20,
      first: "2026-05-02T09:00:00.000Z",
      last: "2026-05-02T09:00:03.000Z",
    }]);
    const day1 = auditStats(db, { until: new Date("2026-05-02T00:00:00Z") }, { top: 10 });
    assert.deepEqual([day1.rows, day1.sessions, day1.inputTokens], [3, 1, 100]);
    assert.equal(auditStats(db, { since: new Date("2027-01-01") }, { top: 10 }).first, null);
  });
});

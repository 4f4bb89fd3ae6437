import assert from "node:assert/strict";
import { EXIT, PaiError } from "../core/errors.ts";
import { fill, S1, S2, withDb } from "./_query_fixture.ts";
import { appendAudit, auditSink } from "./log.ts";
import {
  AUDIT_KINDS,
  compactSearchIndex,
  ftsQuery,
  idRange,
  iterateRows,
  listRecords,
  parseKinds,
  parseTime,
  searchRecords,
  showRecord,
} from "./query.ts";

Deno.test("listRecords() pages the log newest first, says how many match, and carries each row's typed event", async () => {
  await withDb(async (db) => {
    await fill(db);
    const page = listRecords(db, {}, { limit: 3 });
    assert.equal(page.total, 7);
    assert.deepEqual(page.records.map((r) => r.id), [7, 6, 5]);
    const result = page.records[1];
    assert.equal(result.summary, "fs_read result: ok, 27 characters");
    assert.ok(result.event?.kind === "tool_result" && result.event.content === "- renew passport\n- call Ann");
    assert.equal(result.payload, "- renew passport\n- call Ann");
    assert.deepEqual(
      [result.sessionId, result.mode, result.provider, result.model, result.osUser.length > 0],
      [S2, "agent", "openai", "gpt-4o-mini", true],
    );
    assert.deepEqual(listRecords(db, {}, { limit: 2, order: "oldest" }).records.map((r) => r.id), [1, 2]);
    assert.deepEqual(listRecords(db, { beforeId: 5 }, { limit: 2 }).records.map((r) => r.id), [4, 3]);
    assert.deepEqual(listRecords(db, { afterId: 5 }, { limit: 9, order: "oldest" }).records.map((r) => r.id), [6, 7]);
  });
});

Deno.test("listRecords() filters by session (or its start), kinds, tool, provider and time", async () => {
  await withDb(async (db) => {
    await fill(db);
    const ids = (filter: Parameters<typeof listRecords>[1]) =>
      listRecords(db, filter, { limit: 50, order: "oldest" }).records.map((r) => r.id);
    assert.deepEqual(ids({ session: S1 }), [1, 2, 3]);
    assert.deepEqual(ids({ session: S2.slice(0, 8) }), [4, 5, 6, 7]);
    assert.deepEqual(ids({ kinds: ["response"] }), [3, 7]);
    assert.deepEqual(ids({ kinds: ["prompt", "grant"] }), [2, 5]);
    assert.deepEqual(ids({ tool: "fs_read" }), [4, 5, 6]);
    assert.deepEqual(ids({ provider: "ollama" }), [1, 2, 3]);
    assert.deepEqual(ids({ since: new Date("2026-05-02T09:00:01Z") }), [5, 6, 7]);
    assert.deepEqual(ids({ until: new Date("2026-05-02T09:00:01Z") }), [1, 2, 3, 4]);
    assert.deepEqual(ids({ session: S2, kinds: ["response"], since: new Date("2026-05-02T00:00:00Z") }), [7]);
    assert.deepEqual(ids({ session: "nobody" }), []);
  });
});

Deno.test("an edited row whose detail is not JSON is still listed, and --tool skips it instead of failing", async () => {
  await withDb(async (db) => {
    await fill(db);
    db.exec("UPDATE audit_log SET detail = '{not json' WHERE id = 4");
    db.exec(`UPDATE audit_log SET detail = '{"tool":"fs_read"}' WHERE id = 3`);
    const records = listRecords(db, {}, { limit: 50, order: "oldest" }).records;
    assert.equal(records[3].event, null);
    assert.equal(records[3].summary, "(its detail is not JSON)");
    assert.match(records[2].summary, /^\(a response row this PAI cannot read/);
    assert.deepEqual(listRecords(db, { tool: "fs_read" }, { limit: 50 }).records.map((r) => r.id), [6, 5, 3]);
  });
});

Deno.test("searchRecords() finds every word in the content or the detail, the last as a prefix, newest first", async () => {
  await withDb(async (db) => {
    await fill(db);
    const ids = (text: string, filter = {}) =>
      searchRecords(db, text, filter, { limit: 50 }).hits.map((h) => h.record.id);
    assert.deepEqual(ids("passport"), [6, 2]);
    assert.deepEqual(ids("renew pass"), [6, 2], "the last word is a prefix");
    assert.deepEqual(ids("PASSPORT Ann"), [6], "case does not matter; every word must be there");
    assert.deepEqual(ids("/home/me/notes/todo.md"), [5], "a path in the detail, matched as a phrase");
    assert.deepEqual(ids("passport", { kinds: ["prompt"] }), [2]);
    assert.deepEqual(ids('" OR 1=1 --'), [], "what the user types is never FTS5 syntax");
    assert.deepEqual(ids("nowhere"), []);
    const [hit] = searchRecords(db, "passport", { session: S1 }, { limit: 1 }).hits;
    assert.equal(hit.snippet, "renew my \u0002passport\u0003");
    assert.equal(searchRecords(db, "passport", {}, { limit: 1 }).total, 2);
    assert.throws(() => ftsQuery("   "), (e: unknown) => e instanceof PaiError && e.exitCode === EXIT.USAGE);
  });
});

Deno.test("the search index follows the rows: new ones are found, deleted and changed ones no longer by old words", async () => {
  await withDb(async (db) => {
    await fill(db);
    await appendAudit(db, { kind: "prompt", text: "a zebra appears", sessionId: S1 });
    assert.equal(searchRecords(db, "zebra", {}, { limit: 5 }).total, 1);
    db.exec("DELETE FROM audit_log WHERE id = 2");
    db.exec("UPDATE audit_log SET payload = 'nothing here' WHERE id = 6");
    compactSearchIndex(db);
    assert.equal(searchRecords(db, "passport", {}, { limit: 5 }).total, 0);
    assert.equal(searchRecords(db, "nothing", {}, { limit: 5 }).total, 1);
    db.exec("INSERT INTO audit_fts(audit_fts) VALUES ('integrity-check')");
  });
});

Deno.test("a row that keeps only its content's hash is not found by that content", async () => {
  await withDb(async (db) => {
    await auditSink(db, { content: "hash" }).append({ kind: "prompt", text: "renew my passport", sessionId: S1 });
    await auditSink(db, { content: "redacted" }).append({ kind: "prompt", text: "passport again", sessionId: S1 });
    assert.deepEqual(searchRecords(db, "passport", {}, { limit: 5 }).hits.map((h) => h.record.id), [2]);
    assert.deepEqual((await showRecord(db, 1))?.check, {
      payload: "not_stored",
      row: "match",
      link: "first",
      previousId: null,
    });
    const [withheld] = listRecords(db, {}, { limit: 5, order: "oldest" }).records;
    assert.deepEqual([withheld.payload, withheld.summary], [null, "prompt: [content not stored: hash only]"]);
    db.exec("UPDATE audit_log SET payload = NULL WHERE id = 2");
    assert.equal((await showRecord(db, 2))?.check.payload, "mismatch", "content cleared later is an edit");
  });
});

Deno.test("showRecord() says whether the content matches its hash and the row links to the one before", async () => {
  await withDb(async (db) => {
    await fill(db);
    const first = await showRecord(db, 1);
    assert.deepEqual(first?.check, { payload: "match", row: "match", link: "first", previousId: null });
    const grant = await showRecord(db, 5);
    assert.deepEqual(grant?.check, { payload: "match", row: "match", link: "linked", previousId: 4 });
    assert.equal(JSON.parse(grant!.detail!).reason, "within the mode's defaults");
    db.exec("UPDATE audit_log SET payload = 'edited' WHERE id = 6");
    assert.deepEqual([(await showRecord(db, 6))?.check.payload, (await showRecord(db, 6))?.check.row], [
      "mismatch",
      "match",
    ]);
    db.exec("UPDATE audit_log SET input_tokens = 1 WHERE id = 7");
    assert.deepEqual((await showRecord(db, 7))?.check, {
      payload: "match",
      row: "mismatch",
      link: "linked",
      previousId: 6,
    });
    db.exec("DELETE FROM audit_log WHERE id = 3");
    assert.deepEqual((await showRecord(db, 4))?.check, {
      payload: "match",
      row: "match",
      link: "broken",
      previousId: 2,
    });
    db.exec("DELETE FROM audit_log WHERE id < 4");
    assert.equal((await showRecord(db, 4))?.check.link, "unanchored");
    assert.equal(await showRecord(db, 99), undefined);
    assert.deepEqual(idRange(db), { first: 4, last: 7 });
  });
});

Deno.test("iterateRows() walks the matching rows oldest first, one at a time", async () => {
  await withDb(async (db) => {
    await fill(db);
    const rows = iterateRows(db, { session: S2 });
    assert.equal(rows.next().value?.id, 4);
    assert.deepEqual([...rows].map((r) => r.id), [5, 6, 7]);
  });
});

Deno.test("parseTime() reads dates (local), ISO timestamps, the table's own form and times ago", () => {
  const now = new Date("2026-05-08T12:00:00Z");
  const opts = { flag: "--since", now };
  assert.equal(parseTime("7d", opts).toISOString(), "2026-05-01T12:00:00.000Z");
  assert.equal(parseTime("24h", opts).toISOString(), "2026-05-07T12:00:00.000Z");
  assert.equal(parseTime("30m", opts).toISOString(), "2026-05-08T11:30:00.000Z");
  assert.equal(parseTime("2w", opts).toISOString(), "2026-04-24T12:00:00.000Z");
  assert.equal(parseTime("2026-05-01", opts).getTime(), new Date(2026, 4, 1).getTime());
  assert.equal(parseTime("2026-05-01", { ...opts, endOfDay: true }).getTime(), new Date(2026, 4, 2).getTime());
  assert.equal(parseTime("2026-05-01T09:30:00Z", opts).toISOString(), "2026-05-01T09:30:00.000Z");
  assert.equal(parseTime("2026-05-01T09:30:00+0200", opts).toISOString(), "2026-05-01T07:30:00.000Z");
  assert.equal(parseTime("2026-05-01 09:30:15", opts).getTime(), new Date(2026, 4, 1, 9, 30, 15).getTime());
  for (const bad of ["yesterday", "2026-02-30", "2026-13-01", "7 days", "", "2026-05-01T25:00"]) {
    assert.throws(
      () => parseTime(bad, opts),
      (e: unknown) =>
        e instanceof PaiError && e.exitCode === EXIT.USAGE &&
        e.message.startsWith(`Invalid --since "${bad}": use a date (2026-05-01), an ISO timestamp`),
      bad,
    );
  }
});

Deno.test("parseKinds() takes repeated and comma-separated kinds, and names every kind for an unknown one", () => {
  assert.deepEqual(parseKinds(["prompt,tool-call", "prompt", "Grant"]), ["prompt", "tool_call", "grant"]);
  assert.throws(
    () => parseKinds(["prompts"]),
    (e: unknown) =>
      e instanceof PaiError && e.exitCode === EXIT.USAGE &&
      e.message === `Unknown --kind "prompts": choose from ${AUDIT_KINDS.join(", ")}`,
  );
  assert.throws(() => parseKinds(["constructor"]), PaiError);
  assert.ok(AUDIT_KINDS.includes("user_change") && AUDIT_KINDS.includes("tool_result"));
});

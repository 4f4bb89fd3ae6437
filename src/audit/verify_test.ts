import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { appendAudit, auditSink } from "./log.ts";
import { sha256 } from "./chain.ts";
import { advanceAuditHead, auditHeadPath, readAuditHead } from "./head.ts";
import { prunePlan } from "./prune.ts";
import { startNewHead, verifyAuditLog, type VerifyReport } from "./verify.ts";
import { type Database, openDatabase } from "../store/db.ts";

/** A database in a temp folder with `count` prompt rows (`p0`, `p1` …), one a day from 2026-01-01. */
async function withLog(count: number, work: (db: Database, dir: string) => Promise<void>): Promise<void> {
  const dir = Deno.makeTempDirSync();
  const db = openDatabase(dir);
  try {
    await appendRows(db, 0, count);
    await work(db, dir);
  } finally {
    db.close();
    Deno.removeSync(dir, { recursive: true });
  }
}

async function appendRows(db: Database, from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i++) {
    await appendAudit(db, { kind: "prompt", sessionId: "s1", text: `p${i}` }, new Date(Date.UTC(2026, 0, 1 + i)));
  }
}

function headPath(db: Database): string {
  return auditHeadPath(db)!;
}

/** The break verify reports, as `[reason, id]`; `["ok"]` for an intact log. */
async function verdict(db: Database): Promise<[string, number | null] | ["ok"]> {
  const report = await verifyAuditLog(db);
  return report.break ? [report.break.reason, report.break.id] : ["ok"];
}

Deno.test("verify passes an intact log whose head file names its last row", async () => {
  await withLog(5, async (db) => {
    const report = await verifyAuditLog(db);
    assert.equal(report.ok, true);
    assert.deepEqual([report.rows, report.firstId, report.lastId], [5, 1, 5]);
    assert.deepEqual(report.start, { from: "genesis" });
    assert.deepEqual(report.head, { path: headPath(db), state: "matches", id: 5, updated: false });
    assert.equal(Deno.statSync(headPath(db)).mode! & 0o777, 0o600);
  });
});

Deno.test("verify names an edited payload, with the row", async () => {
  await withLog(5, async (db) => {
    db.exec("UPDATE audit_log SET payload = 'forged' WHERE id = 3");
    const report = await verifyAuditLog(db);
    assert.equal(report.ok, false);
    assert.deepEqual(report.break, {
      reason: "edited",
      id: 3,
      message: "row 3's content is not the one it was written with",
    });
    assert.equal(report.rows, 2, "the rows before it were checked and found intact");
    assert.equal(report.head.state, "broken");
  });
});

Deno.test("verify names an edited detail, an edited column, and a removed payload as edited", async () => {
  await withLog(5, async (db) => {
    db.exec(`UPDATE audit_log SET detail = '{"x":1}' WHERE id = 2`);
    assert.deepEqual(await verdict(db), ["edited", 2]);
  });
  await withLog(5, async (db) => {
    db.exec("UPDATE audit_log SET os_user = 'someone-else' WHERE id = 4");
    assert.deepEqual(await verdict(db), ["edited", 4]);
  });
  await withLog(5, async (db) => {
    db.exec("UPDATE audit_log SET payload = NULL WHERE id = 1");
    const report = await verifyAuditLog(db);
    assert.deepEqual(report.break?.message, "row 1's content was removed");
  });
});

Deno.test("verify names rows deleted from the middle as missing, with the range", async () => {
  await withLog(6, async (db) => {
    db.exec("DELETE FROM audit_log WHERE id IN (3, 4)");
    const report = await verifyAuditLog(db);
    assert.deepEqual(report.break, {
      reason: "missing",
      id: 3,
      missing: { from: 3, to: 4 },
      message: "rows 3–4 were deleted: row 2 is followed by row 5",
    });
  });
});

Deno.test("verify names the first rows deleted as missing, and a renumbered log too", async () => {
  await withLog(5, async (db) => {
    db.exec("DELETE FROM audit_log WHERE id <= 2");
    const report = await verifyAuditLog(db);
    assert.equal(report.break?.reason, "missing");
    assert.deepEqual(report.break?.missing, { from: 1, to: 2 });
  });
  await withLog(5, async (db) => {
    db.exec("DELETE FROM audit_log WHERE id = 1; UPDATE audit_log SET id = id - 1");
    assert.deepEqual(await verdict(db), ["missing", 1]);
  });
});

Deno.test("verify names two swapped rows as reordered, at the first one moved", async () => {
  await withLog(5, async (db) => {
    db.exec(`UPDATE audit_log SET id = 100 WHERE id = 2;
             UPDATE audit_log SET id = 2 WHERE id = 3;
             UPDATE audit_log SET id = 3 WHERE id = 100`);
    const report = await verifyAuditLog(db);
    assert.deepEqual(report.break, {
      reason: "reordered",
      id: 2,
      message: "row 2 follows row 3, not row 1: rows were moved",
    });
  });
});

Deno.test("verify names a row rewritten with a fresh hash at that row: the next one no longer follows it", async () => {
  await withLog(4, async (db) => {
    const row = db.prepare("SELECT * FROM audit_log WHERE id = 2").get()!;
    // A forger who recomputes the row's hashes (they are not secret) still breaks the link from row 3.
    const payloadHash = await sha256("forged");
    const values = [row.ts, row.os_user, row.session_id, row.mode, row.provider, row.model, row.kind, 0, 0];
    const hash = await sha256(JSON.stringify([...values, payloadHash, row.prev_hash, row.detail]));
    db.prepare("UPDATE audit_log SET payload = 'forged', payload_hash = ?, hash = ? WHERE id = 2").run(
      payloadHash,
      hash,
    );
    assert.deepEqual(await verdict(db), ["edited", 2]);
  });
});

Deno.test("verify names the last rows deleted as a cut tail, from the head file", async () => {
  await withLog(6, async (db) => {
    db.exec("DELETE FROM audit_log WHERE id >= 5");
    const report = await verifyAuditLog(db);
    assert.deepEqual(report.break, {
      reason: "cut tail",
      id: 5,
      missing: { from: 5, to: 6 },
      message: "the head file names row 6, but the log ends at row 4: rows 5–6 were deleted " +
        "(or pai.db was replaced by a shorter log)",
    });
    db.exec("DELETE FROM audit_log");
    assert.deepEqual(await verdict(db), ["cut tail", 1]);
  });
});

/** Replaces the database in `dir` by a new one with `count` valid rows of other content; the head file stays. */
async function replaceDatabase(dir: string, count: number): Promise<Database> {
  for (const suffix of ["", "-wal", "-shm"]) {
    try {
      Deno.removeSync(`${dir}/pai.db${suffix}`);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  const fresh = openDatabase(dir);
  // Written as another PAI would, away from this head file.
  auditSink(fresh, { headPath: null });
  for (let i = 0; i < count; i++) await appendAudit(fresh, { kind: "prompt", text: `other ${i}` });
  auditSink(fresh, { headPath: headPath(fresh) });
  return fresh;
}

/** A log of `count` rows in a temp folder, closed, for tests that swap the database file. */
async function closedLog(count: number): Promise<string> {
  const dir = Deno.makeTempDirSync();
  const db = openDatabase(dir);
  await appendRows(db, 0, count);
  db.close();
  return dir;
}

Deno.test("verify names a database replaced by another valid chain as a head mismatch (or a cut tail if shorter)", async () => {
  const dir = await closedLog(4);
  try {
    const longer = await replaceDatabase(dir, 6);
    try {
      const report = await verifyAuditLog(longer);
      assert.equal(report.break?.reason, "head mismatch");
      assert.equal(report.break?.id, 4);
    } finally {
      longer.close();
    }
    const shorter = await replaceDatabase(dir, 2);
    try {
      assert.deepEqual(await verdict(shorter), ["cut tail", 3]);
    } finally {
      shorter.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("an append to a replaced database leaves the head file naming the old log: the mismatch stays visible", async () => {
  const dir = await closedLog(3);
  try {
    const before = Deno.readTextFileSync(`${dir}/audit-head.json`);
    const replaced = await replaceDatabase(dir, 5);
    try {
      await appendAudit(replaced, { kind: "prompt", text: "after the swap" });
      assert.equal(Deno.readTextFileSync(headPath(replaced)), before);
      assert.deepEqual(await verdict(replaced), ["head mismatch", 3]);
    } finally {
      replaced.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("an append after the last rows were deleted does not move the head file on over the cut", async () => {
  await withLog(5, async (db) => {
    db.exec("DELETE FROM audit_log WHERE id >= 4");
    await appendAudit(db, { kind: "prompt", text: "new row 6" });
    const head = readAuditHead(headPath(db));
    assert.equal(head.kind === "present" && head.head.id, 5);
    assert.deepEqual(await verdict(db), ["missing", 4]);
  });
  await withLog(5, async (db) => {
    // And with the ids reset, so that the next row takes a deleted one's id.
    db.exec("DELETE FROM audit_log WHERE id >= 4; UPDATE sqlite_sequence SET seq = 3 WHERE name = 'audit_log'");
    await appendAudit(db, { kind: "prompt", text: "new row 4" });
    const head = readAuditHead(headPath(db));
    assert.equal(head.kind === "present" && head.head.id, 5);
    assert.deepEqual(await verdict(db), ["cut tail", 5]);
  });
});

Deno.test("a log with rows and no head file is a head mismatch; no append makes a new one, only the user's new head", async () => {
  await withLog(3, async (db) => {
    Deno.removeSync(headPath(db));
    const report = await verifyAuditLog(db, { updateHead: true });
    assert.deepEqual([report.ok, report.break?.reason, report.head.updated], [false, "head mismatch", false]);
    assert.match(report.break!.message, /there is no head file .* though the log has 3 rows: it was deleted/);
    // What an attacker who cut the tail and deleted the file would count on: the next run blessing what is left.
    await appendRows(db, 10, 2);
    assert.equal(readAuditHead(headPath(db)).kind, "absent");
    assert.equal((await verifyAuditLog(db)).break?.reason, "head mismatch");
    const started = await startNewHead(db);
    assert.deepEqual(started, { started: true, rowId: 6 });
    const row = db.prepare("SELECT kind, detail FROM audit_log WHERE id = 6").get()!;
    assert.equal(row.kind, "user_change");
    assert.equal(JSON.parse(String(row.detail)).change, "head_started");
    assert.deepEqual(await verdict(db), ["ok"]);
    assert.deepEqual(await startNewHead(db), {
      started: false,
      why: `the head file "${headPath(db)}" is there: nothing to start`,
    });
  });
});

Deno.test("the first append of an empty log creates the head file", async () => {
  await withLog(0, async (db) => {
    assert.equal(readAuditHead(headPath(db)).kind, "absent");
    assert.deepEqual(await verdict(db), ["ok"]);
    await appendRows(db, 0, 1);
    assert.equal(readAuditHead(headPath(db)).kind, "present");
  });
});

Deno.test("a head file left behind (a process killed between commit and head write) passes and is moved on", async () => {
  await withLog(4, async (db) => {
    const second = String(db.prepare("SELECT hash FROM audit_log WHERE id = 2").get()!.hash);
    Deno.writeTextFileSync(headPath(db), JSON.stringify({ id: 2, hash: second }));
    const report = await verifyAuditLog(db, { updateHead: true });
    assert.equal(report.ok, true);
    assert.deepEqual([report.head.state, report.head.id, report.head.updated], ["behind", 2, true]);
    assert.equal((await verifyAuditLog(db)).head.state, "matches");
  });
});

Deno.test("a head file that cannot be read is a head mismatch, and no append overwrites it", async () => {
  await withLog(2, async (db) => {
    Deno.writeTextFileSync(headPath(db), "{ not json");
    const report = await verifyAuditLog(db, { updateHead: true });
    assert.equal(report.break?.reason, "head mismatch");
    assert.equal(report.break?.id, null);
    await appendRows(db, 2, 1);
    assert.equal(Deno.readTextFileSync(headPath(db)), "{ not json");
  });
});

Deno.test("advanceAuditHead() never moves the head back, and leaves a head that is not the log's alone", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/audit-head.json`;
    const yes = { current: () => true };
    assert.equal(advanceAuditHead(path, { id: 5, hash: "a".repeat(64) }, yes), "written");
    assert.equal(advanceAuditHead(path, { id: 4, hash: "b".repeat(64) }, yes), "newer");
    assert.equal(advanceAuditHead(path, { id: 6, hash: "c".repeat(64) }, { current: () => false }), "kept");
    assert.deepEqual(readAuditHead(path), { kind: "present", head: { id: 5, hash: "a".repeat(64) } });
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["audit-head.json", "audit-head.json.lock"]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

/** Prunes the rows before `day` (2026-01-DD, then on into February) as `pai audit prune` does, at that time. */
async function pruneBefore(db: Database, day: number) {
  const before = new Date(Date.UTC(2026, 0, day));
  const plan = prunePlan(db, before.toISOString());
  assert.ok(plan);
  return await auditSink(db).prune(plan, before);
}

Deno.test("after a prune the log starts at its anchor and verifies; the prune row says what it removed", async () => {
  await withLog(6, async (db) => {
    const done = await pruneBefore(db, 4);
    assert.ok(done);
    assert.deepEqual(
      [done.rowsRemoved, done.firstRemovedId, done.lastRemovedId, done.firstKeptId, done.pruneId],
      [3, 1, 3, 4, 7],
    );
    const report: VerifyReport = await verifyAuditLog(db);
    assert.equal(report.ok, true, JSON.stringify(report.break));
    assert.deepEqual(report.start, { from: "prune", pruneId: 7, before: "2026-01-04T00:00:00.000Z", firstKeptId: 4 });
    assert.deepEqual([report.firstId, report.lastId, report.head.state], [4, 7, "matches"]);
    const row = db.prepare("SELECT kind, detail FROM audit_log WHERE id = 7").get()!;
    assert.equal(row.kind, "prune");
    assert.equal(JSON.parse(String(row.detail)).lastRemovedHash, done.lastRemovedHash);
    await appendRows(db, 10, 2);
    assert.deepEqual(await verdict(db), ["ok"]);
  });
});

Deno.test("rows deleted without prune after a prune are still missing", async () => {
  await withLog(6, async (db) => {
    await pruneBefore(db, 3);
    db.exec("DELETE FROM audit_log WHERE id = 3");
    assert.deepEqual(await verdict(db), ["missing", 3]);
  });
  await withLog(6, async (db) => {
    await pruneBefore(db, 3);
    db.exec("DELETE FROM audit_log WHERE id = 5");
    assert.deepEqual(await verdict(db), ["missing", 5]);
  });
  await withLog(6, async (db) => {
    await pruneBefore(db, 3);
    db.exec("DELETE FROM audit_log WHERE kind = 'prune'");
    assert.deepEqual(await verdict(db), ["missing", 1], "without its prune row, the pruned rows are missing");
  });
});

Deno.test("a prune of every row, then a second prune, each re-anchor the chain", async () => {
  await withLog(4, async (db) => {
    const all = await pruneBefore(db, 30);
    assert.deepEqual([all?.rowsRemoved, all?.firstKeptId, all?.pruneId], [4, 5, 5]);
    assert.deepEqual(await verdict(db), ["ok"]);
    await appendRows(db, 40, 3); // 2026-02-10, 11 and 12
    const second = await pruneBefore(db, 42); // the first prune's row (2026-01-30) and 2026-02-10
    assert.deepEqual([second?.rowsRemoved, second?.firstKeptId], [2, 7]);
    assert.deepEqual(await verdict(db), ["ok"]);
    assert.equal(prunePlan(db, new Date(Date.UTC(2025, 0, 1)).toISOString()), undefined, "nothing that old");
  });
});

Deno.test("a prune removes a prefix by id, even where times do not rise with the ids", async () => {
  await withLog(3, async (db) => {
    // Appends are timed before they queue for the lock: a later row may carry an earlier time.
    await appendAudit(db, { kind: "prompt", text: "late, but timed early" }, new Date(Date.UTC(2025, 11, 1)));
    const done = await pruneBefore(db, 3);
    assert.deepEqual([done?.rowsRemoved, done?.firstKeptId], [2, 3]);
    assert.equal(db.prepare("SELECT count(*) AS n FROM audit_log WHERE id = 4").get()!.n, 1);
    assert.deepEqual(await verdict(db), ["ok"]);
  });
});

Deno.test('with audit.content "hash" a row keeps no content, only its hash, and still verifies', async () => {
  await withLog(1, async (db) => {
    auditSink(db, { content: "hash" });
    const secretish = "my passport number is X1234567";
    await appendAudit(db, { kind: "prompt", text: secretish });
    await appendAudit(db, {
      kind: "response",
      text: "ok",
      toolCalls: [{ id: "c1", name: "fs_read", arguments: `{"path":"${secretish}"}` }],
    });
    const rows = db.prepare("SELECT * FROM audit_log WHERE id > 1 ORDER BY id").all();
    assert.equal(JSON.stringify(rows).includes("passport"), false);
    assert.equal(rows[0].payload, null);
    assert.equal(rows[0].payload_hash, await sha256(secretish), "whoever holds the text can prove it");
    const call = JSON.parse(String(rows[1].detail)).toolCalls[0];
    assert.equal(call.arguments, `sha256:${await sha256(`{"path":"${secretish}"}`)}`);
    assert.equal(call.name, "fs_read");
    assert.deepEqual(await verdict(db), ["ok"]);
    // The mark is hashed: it cannot be added to clear another row's content.
    db.exec(`UPDATE audit_log SET payload = NULL, detail = '{"withheld":"sha256"}' WHERE id = 1`);
    assert.deepEqual(await verdict(db), ["edited", 1]);
  });
});

Deno.test("the walk's SHA-256 (node:crypto) and the appends' (WebCrypto) hash the same bytes", async () => {
  for (const text of ["", "abc", "é€😀", "lone \ud800 surrogate", "\udfff", "x".repeat(100_000)]) {
    // As verify.ts hashes: the string, as UTF-8 (a lone surrogate becomes U+FFFD, as TextEncoder makes it).
    const node = createHash("sha256").update(text, "utf8").digest("hex");
    assert.equal(node, await sha256(text), JSON.stringify(text.slice(0, 20)));
  }
});

/** Appends a request row carrying two pieces (one of a file), dated day `day` of 2026. */
function appendRequest(db: Database, day: number, path: string) {
  return appendAudit(db, {
    kind: "request",
    sessionId: "s1",
    baseUrl: "https://api.openai.com/v1",
    locality: "remote",
    carried: [
      { via: "input", hash: "a".repeat(64), sent: "as_written" },
      { via: "tool_result", hash: "b".repeat(64), sources: [path], callId: "c1", sent: "redacted" },
    ],
  }, new Date(Date.UTC(2026, 0, day)));
}

Deno.test("verify holds the index of what requests carried to the rows: a removed, added or changed entry is named", async () => {
  const tampers: [string, (db: Database, id: number) => void][] = [
    ["removed", (db, id) => db.prepare("DELETE FROM audit_carried WHERE audit_id = ? AND source IS NOT NULL").run(id)],
    ["changed", (db, id) => db.prepare("UPDATE audit_carried SET source = '/elsewhere' WHERE audit_id = ?").run(id)],
    ["added", (db) => db.prepare("INSERT INTO audit_carried VALUES (1, 0, NULL, '/made/up')").run()],
  ];
  for (const [name, tamper] of tampers) {
    await withLog(2, async (db) => {
      const { id } = await appendRequest(db, 5, "/home/me/a.md");
      assert.deepEqual(
        db.prepare("SELECT piece, hash IS NOT NULL AS hashed, source FROM audit_carried WHERE audit_id = ?").all(id)
          .map((r) => [r.piece, r.hashed, r.source]),
        [[0, 1, null], [1, 1, "/home/me/a.md"]],
      );
      assert.deepEqual(await verdict(db), ["ok"]);
      tamper(db, id);
      const report = await verifyAuditLog(db);
      assert.equal(report.break?.reason, "index mismatch", name);
      assert.equal(report.break?.id, name === "added" ? null : id, name);
    });
  }
});

Deno.test("a prune removes the index entries of the requests it removes, and the log still verifies", async () => {
  await withLog(2, async (db) => {
    await appendRequest(db, 3, "/home/me/a.md");
    await appendRows(db, 5, 2);
    await appendRequest(db, 9, "/home/me/b.md");
    assert.ok(await pruneBefore(db, 4));
    assert.deepEqual(
      db.prepare("SELECT DISTINCT source FROM audit_carried WHERE source IS NOT NULL").all()
        .map((r) => r.source),
      ["/home/me/b.md"],
    );
    assert.deepEqual(await verdict(db), ["ok"]);
  });
});

Deno.test("verify holds the full-text index to the rows: an entry deleted, or a row left unindexed, is named", async () => {
  for (const tamper of ["delete", "trigger"]) {
    await withLog(3, async (db) => {
      assert.deepEqual(await verdict(db), ["ok"]);
      if (tamper === "delete") {
        // What hides a row from `pai audit search` and `where TEXT`, the chain untouched.
        db.exec(
          "INSERT INTO audit_fts(audit_fts, rowid, payload, detail) SELECT 'delete', id, payload, detail FROM audit_log WHERE id = 2",
        );
        assert.equal(db.prepare("SELECT count(*) AS n FROM audit_fts WHERE audit_fts MATCH 'p1'").get()?.n, 0);
      } else {
        db.exec("DROP TRIGGER audit_fts_insert");
        await appendRows(db, 10, 1);
      }
      const report = await verifyAuditLog(db);
      assert.equal(report.break?.reason, "index mismatch", tamper);
      assert.match(report.break!.message, /full-text index/);
    });
  }
});

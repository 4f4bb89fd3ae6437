import assert from "node:assert/strict";
import { appendAudit, firstBrokenRow, GENESIS_HASH } from "./log.ts";
import { type Database, openDatabase } from "../store/db.ts";

async function withDb(work: (db: Database, dir: string) => Promise<void>): Promise<void> {
  const dir = Deno.makeTempDirSync();
  const db = openDatabase(dir);
  try {
    await work(db, dir);
  } finally {
    db.close();
    Deno.removeSync(dir, { recursive: true });
  }
}

/** Every row's payload, in id order, with the ids. */
function rows(db: Database): { id: number; session_id: string; payload: string; prev_hash: string }[] {
  return db.prepare("SELECT id, session_id, payload, prev_hash FROM audit_log ORDER BY id").all() as never;
}

Deno.test("appendAudit() chains each row to the one before, from the genesis hash", async () => {
  await withDb(async (db) => {
    await appendAudit(db, { kind: "session", payload: "one" });
    await appendAudit(db, { kind: "prompt", payload: "two" });
    const [first, second] = rows(db);
    assert.equal(first.prev_hash, GENESIS_HASH);
    const firstHash = db.prepare("SELECT hash FROM audit_log WHERE id = ?").get(first.id)?.hash;
    assert.equal(second.prev_hash, firstHash);
    assert.equal(await firstBrokenRow(db), undefined);
  });
});

Deno.test("50 concurrent appendAudit() calls on one connection all succeed, in call order, as one valid chain", async () => {
  await withDb(async (db) => {
    const calls = Array.from({ length: 50 }, (_, i) => appendAudit(db, { kind: "prompt", payload: `p${i}` }));
    const results = await Promise.allSettled(calls);
    assert.deepEqual(results.filter((r) => r.status === "rejected"), []);
    assert.deepEqual(rows(db).map((r) => r.payload), Array.from({ length: 50 }, (_, i) => `p${i}`));
    assert.equal(await firstBrokenRow(db), undefined);
  });
});

Deno.test("a failed append does not stop the appends queued after it", async () => {
  await withDb(async (db) => {
    const bad = appendAudit(db, { kind: "prompt", payload: "bad" }, new Date(NaN));
    const good = appendAudit(db, { kind: "prompt", payload: "good" });
    await assert.rejects(bad, RangeError);
    await good;
    assert.deepEqual(rows(db).map((r) => r.payload), ["good"]);
    assert.equal(await firstBrokenRow(db), undefined);
  });
});

Deno.test("4 processes appending 25 rows each to one database at once leave 100 rows in one valid chain", async () => {
  await withDb(async (db, dir) => {
    const script = new URL("../../tests/fixtures/append_audit.ts", import.meta.url).pathname;
    const children = ["a", "b", "c", "d"].map((label) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", "--frozen", script, dir, label, "25"],
        stdout: "piped",
        stderr: "piped",
      }).output()
    );
    for (const child of await Promise.all(children)) {
      assert.equal(child.code, 0, new TextDecoder().decode(child.stderr));
    }
    const all = rows(db);
    assert.equal(all.length, 100);
    assert.deepEqual(all.map((r) => r.id), Array.from({ length: 100 }, (_, i) => i + 1));
    // Each process's rows keep the order it appended them in.
    for (const label of ["a", "b", "c", "d"]) {
      const own = all.filter((r) => r.session_id === label).map((r) => r.payload);
      assert.deepEqual(own, Array.from({ length: 25 }, (_, i) => `${label}-${i}`));
    }
    assert.equal(await firstBrokenRow(db), undefined);
  });
});

Deno.test("appends through two connections to one file at once, as two processes make them, chain in one line", async () => {
  await withDb(async (db, dir) => {
    const other = openDatabase(dir);
    try {
      const calls = Array.from(
        { length: 20 },
        (_, i) => appendAudit(i % 2 ? other : db, { kind: "prompt", payload: `p${i}` }),
      );
      await Promise.all(calls);
    } finally {
      other.close();
    }
    assert.equal(rows(db).length, 20);
    assert.equal(await firstBrokenRow(db), undefined);
  });
});

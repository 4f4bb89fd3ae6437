import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { type AuditEvent, eventOf } from "./events.ts";
import { appendAudit, auditSink, firstBrokenRow, GENESIS_HASH, sessionStart } from "./log.ts";
import { type Database, openDatabase } from "../store/db.ts";
import { MIGRATIONS } from "../store/migrations.ts";
import { auditHeadPath, readAuditHead } from "./head.ts";

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
    await appendAudit(db, { kind: "session", action: "reset", messagesCleared: 1, approvalsRevoked: 0 });
    await appendAudit(db, { kind: "prompt", text: "two" });
    const [first, second] = rows(db);
    assert.equal(first.prev_hash, GENESIS_HASH);
    const firstHash = db.prepare("SELECT hash FROM audit_log WHERE id = ?").get(first.id)?.hash;
    assert.equal(second.prev_hash, firstHash);
    assert.equal(await firstBrokenRow(db), undefined);
  });
});

Deno.test("50 concurrent appendAudit() calls on one connection all succeed, in call order, as one valid chain", async () => {
  await withDb(async (db) => {
    const calls = Array.from({ length: 50 }, (_, i) => appendAudit(db, { kind: "prompt", text: `p${i}` }));
    const results = await Promise.allSettled(calls);
    assert.deepEqual(results.filter((r) => r.status === "rejected"), []);
    assert.deepEqual(rows(db).map((r) => r.payload), Array.from({ length: 50 }, (_, i) => `p${i}`));
    assert.equal(await firstBrokenRow(db), undefined);
  });
});

Deno.test("a failed append does not stop the appends queued after it", async () => {
  await withDb(async (db) => {
    const bad = appendAudit(db, { kind: "prompt", text: "bad" }, new Date(NaN));
    const good = appendAudit(db, { kind: "prompt", text: "good" });
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
        (_, i) => appendAudit(i % 2 ? other : db, { kind: "prompt", text: `p${i}` }),
      );
      await Promise.all(calls);
    } finally {
      other.close();
    }
    assert.equal(rows(db).length, 20);
    assert.equal(await firstBrokenRow(db), undefined);
  });
});

const WHO = { sessionId: "s1", mode: "agent", provider: "ollama", model: "llama3.2" } as const;

Deno.test("a typed row keeps its content in payload, its other fields in detail, and reads back as the event", async () => {
  await withDb(async (db) => {
    const event: AuditEvent = {
      ...WHO,
      kind: "tool_result",
      tool: "fs_read",
      callId: "c1",
      ok: false,
      error: "permission_denied",
      content: "<tool_output>denied</tool_output>",
      size: 33,
    };
    await appendAudit(db, event);
    const row = db.prepare("SELECT * FROM audit_log").get()!;
    assert.equal(row.kind, "tool_result");
    assert.equal(row.payload, "<tool_output>denied</tool_output>");
    assert.deepEqual(JSON.parse(String(row.detail)), {
      tool: "fs_read",
      callId: "c1",
      ok: false,
      error: "permission_denied",
      size: 33,
    });
    assert.deepEqual([row.session_id, row.mode, row.provider, row.model], ["s1", "agent", "ollama", "llama3.2"]);
    assert.deepEqual(eventOf(row), event);
    assert.equal(await firstBrokenRow(db), undefined);
  });
});

Deno.test("editing a typed row's detail, or clearing it, breaks the chain at that row", async () => {
  await withDb(async (db) => {
    await appendAudit(db, { ...WHO, kind: "prompt", text: "read my notes" });
    await appendAudit(db, { ...WHO, kind: "denial", tool: "fs_read", reason: "it is a secret", by: "policy" });
    await appendAudit(db, { ...WHO, kind: "prompt", text: "again" });
    assert.equal(await firstBrokenRow(db), undefined);
    const original = db.prepare("SELECT detail FROM audit_log WHERE id = 2").get()!.detail;

    const forged = String(original).replace("policy", "user");
    assert.notEqual(forged, original);
    db.prepare("UPDATE audit_log SET detail = ? WHERE id = 2").run(forged);
    assert.equal(await firstBrokenRow(db), 2);

    db.exec("UPDATE audit_log SET detail = NULL WHERE id = 2");
    assert.equal(await firstBrokenRow(db), 2, "a typed row does not pass for an old one");

    db.prepare("UPDATE audit_log SET detail = ? WHERE id = 2").run(original);
    assert.equal(await firstBrokenRow(db), undefined);
  });
});

/** SHA-256 in hex. */
async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Writes rows as PAI did before events were typed: the schema before the `detail` column, each row's hash over
 * its columns in that release's order (written out here, not taken from log.ts, so that a change there that stops
 * old rows verifying fails this test).
 */
async function writeOldRows(dir: string, payloads: readonly string[]): Promise<void> {
  const before = MIGRATIONS.findIndex((m) => m.includes("ADD COLUMN detail"));
  assert.ok(before > 0);
  const db = new DatabaseSync(`${dir}/pai.db`);
  try {
    for (const migration of MIGRATIONS.slice(0, before)) db.exec(migration);
    db.exec(`PRAGMA user_version = ${before}`);
    let prev = "0".repeat(64);
    for (const [i, payload] of payloads.entries()) {
      const row = [`2025-01-0${i + 1}T00:00:00.000Z`, "me", "old", null, "ollama", "m", "session", 0, 0];
      const payloadHash = await sha256(payload);
      const hash = await sha256(JSON.stringify([...row, payloadHash, prev]));
      db.prepare(
        `INSERT INTO audit_log (ts, os_user, session_id, mode, provider, model, kind, input_tokens, output_tokens,
                                payload, payload_hash, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(...row, payload, payloadHash, prev, hash);
      prev = hash;
    }
  } finally {
    db.close();
  }
}

Deno.test("rows written before events were typed still verify after the migration, and typed rows chain on", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    await writeOldRows(dir, ["session started at http://127.0.0.1:11434/v1 (local)", "history reset: 2 messages"]);
    const db = openDatabase(dir);
    try {
      assert.equal(db.prepare("SELECT count(*) AS n FROM audit_log WHERE detail IS NULL").get()?.n, 2);
      assert.equal(await firstBrokenRow(db), undefined);
      await appendAudit(db, { sessionId: "old", kind: "prompt", text: "hi" });
      assert.equal(await firstBrokenRow(db), undefined);

      db.exec(`UPDATE audit_log SET detail = '{}' WHERE id = 2`);
      assert.equal(await firstBrokenRow(db), 2, "an old row given a detail no longer verifies");
      db.exec("UPDATE audit_log SET detail = NULL, payload = 'history reset: 0 messages' WHERE id = 2");
      assert.equal(await firstBrokenRow(db), 2, "an old row's payload is still covered");
    } finally {
      db.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("sessionStart() reads a typed start row, and the text of one written before events were typed", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    await writeOldRows(dir, ["session started at http://127.0.0.1:11434/v1 (local)"]);
    const db = openDatabase(dir);
    try {
      assert.deepEqual(sessionStart(db, "old"), { baseUrl: "http://127.0.0.1:11434/v1" });
      await appendAudit(db, {
        sessionId: "new",
        kind: "session",
        action: "reset",
        messagesCleared: 0,
        approvalsRevoked: 0,
      });
      assert.equal(sessionStart(db, "new"), undefined, "its first session row is not a start");
      const start = { baseUrl: "https://api.openai.com/v1", locality: "remote" } as const;
      await appendAudit(db, { sessionId: "s2", kind: "session", action: "started", origin: "init", ...start });
      await appendAudit(db, {
        sessionId: "s2",
        kind: "session",
        action: "endpoint_pinned",
        baseUrl: "x",
        locality: "local",
      });
      assert.deepEqual(sessionStart(db, "s2"), start);
      assert.equal(sessionStart(db, "none"), undefined);
    } finally {
      db.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a held row is written with the next append, in the same commit and chained before it; flush writes it alone", async () => {
  await withDb(async (db) => {
    const sink = auditSink(db);
    let commits = 0;
    const exec = db.exec.bind(db);
    db.exec = (sql: string) => (sql === "COMMIT" && commits++, exec(sql));
    const hash = await sink.hold({ kind: "prompt", text: "held" });
    assert.equal(rows(db).length, 0, "a held row is not written yet");
    const row = await sink.append({ kind: "response", text: "answer", toolCalls: [] });
    assert.equal(commits, 1);
    await sink.hold({ kind: "prompt", text: "second" });
    await sink.flush();
    await sink.flush(); // nothing held: nothing written
    assert.equal(commits, 2);
    assert.deepEqual(rows(db).map((r) => r.payload), ["held", "answer", "second"]);
    assert.equal(db.prepare("SELECT payload_hash FROM audit_log WHERE id = 1").get()?.payload_hash, hash);
    assert.equal(row.id, 2);
    assert.deepEqual(readAuditHead(auditHeadPath(db)!), {
      kind: "present",
      head: { id: 3, hash: db.prepare("SELECT hash FROM audit_log WHERE id = 3").get()?.hash },
    });
    assert.equal(await firstBrokenRow(db), undefined);
  });
});

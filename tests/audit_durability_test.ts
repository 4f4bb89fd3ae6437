/**
 * The audit log's durability with real processes: one killed with SIGKILL in the middle of appending, fifty times
 * over, and four appending at once.
 */
import assert from "node:assert/strict";
import { verifyAuditLog } from "../src/audit/verify.ts";
import { auditHeadPath, readAuditHead } from "../src/audit/head.ts";
import { openDatabase } from "../src/store/db.ts";

const FIXTURES = new URL("./fixtures/", import.meta.url);

/** Whole lines of a child's stdout, as they arrive. */
async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buffered = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    const parts = buffered.split("\n");
    buffered = parts.pop()!;
    yield* parts;
  }
}

Deno.test("SIGKILL in the middle of appending, 50 times: no acknowledged row is lost and verify passes each time", async () => {
  const dir = Deno.makeTempDirSync();
  const script = new URL("append_audit_until_killed.ts", FIXTURES).pathname;
  let acknowledged = 0;
  let headBehind = 0;
  try {
    for (let round = 0; round < 50; round++) {
      const label = `r${round}`;
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", "--frozen", "--cached-only", script, dir, label],
        stdout: "piped",
        stderr: "null",
      }).spawn();
      // Killed at a different point of its appends each round: after 1 to 30 acknowledged rows.
      const killAfter = 1 + Math.floor(Math.random() * 30);
      const acked: string[] = [];
      for await (const line of lines(child.stdout)) {
        acked.push(line);
        if (acked.length === killAfter) child.kill("SIGKILL");
      }
      const status = await child.status;
      assert.equal(status.signal, "SIGKILL", `round ${round}: the fixture ended by itself (code ${status.code})`);
      acknowledged += acked.length;

      const db = openDatabase(dir);
      try {
        const stored = new Set(
          db.prepare("SELECT payload FROM audit_log WHERE session_id = ?").all(label).map((r) => String(r.payload)),
        );
        assert.deepEqual(acked.filter((text) => !stored.has(text)), [], `round ${round}: acknowledged rows lost`);
        // The head file as the killed process left it: verify must pass without repairing anything.
        const report = await verifyAuditLog(db, { updateHead: false });
        assert.equal(report.ok, true, `round ${round}: ${JSON.stringify(report.break)}`);
        if (report.head.state === "behind") headBehind++;
        else assert.equal(report.head.state, "matches");
      } finally {
        db.close();
      }
    }
    const db = openDatabase(dir);
    try {
      const rows = Number(db.prepare("SELECT count(*) AS n FROM audit_log").get()!.n);
      assert.ok(rows >= acknowledged);
      console.log(
        `${acknowledged} rows acknowledged, ${rows} stored; the head file was behind after ${headBehind} kills`,
      );
    } finally {
      db.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("4 processes appending 500 rows each at once leave one valid chain of 2,000 and a head naming the last", async () => {
  const dir = Deno.makeTempDirSync();
  const script = new URL("append_audit.ts", FIXTURES).pathname;
  try {
    const labels = ["a", "b", "c", "d"];
    const children = labels.map((label) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", "--frozen", "--cached-only", script, dir, label, "500"],
        stdout: "piped",
        stderr: "piped",
      }).output()
    );
    for (const child of await Promise.all(children)) {
      assert.equal(child.code, 0, new TextDecoder().decode(child.stderr));
    }
    const db = openDatabase(dir);
    try {
      const rows = db.prepare("SELECT id, session_id, payload FROM audit_log ORDER BY id").all();
      assert.equal(rows.length, 2000);
      assert.deepEqual(rows.map((r) => r.id), Array.from({ length: 2000 }, (_, i) => i + 1));
      for (const label of labels) {
        const own = rows.filter((r) => r.session_id === label).map((r) => r.payload);
        assert.deepEqual(own, Array.from({ length: 500 }, (_, i) => `${label}-${i}`));
      }
      const report = await verifyAuditLog(db);
      assert.equal(report.ok, true, JSON.stringify(report.break));
      assert.deepEqual([report.rows, report.lastId, report.head.state], [2000, 2000, "matches"]);
      const head = readAuditHead(auditHeadPath(db)!);
      assert.equal(head.kind === "present" && head.head.id, 2000);
    } finally {
      db.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

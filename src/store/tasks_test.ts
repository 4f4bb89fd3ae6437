import assert from "node:assert/strict";
import { openDatabase } from "./db.ts";
import {
  addTask,
  cancelTask,
  claimTask,
  countSpend,
  finishTask,
  getTask,
  nextWake,
  recordProgress,
  renewLease,
} from "./tasks.ts";

const USAGE = { inputTokens: 10, outputTokens: 5 };

function withDb(work: (db: ReturnType<typeof openDatabase>) => void): void {
  const dir = Deno.makeTempDirSync();
  const db = openDatabase(dir);
  try {
    work(db);
  } finally {
    db.close();
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("a claim takes the next due task under a lease; nobody else takes it until the lease runs out", () => {
  withDb((db) => {
    const t = addTask(db, { text: "a", dueAt: 1_000 }, 0);
    addTask(db, { text: "later", dueAt: 50_000 }, 0);
    const claim = (owner: string, now: number) => claimTask(db, { owner, now, leaseMs: 100, maxAttempts: 2 });
    assert.equal(claim("x", 999).task, undefined, "not due yet");
    assert.equal(claim("x", 1_000).task?.id, t.id);
    assert.equal(claim("y", 1_050).task, undefined, "held by x");
    assert.ok(renewLease(db, t.id, "x", 1_200));
    assert.equal(claim("y", 1_150).task, undefined, "x renewed");
    assert.equal(nextWake(db), 1_200);
    // x dies: when its lease has run out, y takes the task, and x can change nothing any more.
    const taken = claim("y", 1_201).task!;
    assert.deepEqual([taken.id, taken.attempts, taken.leaseOwner], [t.id, 2, "y"]);
    assert.equal(renewLease(db, t.id, "x", 2_000), false);
    assert.equal(recordProgress(db, t.id, "x", "step", "s"), false);
    assert.equal(
      finishTask(db, t.id, "x", { status: "done", text: "x's", sessionId: "s" }),
      false,
    );
    // y dies too: past its attempts the task fails instead of running a third time.
    const again = claim("z", 5_000);
    assert.equal(again.task, undefined);
    assert.deepEqual(again.failed.map((f) => [f.id, f.status]), [[t.id, "failed"]]);
    assert.match(getTask(db, t.id)!.error!, /interrupted 2 times/);
  });
});

Deno.test("a task that repeats keeps its schedule when a run is interrupted too often", () => {
  withDb((db) => {
    const t = addTask(db, { text: "tick", dueAt: 0, everyMs: 1_000 }, 0);
    claimTask(db, { owner: "x", now: 10, leaseMs: 100, maxAttempts: 1 });
    const claim = claimTask(db, { owner: "y", now: 200, leaseMs: 100, maxAttempts: 1 });
    assert.equal(claim.task, undefined);
    assert.equal(claim.failed[0].id, t.id);
    const requeued = getTask(db, t.id)!;
    assert.deepEqual([requeued.status, requeued.dueAt, requeued.attempts], ["queued", 1_200, 0]);
    assert.match(requeued.error!, /interrupted 1 times/);
  });
});

Deno.test("a task that repeats is queued again after each run; a cancelled one is never claimed, and stops its holder", () => {
  withDb((db) => {
    const t = addTask(db, { text: "tick", dueAt: 0, everyMs: 1_000 }, 0);
    claimTask(db, { owner: "x", now: 10, leaseMs: 100, maxAttempts: 2 });
    assert.ok(recordProgress(db, t.id, "x", "fs_read → ok", "s"));
    assert.ok(finishTask(db, t.id, "x", { status: "done", text: "ok", sessionId: "s" }, 500));
    countSpend(db, t.id, USAGE, 0.5);
    const queued = getTask(db, t.id)!;
    assert.deepEqual(
      [queued.status, queued.dueAt, queued.runs, queued.attempts, queued.progress, queued.result, queued.costUsd],
      ["queued", 1_500, 1, 0, [], "ok", 0.5],
    );
    claimTask(db, { owner: "x", now: 1_500, leaseMs: 100, maxAttempts: 2 });
    assert.equal(cancelTask(db, t.id)?.status, "cancelled");
    assert.equal(renewLease(db, t.id, "x", 3_000), false, "the holder learns it no longer holds the task");
    assert.equal(claimTask(db, { owner: "y", now: 9_999, leaseMs: 100, maxAttempts: 2 }).task, undefined);
  });
});

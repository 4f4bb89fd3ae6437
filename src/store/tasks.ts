/**
 * The assistant's task queue. A task is queued until it is due, then claimed by one assistant at a time: the claim
 * takes a lease in the same write transaction that finds the task (so two assistants never both take it), and the
 * holder renews the lease while it works. A holder that dies stops renewing: when its lease runs out, the next claim
 * takes the task again (resumed, told what the earlier attempt did) or, past `maxAttempts`, marks it failed. Every
 * change a holder makes is made only while it still holds the lease.
 *
 * @example
 * ```ts
 * const task = addTask(db, { text: "Sort my inbox", dueAt: Date.now() });
 * const claimed = claimTask(db, { owner: "host:123:ab", now: Date.now(), leaseMs: 60_000, maxAttempts: 2 });
 * finishTask(db, claimed.task!.id, "host:123:ab", { status: "done", result: "Sorted", usage, costUsd: 0 });
 * ```
 */
import type { Usage } from "../core/types.ts";
import type { Database } from "./db.ts";

export const TASK_STATUSES = ["queued", "running", "done", "failed", "cancelled"] as const;
export type TaskStatus = typeof TASK_STATUSES[number];

/** A task as stored. */
export interface Task {
  id: number;
  text: string;
  status: TaskStatus;
  /** When it may run next (epoch ms). */
  dueAt: number;
  /** For a task that repeats: the time from the end of one run to the next. */
  everyMs: number | null;
  /** Tokens one run may spend, when the task has its own budget. */
  maxTokens: number | null;
  /** Who holds it and until when (epoch ms), while it runs. */
  leaseOwner: string | null;
  leaseUntil: number | null;
  /** Runs of it started since it last finished (an interrupted one counts). */
  attempts: number;
  /** Runs of it that finished. */
  runs: number;
  /** The steps the current attempt (or an interrupted earlier one) took, one line each. */
  progress: string[];
  /** The session it last ran in. */
  sessionId: string | null;
  /** What its last finished run answered, or why it failed. */
  result: string | null;
  error: string | null;
  /** Tokens and cost of all its runs. */
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

function toTask(r: Record<string, unknown>): Task {
  const num = (v: unknown) => v === null || v === undefined ? null : Number(v);
  const str = (v: unknown) => typeof v === "string" ? v : null;
  return {
    id: Number(r.id),
    text: String(r.text),
    status: r.status as TaskStatus,
    dueAt: Number(r.due_at),
    everyMs: num(r.every_ms),
    maxTokens: num(r.max_tokens),
    leaseOwner: str(r.lease_owner),
    leaseUntil: num(r.lease_until),
    attempts: Number(r.attempts),
    runs: Number(r.runs),
    progress: JSON.parse(String(r.progress)) as string[],
    sessionId: str(r.session_id),
    result: str(r.result),
    error: str(r.error),
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    costUsd: num(r.cost_usd),
    createdAt: String(r.created_at),
    updatedAt: String(r.updated_at),
    finishedAt: str(r.finished_at),
  };
}

/** What `pai task add` queues. */
export interface NewTask {
  text: string;
  dueAt: number;
  everyMs?: number;
  maxTokens?: number;
}

export function addTask(db: Database, task: NewTask, now = Date.now()): Task {
  const at = new Date(now).toISOString();
  const { lastInsertRowid } = db.prepare(
    `INSERT INTO tasks (text, status, due_at, every_ms, max_tokens, created_at, updated_at)
     VALUES (?, 'queued', ?, ?, ?, ?, ?)`,
  ).run(task.text, task.dueAt, task.everyMs ?? null, task.maxTokens ?? null, at, at);
  return getTask(db, Number(lastInsertRowid))!;
}

export function getTask(db: Database, id: number): Task | undefined {
  const row = db.prepare("SELECT * FROM tasks WHERE id = ?").get(id);
  return row && toTask(row);
}

/** Every task, oldest first. */
export function listTasks(db: Database): Task[] {
  return db.prepare("SELECT * FROM tasks ORDER BY id").all().map(toTask);
}

/**
 * Cancels a task that has not finished: a queued one never runs; a running one's holder sees at its next step that
 * it no longer holds it and stops there. Returns the task as it now is, or `undefined` when there is none.
 */
export function cancelTask(db: Database, id: number, now = Date.now()): Task | undefined {
  const at = new Date(now).toISOString();
  db.prepare(
    `UPDATE tasks SET status = 'cancelled', lease_owner = NULL, lease_until = NULL, updated_at = ?, finished_at = ?
     WHERE id = ? AND status IN ('queued', 'running')`,
  ).run(at, at, id);
  return getTask(db, id);
}

/** How one assistant claims its next task. */
export interface ClaimOptions {
  /** Who claims: unique per running assistant. */
  owner: string;
  now: number;
  leaseMs: number;
  /** Attempts a task gets: one whose holder died this many times is failed, not run again. */
  maxAttempts: number;
}

/** What a claim found: the task it took (if any) and the tasks it failed for having been interrupted too often. */
export interface Claim {
  task?: Task;
  failed: Task[];
}

/**
 * Takes the next task that is due (or whose holder's lease ran out), holding it for `leaseMs`; in one write
 * transaction, so that two assistants never take the same task. A task whose lease ran out `maxAttempts` times is
 * marked failed instead.
 */
export function claimTask(db: Database, options: ClaimOptions): Claim {
  const { owner, now, leaseMs, maxAttempts } = options;
  const at = new Date(now).toISOString();
  const failed: Task[] = [];
  db.exec("BEGIN IMMEDIATE");
  try {
    for (;;) {
      const row = db.prepare(
        `SELECT * FROM tasks WHERE (status = 'queued' AND due_at <= ?) OR (status = 'running' AND lease_until < ?)
         ORDER BY due_at, id LIMIT 1`,
      ).get(now, now);
      if (!row) break;
      const task = toTask(row);
      if (task.status === "running" && task.attempts >= maxAttempts) {
        // This run is failed; a task that repeats keeps its schedule (one bad run does not end it).
        db.prepare(
          `UPDATE tasks SET status = CASE WHEN every_ms IS NULL THEN 'failed' ELSE 'queued' END,
             due_at = CASE WHEN every_ms IS NULL THEN due_at ELSE ? + every_ms END,
             lease_owner = NULL, lease_until = NULL, attempts = 0, progress = '[]', updated_at = ?, finished_at = ?,
             error = ? WHERE id = ?`,
        ).run(now, at, at, `interrupted ${task.attempts} times (its assistant stopped without finishing it)`, task.id);
        failed.push(getTask(db, task.id)!);
        continue;
      }
      db.prepare(
        `UPDATE tasks SET status = 'running', lease_owner = ?, lease_until = ?, attempts = attempts + 1, updated_at = ?
         WHERE id = ?`,
      ).run(owner, now + leaseMs, at, task.id);
      db.exec("COMMIT");
      return { task: getTask(db, task.id)!, failed };
    }
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
  return { failed };
}

/** Extends the holder's lease; `false` when it no longer holds the task (cancelled, or taken after it expired). */
export function renewLease(db: Database, id: number, owner: string, until: number): boolean {
  const { changes } = db.prepare(
    "UPDATE tasks SET lease_until = ? WHERE id = ? AND status = 'running' AND lease_owner = ?",
  ).run(until, id, owner);
  return Number(changes) === 1;
}

/** Notes one step the holder took (for a later attempt, should this one be interrupted). */
export function recordProgress(db: Database, id: number, owner: string, step: string, sessionId: string): boolean {
  const { changes } = db.prepare(
    `UPDATE tasks SET progress = json_insert(progress, '$[#]', ?), session_id = ?
     WHERE id = ? AND status = 'running' AND lease_owner = ?`,
  ).run(step, sessionId, id, owner);
  return Number(changes) === 1;
}

/** How a run ended (what it spent is counted by `countSpend`). */
export interface TaskOutcome {
  status: "done" | "failed";
  /** The answer (done) or what stopped it (failed). */
  text: string;
  sessionId: string;
}

/**
 * Records how the holder's run ended. A task that repeats is queued again for its next time (done or failed: one bad
 * run does not end a schedule). `false` when the holder no longer held it: nothing is changed then.
 */
export function finishTask(db: Database, id: number, owner: string, outcome: TaskOutcome, now = Date.now()): boolean {
  const at = new Date(now).toISOString();
  const { changes } = db.prepare(
    `UPDATE tasks SET
       status = CASE WHEN every_ms IS NULL THEN ? ELSE 'queued' END,
       due_at = CASE WHEN every_ms IS NULL THEN due_at ELSE ? + every_ms END,
       result = CASE WHEN ? = 'done' THEN ? ELSE result END,
       error = CASE WHEN ? = 'failed' THEN ? ELSE NULL END,
       lease_owner = NULL, lease_until = NULL, attempts = 0, runs = runs + 1, progress = '[]', session_id = ?,
       updated_at = ?, finished_at = ?
     WHERE id = ? AND status = 'running' AND lease_owner = ?`,
  ).run(
    outcome.status,
    now,
    outcome.status,
    outcome.text,
    outcome.status,
    outcome.text,
    outcome.sessionId,
    at,
    at,
    id,
    owner,
  );
  return Number(changes) === 1;
}

/** Adds what a run of the task spent to its totals, whoever holds it now (a cancelled run spent it too). */
export function countSpend(db: Database, id: number, usage: Usage, costUsd: number | null): void {
  db.prepare(
    `UPDATE tasks SET input_tokens = input_tokens + ?, output_tokens = output_tokens + ?,
       cost_usd = CASE WHEN ? IS NULL THEN cost_usd ELSE coalesce(cost_usd, 0) + ? END WHERE id = ?`,
  ).run(usage.inputTokens, usage.outputTokens, costUsd, costUsd, id);
}

/**
 * Gives a task back, unfinished, when its assistant is stopped (SIGINT, SIGTERM): queued again with the steps it
 * took, so the next start resumes it. `false` when the holder no longer held it.
 */
export function releaseTask(db: Database, id: number, owner: string): boolean {
  const { changes } = db.prepare(
    `UPDATE tasks SET status = 'queued', lease_owner = NULL, lease_until = NULL, updated_at = ?
     WHERE id = ? AND status = 'running' AND lease_owner = ?`,
  ).run(new Date().toISOString(), id, owner);
  return Number(changes) === 1;
}

/** When the next task may be claimed (epoch ms): the earliest due queued task or running lease; none: `undefined`. */
export function nextWake(db: Database): number | undefined {
  const row = db.prepare(
    `SELECT min(t) AS t FROM (
       SELECT min(due_at) AS t FROM tasks WHERE status = 'queued'
       UNION ALL SELECT min(lease_until) FROM tasks WHERE status = 'running')`,
  ).get();
  return row?.t === null || row?.t === undefined ? undefined : Number(row.t);
}

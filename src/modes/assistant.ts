/**
 * Assistant mode's loop: claim the next due task, run it as one turn while renewing its lease, record how it ended,
 * and wait for the next (a new task, or a scheduled one falling due) until told to stop. Stopping (SIGINT, SIGTERM)
 * halts the turn at its next step and gives the task back with the steps it took, so the next start resumes it; an
 * assistant that dies leaves its lease to run out, and the next claim resumes the task or, past its attempts, fails
 * it (`store/tasks.ts`). A task is never run by two assistants at once: every change is made only by its holder.
 */
import { clip } from "../core/clip.ts";
import { PaiError } from "../core/errors.ts";
import type { Usage } from "../core/types.ts";
import type { Database } from "../store/db.ts";
import {
  claimTask,
  countSpend,
  finishTask,
  nextWake,
  recordProgress,
  releaseTask,
  renewLease,
  type Task,
} from "../store/tasks.ts";
import type { TurnResult } from "./engine.ts";
import type { AuditPort, Clock } from "./turn_ports.ts";

/** How the loop runs one task (the CLI builds the turn: session, tools, budget capped for the task). */
export interface TaskRunner {
  /**
   * Runs the task's input as one turn. `halt` ends it at its next step; `onStep` is told each tool call: `note`,
   * PAI's own words on it (a known tool's name and whether it worked: kept with the task and told to a later attempt,
   * so no text of the model's or a tool's goes back as the user's), and `shown`, the line the user's log shows.
   */
  run(task: Task, input: string, halt: AbortSignal, onStep: (note: string, shown: string) => void): Promise<TaskRun>;
}

/** What one run of a task came to. */
export interface TaskRun {
  result: TurnResult;
  /** The session the task ran in. */
  sessionId: string;
  costUsd: number | null;
}

/** Options for {@linkcode runAssistant}. */
export interface AssistantOptions {
  db: Database;
  runner: TaskRunner;
  /** Where the task's events go (`task` rows), with the session's columns. */
  audit: Pick<AuditPort, "emit">;
  /** The session's columns for the task rows. */
  who: { sessionId: string; provider: string; model: string };
  clock: Clock;
  /** Unique per running assistant: the lease is taken in its name. */
  owner: string;
  leaseMs: number;
  pollMs: number;
  maxAttempts: number;
  /** Drain the tasks that are due and return, instead of waiting for more. */
  once: boolean;
  /** Aborted to stop: the run under way halts at its next step; an idle wait ends at once. */
  stop: AbortSignal;
  /** Told what happens, one line each (the task started, its steps, how it ended). */
  log(text: string): void;
}

/** What the loop did. */
export interface AssistantReport {
  done: number;
  failed: number;
  /** Tasks given back unfinished when the assistant was stopped. */
  released: number;
  /** Tasks cancelled while they ran, or taken by another assistant after this one lost its lease. */
  gone: number;
}

/** The longest time between two renewals of a lease. */
const RENEW_AT_LEAST_MS = 1_000;

/** Works through the queue until stopped (or, with `once`, until nothing is due). */
export async function runAssistant(options: AssistantOptions): Promise<AssistantReport> {
  const report: AssistantReport = { done: 0, failed: 0, released: 0, gone: 0 };
  const { db, clock, stop } = options;
  while (!stop.aborted) {
    const claim = claimTask(db, {
      owner: options.owner,
      now: clock.now(),
      leaseMs: options.leaseMs,
      maxAttempts: options.maxAttempts,
    });
    for (const failed of claim.failed) {
      report.failed++;
      options.log(`task ${failed.id} failed: ${failed.error}`);
      await taskEvent(options, failed, "failed", { reason: failed.error ?? "interrupted" });
    }
    if (claim.task) {
      const ended = await runOne(options, claim.task);
      report[ended]++;
      continue;
    }
    if (options.once) break;
    await sleep(wakeIn(db, clock, options.pollMs), stop);
  }
  return report;
}

/** How long an idle assistant waits: until the next task falls due or a lease runs out, at most `pollMs`. */
function wakeIn(db: Database, clock: Clock, pollMs: number): number {
  const next = nextWake(db);
  return Math.max(0, Math.min(pollMs, next === undefined ? pollMs : next - clock.now()));
}

/** Runs one claimed task with its lease renewed; records how it ended. */
async function runOne(options: AssistantOptions, task: Task): Promise<"done" | "failed" | "released" | "gone"> {
  const { db, owner, clock } = options;
  const resumed = task.progress.length > 0 || task.attempts > 1;
  options.log(`task ${task.id} ${resumed ? "resumed" : "started"}: ${clip(task.text, 120)}`);
  await taskEvent(options, task, resumed ? "resumed" : "started");
  const halt = new AbortController();
  const onStop = () => halt.abort();
  options.stop.addEventListener("abort", onStop);
  let lost = false;
  // Renewed at a third of the lease (two renewals may be missed, a slow disk, a busy database, before it lapses), and
  // at least every second: a task cancelled meanwhile stops before its next step, not a renewal later.
  const renewal = setInterval(() => {
    if (renewLease(db, task.id, owner, clock.now() + options.leaseMs)) return;
    lost = true;
    halt.abort();
  }, Math.max(10, Math.min(RENEW_AT_LEAST_MS, Math.floor(options.leaseMs / 3))));
  const steps = [...task.progress];
  let run: TaskRun | undefined;
  let error: unknown;
  try {
    run = await options.runner.run(task, inputOf(task), halt.signal, (note, shown) => {
      steps.push(note);
      options.log(`task ${task.id}: ${shown}`);
      if (!recordProgress(db, task.id, owner, note, options.who.sessionId)) (lost = true, halt.abort());
    });
  } catch (thrown) {
    error = thrown;
  } finally {
    clearInterval(renewal);
    options.stop.removeEventListener("abort", onStop);
  }
  const usage: Usage = run?.result.usage ?? { inputTokens: 0, outputTokens: 0 };
  const costUsd = run?.costUsd ?? null;
  // Spent whatever came of it: a run cancelled or taken from it used these tokens too.
  countSpend(db, task.id, usage, costUsd);
  const sessionId = run?.sessionId ?? options.who.sessionId;
  const gone = () => {
    options.log(`task ${task.id} was cancelled or taken by another assistant: stopped after its step`);
    return "gone" as const;
  };
  if (lost) return gone();
  if (run?.result.stoppedBy === "halted" || (run?.result.interrupted && options.stop.aborted)) {
    if (!releaseTask(db, task.id, owner)) return gone();
    options.log(`task ${task.id} stopped after ${steps.length} steps: it will be resumed at the next start`);
    await taskEvent(options, task, "released", { steps: steps.length });
    return "released";
  }
  const reason = error !== undefined ? messageOf(error) : run && failure(run.result);
  if (reason !== undefined) {
    if (!finishTask(db, task.id, owner, { status: "failed", text: reason, sessionId }, clock.now())) return gone();
    options.log(`task ${task.id} failed: ${reason}`);
    await taskEvent(options, task, "failed", { reason });
    return "failed";
  }
  const text = run!.result.text.trim();
  if (!finishTask(db, task.id, owner, { status: "done", text, sessionId }, clock.now())) return gone();
  options.log(`task ${task.id} done (${usage.inputTokens} in, ${usage.outputTokens} out): ${clip(text, 120)}`);
  await taskEvent(options, task, "done");
  return "done";
}

/**
 * The task as the model gets it: a resumed one says which tool calls the interrupted attempt made (PAI's notes: tool
 * names and outcomes, nothing the model or a tool wrote). What they did is in the session's history, labelled.
 */
function inputOf(task: Pick<Task, "text" | "progress">): string {
  if (!task.progress.length) return task.text;
  return `${task.text}\n\n(An earlier attempt at this task was interrupted after these tool calls:\n` +
    `${task.progress.map((s) => `- ${s}`).join("\n")}\nIf this conversation holds that attempt, do not repeat ` +
    "what it did; finish the rest.)";
}

/** Why a run that returned did not do its task, if it did not. */
function failure(result: TurnResult): string | undefined {
  if (result.budgetRefusal) return result.budgetRefusal.message;
  if (result.incomplete) return "the answer ended before it was complete (the connection dropped)";
  if (result.interrupted) return "interrupted";
  return undefined;
}

/** What a failed run says: PAI's own message, or an internal error's. */
function messageOf(error: unknown): string {
  if (error instanceof PaiError) return error.message;
  return `internal error: ${error instanceof Error ? error.message : String(error)}`;
}

async function taskEvent(
  options: AssistantOptions,
  task: Task,
  action: "started" | "resumed" | "done" | "failed" | "released",
  more: { reason?: string; steps?: number } = {},
): Promise<void> {
  await options.audit.emit({ kind: "task", action, taskId: task.id, ...more, ...options.who, mode: "assistant" });
}

/** Resolves after `ms`, or at once when `stop` is aborted. */
function sleep(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stop.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    stop.addEventListener("abort", done);
  });
}

/** `pai task add|list|show|cancel`: the assistant's queue, which `pai assistant run` works through. */
import { clip } from "../core/clip.ts";
import type { CommandContext } from "@stricli/core";
import { appendAudit } from "../audit/log.ts";
import { formatInterval, localTime, parseInterval, parseMoment } from "../core/durations.ts";
import { EXIT, PaiError } from "../core/errors.ts";
import { withDatabase } from "../modes/session_setup.ts";
import { formatUsd } from "../providers/prices.ts";
import type { Database } from "../store/db.ts";
import { currentSession } from "../store/sessions.ts";
import { addTask, cancelTask, getTask, listTasks, type Task } from "../store/tasks.ts";
import { stdout } from "../ui/output.ts";
import { line } from "../ui/sanitize.ts";
import { printTable } from "../ui/table.ts";
import { readPipedStdin, stdinDash } from "./stdin.ts";

/** Flags of `pai task add`. */
export interface AddFlags {
  every?: string;
  at?: string;
  maxTokens?: number;
  json: boolean;
}

/** Queues a task: now, at a time (`--at`), and/or again and again (`--every`). A lone `-` reads it from stdin. */
export async function add(this: CommandContext, flags: AddFlags, ...words: string[]): Promise<void> {
  const { text: typed, dash } = stdinDash(words);
  const text = dash
    ? [typed, (await readPipedStdin({ terminalToo: true })).trim()].filter(Boolean).join("\n\n")
    : typed;
  if (!text) {
    throw new PaiError("Give the task's text", {
      exitCode: EXIT.USAGE,
      hint: 'Example: pai task add "Summarise new files in ~/inbox" --every 1h',
    });
  }
  const now = new Date();
  const everyMs = flags.every === undefined ? undefined : parseInterval(flags.every, "--every");
  const dueAt = flags.at === undefined ? now.getTime() : parseMoment(flags.at, "--at", now);
  await withDatabase(async (db) => {
    const task = addTask(db, { text, dueAt, everyMs, maxTokens: flags.maxTokens }, now.getTime());
    await taskEvent(db, task, "added");
    if (flags.json) return void stdout.write(`${JSON.stringify(task)}\n`);
    const when = dueAt <= now.getTime() ? "now" : localTime(new Date(dueAt));
    const repeat = everyMs ? `, then every ${flags.every!.trim()}` : "";
    stdout.write(
      line`Queued task ${String(task.id)} (due ${when}${repeat}). "pai assistant run" works through the queue.\n`,
    );
  });
}

/** Lists every task: id, status, when it is due, its text, its last result, tokens and cost. */
export async function list(this: CommandContext, flags: { json: boolean }): Promise<void> {
  await withDatabase((db) => {
    const tasks = listTasks(db);
    if (flags.json) return void stdout.write(`${JSON.stringify(tasks)}\n`);
    if (!tasks.length) return void stdout.write('No tasks. Queue one with: pai task add "TEXT"\n');
    printTable(stdout, [
      ["ID", "STATUS", "DUE", "TOKENS", "COST", "TASK", "RESULT"],
      ...tasks.map((t) => [
        String(t.id),
        t.status,
        due(t),
        String(t.inputTokens + t.outputTokens),
        t.costUsd === null ? "-" : formatUsd(t.costUsd),
        clip(t.text, 40),
        // The last run's: a task that repeats is queued again after a failed run, which still shows.
        clip(t.error ? `failed: ${t.error}` : t.result ?? "", 60),
      ]),
    ]);
  });
}

/** Shows one task whole. */
export async function show(this: CommandContext, flags: { json: boolean }, id: number): Promise<void> {
  await withDatabase((db) => {
    const task = found(db, id);
    if (flags.json) return void stdout.write(`${JSON.stringify(task)}\n`);
    printTable(stdout, [
      ["task", String(task.id)],
      ["status", task.status],
      ["due", due(task)],
      ["repeats", task.everyMs ? `every ${formatInterval(task.everyMs)}` : "no"],
      ["runs", `${task.runs} finished${task.attempts ? `, attempt ${task.attempts} under way or interrupted` : ""}`],
      [
        "budget",
        task.maxTokens
          ? `${task.maxTokens} tokens a run`
          : "none of its own (config.json's assistant.taskTokens applies, if set)",
      ],
      ["tokens", `${task.inputTokens} in, ${task.outputTokens} out`],
      ["cost", task.costUsd === null ? "unknown" : formatUsd(task.costUsd)],
      ["session", task.sessionId ?? "-"],
      ["created", task.createdAt],
      ["finished", task.finishedAt ?? "-"],
    ]);
    stdout.write(line`\n${task.text}\n`);
    if (task.progress.length) {
      stdout.write(`\nSteps of the unfinished attempt:\n${task.progress.map((s) => line`  ${s}\n`).join("")}`);
    }
    if (task.result) stdout.write(`\nResult:\n${line`${task.result}`}\n`);
    if (task.error) stdout.write(`\nError:\n${line`${task.error}`}\n`);
  });
}

/** Cancels a task that has not finished (a running one stops after the step under way). */
export async function cancel(this: CommandContext, _flags: Record<never, never>, id: number): Promise<void> {
  await withDatabase(async (db) => {
    const before = found(db, id);
    if (before.status !== "queued" && before.status !== "running") {
      throw new PaiError(`Task ${id} is ${before.status}: there is nothing to cancel`, { exitCode: EXIT.USAGE });
    }
    const task = cancelTask(db, id)!;
    await taskEvent(db, task, "cancelled");
    stdout.write(
      before.status === "running"
        ? `Cancelled task ${id}: its assistant stops after the step under way.\n`
        : `Cancelled task ${id}.\n`,
    );
  });
}

function found(db: Database, id: number): Task {
  const task = getTask(db, id);
  if (!task) {
    throw new PaiError(`No task ${id}`, { exitCode: EXIT.USAGE, hint: '"pai task list" shows the tasks' });
  }
  return task;
}

/** When a task runs next, for people. */
function due(task: Task): string {
  if (task.status !== "queued") return "-";
  return task.dueAt <= Date.now() ? "now" : localTime(new Date(task.dueAt));
}

/** The user's own queue changes, recorded under the current session when there is one, as the user's. */
async function taskEvent(db: Database, task: Task, action: "added" | "cancelled"): Promise<void> {
  const session = currentSession(db);
  const where = session ? { sessionId: session.id, provider: session.provider, model: session.model } : {};
  await appendAudit(db, {
    kind: "task",
    action,
    taskId: task.id,
    ...(action === "added" ? { due: new Date(task.dueAt).toISOString() } : {}),
    ...(action === "added" && task.everyMs ? { every: formatInterval(task.everyMs) } : {}),
    ...where,
    actor: "user",
  });
}

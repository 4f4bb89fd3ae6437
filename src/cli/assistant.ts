/**
 * `pai assistant run`: works through the task queue and waits for more until SIGINT or SIGTERM (the step under way
 * finishes, the task is given back to be resumed; a second signal stops the step too). `--once` drains what is due.
 * `pai assistant` alone is a conversation in assistant mode.
 */
import type { CommandContext } from "@stricli/core";
import { runAssistant } from "../modes/assistant.ts";
import { taskBudget } from "../modes/budget.ts";
import { runTurn, type TurnContext } from "../modes/engine.ts";
import type { BudgetPort } from "../modes/turn_ports.ts";
import { ASSISTANT, UNATTENDED } from "../modes/profiles.ts";
import { openSession } from "../modes/session_setup.ts";
import { SYSTEM_CLOCK } from "../modes/turn_ports.ts";
import { costUsd } from "../providers/prices.ts";
import { localTime } from "../core/durations.ts";
import { stderr, stdout } from "../ui/output.ts";
import { line } from "../ui/sanitize.ts";
import { type ChatFlags, converse } from "./chat.ts";
import { outcomeLine, stepLine } from "./turn_output.ts";
import { type ResumeFlags, type ToolFlags, turnContext, withPolicyNow } from "./turn_setup.ts";

/** How long a task stays held without renewal, how often an idle assistant looks, and attempts, by default. */
const LEASE_SECONDS = 60;
const POLL_SECONDS = 5;
const ATTEMPTS = 2;

/** Flags of `pai assistant run`. */
export interface RunFlags extends Omit<ToolFlags, "resource" | "attach" | "system" | "template">, ResumeFlags {
  once: boolean;
  maxSteps: number;
}

/** `pai assistant`: the conversation of assistant mode (its tools, its working memory). */
export async function chat(this: CommandContext, flags: ChatFlags): Promise<void> {
  await converse(ASSISTANT, flags, "Assistant mode with");
}

/** Works through the queue, headless: nobody is asked; what is not pre-granted is denied and recorded. */
export async function run(this: CommandContext, flags: RunFlags): Promise<void> {
  const ctx = await openSession({
    notice: (text) => stderr.write(line`${text}\n`),
    safe: flags.safe,
    model: flags.model,
    resume: { session: flags.session, last: flags.continue },
  });
  const stop = new AbortController();
  const now = new AbortController();
  // Each line with its local date and time: a service's log spans days.
  const log = (text: string) => stdout.write(line`${localTime(new Date())} ${text}\n`);
  const onSignal = () => {
    if (stop.signal.aborted) return now.abort();
    log("stopping after the step under way (signal again to stop it too)");
    stop.abort();
  };
  const signals = ["SIGINT", "SIGTERM"] as const;
  for (const s of signals) Deno.addSignalListener(s, onSignal);
  try {
    const turn = await turnContext(ctx, UNATTENDED, { ...flags, resource: [] }, { rounds: flags.maxSteps }, {
      headless: true,
    });
    const settings = ctx.config.assistant ?? {};
    const who = { sessionId: ctx.session.id, provider: ctx.session.provider, model: ctx.session.model };
    log(
      `assistant started with ${who.provider} (${who.model}); ${
        flags.once ? "draining the queue" : "waiting for tasks"
      }`,
    );
    const report = await runAssistant({
      db: ctx.db,
      audit: turn.audit,
      who,
      clock: SYSTEM_CLOCK,
      owner: `${Deno.pid}:${crypto.randomUUID()}`,
      leaseMs: (settings.leaseSeconds ?? LEASE_SECONDS) * 1000,
      pollMs: (settings.pollSeconds ?? POLL_SECONDS) * 1000,
      maxAttempts: settings.attempts ?? ATTEMPTS,
      once: flags.once,
      stop: stop.signal,
      log,
      runner: {
        async run(task, input, halt, onStep) {
          // Each task is judged by the policy and the resources as they are when it starts, not when the assistant did.
          const fresh = await turnContext(
            await withPolicyNow(ctx, flags.safe),
            UNATTENDED,
            { ...flags, resource: [] },
            {
              rounds: flags.maxSteps,
            },
            { headless: true },
          );
          const cap = task.maxTokens ?? settings.taskTokens;
          const capped = cap
            ? withBudget(
              fresh,
              taskBudget({ id: task.id, maxTokens: cap }, fresh.audit, {
                ...who,
                mode: "assistant",
              }),
            )
            : fresh;
          const result = await runTurn(capped, input, {
            signal: now.signal,
            halt,
            // Streamed, though nothing is shown as it comes: a second signal stops the answer where it is.
            stream: true,
            maxToolRounds: flags.maxSteps,
            onToolEnd: (e) => {
              // A tool the model named that does not exist is not named back to it as PAI's words.
              const known = fresh.tools?.definitions().some((d) => d.name === e.call.name);
              const outcome = e.outcome.ok ? "ok" : `failed (${e.outcome.error.type})`;
              onStep(
                `${known ? e.call.name : "a tool that does not exist"}: ${outcome}`,
                `${stepLine(e.call.name, e.call.arguments).slice(2)} →${outcomeLine(e).slice(1)}`,
              );
            },
            onNotice: (text) => stderr.write(line`${text}\n`),
          });
          return { result, sessionId: ctx.session.id, costUsd: costUsd(fresh.price, result.usage) };
        },
      },
    });
    const gone = report.gone ? `, ${report.gone} cancelled or taken by another assistant` : "";
    log(`assistant stopped: ${report.done} done, ${report.failed} failed, ${report.released} to resume${gone}`);
  } finally {
    for (const s of signals) Deno.removeSignalListener(s, onSignal);
    ctx.db.close();
  }
}

/** The turn with every model's budget wrapped (a task's own budget over the session's). */
function withBudget(turn: TurnContext, wrap: (inner: BudgetPort) => BudgetPort): TurnContext {
  const targets = turn.targets && Object.fromEntries(
    Object.entries(turn.targets).map(([role, t]) => [role, { ...t, budget: wrap(t.budget) }]),
  ) as TurnContext["targets"];
  return { ...turn, budget: wrap(turn.budget), ...(targets ? { targets } : {}) };
}

/** Runs one turn with the answer printed as it streams and each tool step shown (shared by the modes). */
import { describePermissions } from "../policy/decide.ts";
import { runTurn, type TurnContext, type TurnResult } from "../modes/engine.ts";
import type { AttachedInput } from "./attachments.ts";
import type { ToolExecution } from "../tools/tool_manager.ts";
import { AnswerPrinter } from "../ui/answer_printer.ts";
import { dim, type Output, stderr, terminalColumns, useColor } from "../ui/output.ts";
import { costUsd, formatUsd, type ModelPrice } from "../providers/prices.ts";
import { line } from "../ui/sanitize.ts";
import { withInterrupt } from "./interrupt.ts";
import { lazyImport } from "../core/lazy_import.ts";

/** Options for {@linkcode printedTurn}. */
export interface PrintedTurnOptions {
  stream: boolean;
  /** Where the answer goes; nothing is printed when absent (as for `--json`). */
  out?: Output;
  maxToolRounds?: number;
  /** Wall-clock limit in milliseconds from now. */
  timeLimitMs?: number;
  dryRun?: boolean;
  /** What is attached to the input (`--resource`, `--attach`): its highest label, its sources, its images. */
  attached?: Omit<AttachedInput, "text">;
  /** How the answer and its usage are shown (`answerDisplay`); absent: as plain text, no usage line. */
  display?: AnswerDisplay;
}

/** `--raw` and `--usage`. */
export interface DisplayFlags {
  raw: boolean;
  usage: boolean;
}

/** How an answer is shown: as Markdown for a terminal this wide, and whether a usage line follows it. */
export interface AnswerDisplay {
  markdown?: { columns: number };
  usage: boolean;
  /** The price of the session's model, for the usage line's cost. */
  price?: ModelPrice | null;
}

/**
 * How answers are shown on `out`: rendered Markdown on a terminal with colours (not with `--raw`, `NO_COLOR` or
 * `TERM=dumb`), and the usage line in a terminal unless config.json's `usageLine` is false, or always with `--usage`.
 */
export function answerDisplay(
  out: Output,
  flags: Partial<DisplayFlags>,
  config: { usageLine?: boolean },
  price?: ModelPrice | null,
): AnswerDisplay {
  const styled = useColor(out) && Deno.env.get("TERM") !== "dumb" && !flags.raw;
  return {
    ...(styled ? { markdown: { columns: terminalColumns(out) ?? 80 } } : {}),
    usage: flags.usage === true || (out.isTerminal && config.usageLine !== false),
    price,
  };
}

/** The usage line of an answer: tokens in and out, and the cost when the model's price is known. */
export function usageLine(
  result: Pick<TurnResult, "usage" | "routedTo" | "interrupted">,
  price?: ModelPrice | null,
): string {
  const { inputTokens, outputTokens } = result.usage;
  // An answer stopped before the provider reported its usage: nothing is known, which is not nothing used.
  if (result.interrupted && !inputTokens && !outputTokens) return "↳ stopped before the provider reported its usage";
  const cost = result.routedTo ? null : costUsd(price, result.usage);
  const n = (x: number) => x.toLocaleString("en-US");
  return `↳ ${n(inputTokens)} in · ${n(outputTokens)} out${cost === null ? "" : ` · ${formatUsd(cost)}`}` +
    (result.routedTo ? ` · answered by ${result.routedTo}` : "");
}

/**
 * One line for a tool call: the tool and its arguments, shortened and neutralised (the model chose both; the raw
 * arguments may hold a newline or an escape sequence, even outside a JSON string).
 */
export function stepLine(name: string, args: string): string {
  const shown = args.length > 160 ? `${args.slice(0, 160)}…` : args;
  return line`⚙ ${name} ${shown}`;
}

/** The outcome line of a step: the permissions it ran with, then what came of it (paths and messages neutralised). */
export function outcomeLine(execution: ToolExecution): string {
  const mark = execution.ok ? "✓" : "✗";
  const summary = execution.summary.slice(0, 300);
  return execution.permissions
    ? line`  ${mark} ${describePermissions(execution.permissions)}: ${summary}`
    : line`  ${mark} ${summary}`;
}

/** Runs a turn; Ctrl+C stops the answer, which is kept and marked interrupted. */
export async function printedTurn(ctx: TurnContext, text: string, options: PrintedTurnOptions): Promise<TurnResult> {
  const { out } = options;
  // The renderer loads only for a terminal that shows Markdown: a pipe and `--raw` never pay for it.
  const markdown = out && options.display?.markdown
    ? new (await lazyImport<typeof import("../ui/markdown.ts")>("../ui/markdown.ts", import.meta.url)).MarkdownStream({
      write: (t) => out.write(t),
      ...options.display.markdown,
    })
    : undefined;
  const printer = out && new AnswerPrinter(out, { markdown });
  // In a terminal, stdin is taken for the turn: what is typed meanwhile neither echoes into the answer nor answers a
  // question (`terminal_input.ts`, loaded only then).
  const keyboard = Deno.stdin.isTerminal()
    ? await lazyImport<typeof import("./terminal_input.ts")>("./terminal_input.ts", import.meta.url)
    : undefined;
  const terminal = keyboard?.withTerminalInput ?? (<T>(work: () => Promise<T>) => work());
  const stopped = keyboard?.stopRequested() ?? false;
  return terminal(() =>
    withInterrupt(async (signal) => {
      printer?.start();
      try {
        const result = await runTurn(ctx, text, {
          signal,
          stream: options.stream,
          onText: printer && ((piece) => printer.text(piece)),
          maxToolRounds: options.maxToolRounds,
          deadline: options.timeLimitMs === undefined ? undefined : Date.now() + options.timeLimitMs,
          onToolStart: (call) => {
            printer?.pause();
            stderr.write(`${dim(stderr, stepLine(call.name, call.arguments))}\n`);
          },
          onToolEnd: (execution) => stderr.write(`${dim(stderr, outcomeLine(execution))}\n`),
          onNotice: (text) => {
            printer?.pause();
            stderr.write(line`${text}\n`);
          },
          dryRun: options.dryRun,
          inputLabel: options.attached?.label,
          inputSources: options.attached?.sources,
          images: options.attached?.images,
        });
        const note = result.interrupted
          ? "[interrupted]"
          : result.incomplete
          ? "[the answer ended before it was complete]"
          : result.stoppedBy === "budget"
          ? "[stopped: a budget was reached]"
          : result.stoppedBy && options.maxToolRounds !== undefined
          ? `[stopped calling tools: ${result.stoppedBy === "deadline" ? "time limit" : "step limit"} reached]`
          : undefined;
        printer?.end(note && dim(options.out!, note));
        if (options.out && options.display?.usage && !options.dryRun) {
          stderr.write(`${dim(stderr, line`${usageLine(result, options.display.price)}`)}\n`);
        }
        return result;
      } catch (error) {
        printer?.end();
        throw error;
      }
    }, stopped)
  );
}

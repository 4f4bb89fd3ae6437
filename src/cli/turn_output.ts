/** Runs one turn with the answer printed as it streams (shared by prompt and chat). */
import { runTurn, type TurnContext, type TurnResult } from "../modes/engine.ts";
import { AnswerPrinter } from "../ui/answer_printer.ts";
import { dim, type Output } from "../ui/output.ts";
import { withInterrupt } from "./interrupt.ts";

/** Options for {@linkcode printedTurn}. */
export interface PrintedTurnOptions {
  stream: boolean;
  /** Where the answer goes; nothing is printed when absent (as for `--json`). */
  out?: Output;
}

/** Runs a turn; Ctrl+C stops the answer, which is kept and marked interrupted. */
export function printedTurn(ctx: TurnContext, text: string, options: PrintedTurnOptions): Promise<TurnResult> {
  const printer = options.out && new AnswerPrinter(options.out);
  return withInterrupt(async (signal) => {
    printer?.start();
    try {
      const result = await runTurn(ctx, text, {
        signal,
        stream: options.stream,
        onText: printer && ((piece) => printer.text(piece)),
      });
      const note = result.interrupted
        ? "[interrupted]"
        : result.incomplete
        ? "[the answer ended before it was complete]"
        : undefined;
      printer?.end(note && dim(options.out!, note));
      return result;
    } catch (error) {
      printer?.end();
      throw error;
    }
  });
}

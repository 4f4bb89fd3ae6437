/**
 * Prints a model's answer as it streams: a spinner until the first token when
 * stdout is a terminal, then each piece neutralised (see `sanitize.ts`).
 */
import type { Output } from "./output.ts";
import { neutralizeControls } from "./sanitize.ts";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** Streams one answer to an output. */
export class AnswerPrinter {
  #out: Output;
  #timer?: ReturnType<typeof setInterval>;
  #lastChar = "\n";

  constructor(out: Output) {
    this.#out = out;
  }

  /** Shows the spinner (terminals only). */
  start(label = "thinking"): void {
    if (!this.#out.isTerminal) return;
    let frame = 0;
    const draw = () => this.#out.write(`\r${FRAMES[frame++ % FRAMES.length]} ${label}…`);
    draw();
    this.#timer = setInterval(draw, 80);
  }

  /** Writes a piece of the answer. */
  text(piece: string): void {
    this.#stopSpinner();
    const safe = neutralizeControls(piece);
    if (!safe) return;
    this.#out.write(safe);
    this.#lastChar = safe.at(-1)!;
  }

  /** Stops the spinner and ends a started line, so that other output (a tool step) can follow. */
  pause(): void {
    this.#stopSpinner();
    if (this.#lastChar !== "\n") this.#out.write("\n");
    this.#lastChar = "\n";
  }

  /** Ends the answer on a fresh line, with an optional note of PAI's own (written as is). */
  end(note?: string): void {
    this.#stopSpinner();
    if (note) this.#out.write(`${/\s/.test(this.#lastChar) ? "" : " "}${note}\n`);
    else if (this.#lastChar !== "\n") this.#out.write("\n");
    this.#lastChar = "\n";
  }

  #stopSpinner(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#out.write("\r\x1b[K");
  }
}

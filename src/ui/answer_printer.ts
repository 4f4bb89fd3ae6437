/**
 * Prints a model's answer as it streams: a spinner until the first token when
 * stdout is a terminal, then each piece neutralised (see `sanitize.ts`), as
 * rendered Markdown when asked (`markdown.ts`), else as it is.
 */
import type { MarkdownStream } from "./markdown.ts";
import type { Output } from "./output.ts";
import { neutralizeControls } from "./sanitize.ts";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** Streams one answer to an output. */
export class AnswerPrinter {
  #out: Output;
  #timer?: ReturnType<typeof setInterval>;
  #lastChar = "\n";
  #markdown?: MarkdownStream;

  /** `markdown`: the answer is rendered through it (its target is `out`). */
  constructor(out: Output, options: { markdown?: MarkdownStream } = {}) {
    this.#out = out;
    this.#markdown = options.markdown;
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
    if (this.#markdown) this.#markdown.push(safe);
    else this.#out.write(safe);
    this.#lastChar = safe.at(-1)!;
  }

  /** Stops the spinner and ends a started line, so that other output (a tool step) can follow. */
  pause(): void {
    this.#stopSpinner();
    this.#markdown?.end();
    if (this.#lastChar !== "\n") this.#out.write("\n");
    this.#lastChar = "\n";
  }

  /** Ends the answer on a fresh line, with an optional note of PAI's own (written as is). */
  end(note?: string): void {
    this.#stopSpinner();
    this.#markdown?.end();
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

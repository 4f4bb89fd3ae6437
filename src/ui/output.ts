/** Writing to the terminal: whole strings, synchronously, with TTY detection. */
import { EXIT } from "../core/errors.ts";

const encoder = new TextEncoder();

/** A place to write text (stdout or stderr). */
export interface Output {
  write(text: string): void;
  readonly isTerminal: boolean;
}

let stdoutWritten = false;

/**
 * Writes all of `text`. When the reader has closed the pipe (`pai status | head -1`), nothing more can be shown: PAI
 * ends there, quietly, as a Unix tool that SIGPIPE ends (Deno ignores the signal, so it would be an error instead).
 * The exit status is the one shells report for that, 141, so `set -o pipefail` sees PAI as it sees `cat`. Ending
 * mid-turn is as safe as a kill: every audit row and the database are committed as they are written.
 */
function writeAll(target: typeof Deno.stdout, text: string): void {
  const bytes = encoder.encode(text);
  try {
    for (let done = 0; done < bytes.length;) done += target.writeSync(bytes.subarray(done));
  } catch (error) {
    if (error instanceof Deno.errors.BrokenPipe) Deno.exit(EXIT.BROKEN_PIPE);
    throw error;
  }
}

function outputOf(target: typeof Deno.stdout): Output {
  return { write: (text) => writeAll(target, text), isTerminal: target.isTerminal() };
}

export const stdout: Output = {
  write: (text) => {
    if (text) stdoutWritten = true;
    writeAll(Deno.stdout, text);
  },
  isTerminal: Deno.stdout.isTerminal(),
};
export const stderr: Output = outputOf(Deno.stderr);

/** Whether anything was written to stdout yet (a `--json` result, so that a failure prints no second object). */
export function wroteToStdout(): boolean {
  return stdoutWritten;
}

/** Whether colour may be used on `out` (https://no-color.org). */
export function useColor(out: Output): boolean {
  return out.isTerminal && !Deno.env.get("NO_COLOR");
}

/** Wraps `text` in a dim style when colour is allowed. */
export function dim(out: Output, text: string): string {
  return useColor(out) ? `\x1b[2m${text}\x1b[22m` : text;
}

/** The terminal's width, when `out` is one (lines are cut to it there; a pipe gets them whole). */
export function terminalColumns(out: Output): number | undefined {
  return terminalSize(out)?.columns;
}

/** The terminal's size, when `out` is one and knows it (a terminal of 0 columns is taken for a pipe). */
export function terminalSize(out: Output): { columns: number; rows: number } | undefined {
  if (!out.isTerminal) return undefined;
  try {
    const { columns, rows } = Deno.consoleSize();
    return columns ? { columns, rows: rows || 24 } : undefined;
  } catch {
    return undefined;
  }
}

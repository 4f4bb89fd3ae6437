/** Writing to the terminal: whole strings, synchronously, with TTY detection. */

const encoder = new TextEncoder();

/** A place to write text (stdout or stderr). */
export interface Output {
  write(text: string): void;
  readonly isTerminal: boolean;
}

function writeAll(target: typeof Deno.stdout, text: string): void {
  const bytes = encoder.encode(text);
  for (let done = 0; done < bytes.length;) done += target.writeSync(bytes.subarray(done));
}

function outputOf(target: typeof Deno.stdout): Output {
  return { write: (text) => writeAll(target, text), isTerminal: target.isTerminal() };
}

export const stdout: Output = outputOf(Deno.stdout);
export const stderr: Output = outputOf(Deno.stderr);

/** Whether colour may be used on `out` (https://no-color.org). */
export function useColor(out: Output): boolean {
  return out.isTerminal && !Deno.env.get("NO_COLOR");
}

/** Wraps `text` in a dim style when colour is allowed. */
export function dim(out: Output, text: string): string {
  return useColor(out) ? `\x1b[2m${text}\x1b[22m` : text;
}

/** Ctrl+C as an AbortSignal, for the length of one piece of work. */

/** How many pieces of work Ctrl+C would stop now. */
let listening = 0;

/**
 * Runs `work` with a signal that Ctrl+C (SIGINT) aborts; the default "exit at once" is off meanwhile. `stopped`: a
 * Ctrl+C already came for it (read as a key, with the message it answers), so the signal starts aborted.
 */
export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>, stopped = false): Promise<T> {
  const controller = new AbortController();
  if (stopped) controller.abort();
  const abort = () => controller.abort();
  Deno.addSignalListener("SIGINT", abort);
  listening++;
  try {
    return await work(controller.signal);
  } finally {
    listening--;
    Deno.removeSignalListener("SIGINT", abort);
  }
}

/** Whether Ctrl+C now stops a piece of work (an answer) rather than PAI. */
export function interruptible(): boolean {
  return listening > 0;
}

/** Ctrl+C as an AbortSignal, for the length of one piece of work. */

/** Runs `work` with a signal that Ctrl+C (SIGINT) aborts; the default "exit at once" is off meanwhile. */
export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  Deno.addSignalListener("SIGINT", abort);
  try {
    return await work(controller.signal);
  } finally {
    Deno.removeSignalListener("SIGINT", abort);
  }
}

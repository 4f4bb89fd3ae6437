/**
 * What dependencies print on their own. PAI writes to the terminal through `ui/output.ts` only; a package that calls
 * `console.*` itself bypasses that: the Anthropic SDK warns about deprecated models with a bare `console.warn` on
 * every request (its `logLevel: "off"` does not cover it), so the warning appeared unprefixed on every turn, and a
 * `console.log` would land in the middle of an answer on stdout (or break `--json`). Installed once at start-up,
 * {@linkcode routeConsole} turns each such message into one line of PAI's own, shown once per process.
 *
 * @example
 * ```ts
 * routeConsole(console, (text) => stderr.write(line`pai: ${text}\n`));
 * ```
 */

/** The console methods a dependency may call. */
export type ConsoleLike = Pick<Console, "log" | "info" | "warn" | "error" | "debug" | "trace">;

/** Replaces `target`'s methods so that what they are given goes to `say`, as one line, each distinct text once. */
export function routeConsole(target: ConsoleLike, say: (text: string) => void): void {
  const said = new Set<string>();
  const route = (...args: unknown[]) => {
    const text = oneLine(args.map(show).join(" "));
    if (!text || said.has(text)) return;
    said.add(text);
    say(text);
  };
  target.log = route;
  target.info = route;
  target.warn = route;
  target.error = route;
  // Debug and trace output is for a dependency's own developers (a stack, a dump of a request that may hold the
  // user's prompt): it tells a user nothing they can act on, so it is dropped rather than shown.
  target.debug = () => {};
  target.trace = () => {};
}

function show(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) return value.message;
  return Deno.inspect(value, { colors: false, compact: true, breakLength: Infinity });
}

/** The lines of a message as one: each trimmed, and ended as a sentence where it runs into the next. */
function oneLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return lines.map((l, i) => i < lines.length - 1 && !/[.!?:;,]$/.test(l) ? `${l}.` : l).join(" ");
}

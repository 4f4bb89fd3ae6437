/**
 * The last step of `deno task install`. `deno install --global` of a local file writes a script that runs PAI from
 * this checkout, where it is: when the clone is moved or deleted, that script fails with Deno's "Module not found".
 * This step puts a check before it that says what happened and what to run, in one line.
 *
 * Run by the task (`deno run --allow-read --allow-write --allow-env src/cli/install_guard.ts`); it edits only the
 * installed `pai` script in `$DENO_INSTALL_ROOT/bin` (default `~/.deno/bin`).
 */

/** The line that marks a guarded script, so that installing again replaces the guard instead of adding one. */
const MARK = "# pai: say so when PAI's checkout is gone (src/cli/install_guard.ts)";

/** `'…'` for sh, whatever the text holds. */
function shQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * The installed script with a check before its `exec` line, or `undefined` when it is not the script `deno install`
 * writes for a local `src/main.ts`.
 *
 * @example
 * ```ts
 * guardScript(`#!/bin/sh\nexec deno run --allow-read 'file:///home/me/pai/src/main.ts' "$@"\n`);
 * // …if [ ! -f '/home/me/pai/src/main.ts' ]; then echo '…"deno task install"…' >&2; exit 1; fi\nexec deno run …
 * ```
 */
export function guardScript(script: string): string | undefined {
  const lines = script.split("\n");
  const unguarded = lines.filter((l, i) => l !== MARK && lines[i - 1] !== MARK);
  const at = unguarded.findIndex((l) => /^exec deno run .*'file:\/\/[^']*\/src\/main\.ts' "\$@"$/.test(l));
  if (at < 0) return undefined;
  const main = decodeURIComponent(new URL(unguarded[at].match(/'(file:\/\/[^']*)'/)![1]).pathname);
  const checkout = main.replace(/\/src\/main\.ts$/, "");
  const message = `pai: this pai runs PAI from "${checkout}", which is gone (moved or deleted); ` +
    `run "deno task install" in your clone of PAI to install it again`;
  const guard = `if [ ! -f ${shQuote(main)} ]; then echo ${shQuote(message)} >&2; exit 1; fi`;
  return [...unguarded.slice(0, at), MARK, guard, ...unguarded.slice(at)].join("\n");
}

if (import.meta.main) {
  const home = Deno.env.get("HOME");
  const root = Deno.env.get("DENO_INSTALL_ROOT") ?? (home ? `${home}/.deno` : undefined);
  const path = root && `${root}/bin/pai`;
  let script: string | undefined;
  try {
    script = path ? Deno.readTextFileSync(path) : undefined;
  } catch {
    script = undefined; // Windows (pai.cmd) or elsewhere: the README says what to do when the clone moves
  }
  const guarded = script === undefined ? undefined : guardScript(script);
  if (path && guarded !== undefined) {
    Deno.writeTextFileSync(path, guarded);
    console.log(`Installed ${path}: it runs PAI from this clone, so run "deno task install" again if you move it.`);
  }
}

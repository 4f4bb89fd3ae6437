/**
 * `deno task pai …` runs PAI in the folder of PAI's own `deno.json`, not in the folder the user typed it in
 * (DENO_SANDBOX.md fact 13); Deno's task runner keeps that folder in `INIT_CWD`. The current folder is PAI's
 * workspace (what the mode defaults grant, where relative paths and flags resolve), so PAI moves back to the user's
 * folder before anything reads it.
 */
import { EXIT, PaiError } from "./errors.ts";

/** Options for {@linkcode taskCallerFolder}. */
export interface TaskFolderOptions {
  /** The real path of the current folder. */
  cwd: string;
  /** The real path of PAI's checkout (the folder of its `deno.json`). */
  root: string;
  env: (name: string) => string | undefined;
}

/**
 * The folder `deno task` was run from, when PAI runs as a task from its own config folder; `undefined` otherwise.
 * Only then: an `INIT_CWD` left in the environment by some other task runner (npm sets it too) says nothing about
 * a `pai` started in any other way. The value is the user's own environment, so it is trusted as the user's word.
 *
 * @example
 * ```ts
 * taskCallerFolder({
 *   cwd: "/home/me/pai",
 *   root: "/home/me/pai",
 *   env: (n) => ({ INIT_CWD: "/home/me/notes", npm_config_user_agent: "deno/2.9.6 npm/? deno/2.9.6 linux x86_64" })[n],
 * }); // "/home/me/notes"
 * ```
 */
export function taskCallerFolder(options: TaskFolderOptions): string | undefined {
  const from = options.env("INIT_CWD");
  const byDeno = options.env("npm_config_user_agent")?.startsWith("deno/") ?? false;
  if (!from || !byDeno || options.cwd !== options.root || from === options.cwd) return undefined;
  return from;
}

/** Enters the folder `deno task` was run from (see {@linkcode taskCallerFolder}); `mainUrl` is `src/main.ts`'s URL. */
export function enterTaskCaller(mainUrl: string): void {
  // Without the permissions of `deno task pai` (`deno run src/main.ts --help`) nothing is asked of Deno: a query
  // never prompts, a read would.
  const granted = (descriptor: Deno.PermissionDescriptor) => Deno.permissions.querySync(descriptor).state === "granted";
  const variables = ["INIT_CWD", "npm_config_user_agent"].every((variable) => granted({ name: "env", variable }));
  if (!mainUrl.startsWith("file:") || !variables || !granted({ name: "read" })) return;
  const env = (name: string) => Deno.env.get(name);
  if (!env("INIT_CWD")) return; // the common case costs nothing more
  const real = (path: string) => {
    try {
      return Deno.realPathSync(path);
    } catch {
      return path;
    }
  };
  const root = real(decodeURIComponent(new URL("..", mainUrl).pathname).replace(/(.)\/$/, "$1"));
  const folder = taskCallerFolder({ cwd: real(Deno.cwd()), root, env });
  if (!folder) return;
  try {
    Deno.chdir(folder);
  } catch (error) {
    throw new PaiError(
      `Cannot work in "${folder}", the folder deno task was run from: ${
        error instanceof Error ? error.message : error
      }`,
      { exitCode: EXIT.CONFIG, hint: "Run it from a folder that exists, or use the installed pai (deno task install)" },
    );
  }
}

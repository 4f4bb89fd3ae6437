/**
 * Whether PAI was started with the permissions it runs with. `deno run src/main.ts status` has none: the command
 * would stop at a chain of Deno's prompts in a terminal, or with a stack trace elsewhere. PAI checks first, asking
 * nothing, and says which invocation to use.
 */

/** Deno's permissions that a task or install command grants, from its `--allow-*` flags. */
export function grantedBy(command: string): Deno.PermissionName[] {
  return [...command.matchAll(/--allow-(\w+)/g)].map((m) => m[1] as Deno.PermissionName);
}

/**
 * What PAI can do without: `run` only starts the sandboxed tool processes and the SDK bundler. Without it PAI still
 * answers, loading the SDK from npm (`providers/sdk_loader.ts` checks before it builds), so a user may choose it.
 */
const OPTIONAL: ReadonlySet<Deno.PermissionName> = new Set(["run"]);

/** The permissions PAI cannot run a command without: those of the `pai` task, but for the optional ones. */
export function requiredPermissions(taskCommand: string): Deno.PermissionName[] {
  return grantedBy(taskCommand).filter((name) => !OPTIONAL.has(name));
}

/** Help and the version are all that PAI can do without permissions. */
const NO_PERMISSION_NEEDED = new Set(["-h", "--help", "-H", "--help-all", "-v", "--version"]);

/** Whether the command line asks for more than help or the version. */
export function needsPermissions(args: readonly string[]): boolean {
  const flags = args.includes("--") ? args.slice(0, args.indexOf("--")) : args;
  return flags.length > 0 && !flags.some((a) => NO_PERMISSION_NEEDED.has(a));
}

/** Options for {@linkcode missingPermissions}. */
export interface MissingPermissionsOptions {
  /** The state of one permission; by default Deno's, queried without asking. */
  query?: (name: Deno.PermissionName) => Deno.PermissionState;
}

/** The permissions of `needed` that this process has not been granted (whole, not for some paths only). */
export function missingPermissions(
  needed: readonly Deno.PermissionName[],
  options: MissingPermissionsOptions = {},
): Deno.PermissionName[] {
  const query = options.query ?? ((name) => Deno.permissions.querySync({ name }).state);
  return needed.filter((name) => query(name) !== "granted");
}

/** The one line a user gets: what is missing and the invocation to use instead. */
export function missingPermissionsMessage(missing: readonly string[], words: readonly string[]): string {
  const task = ["deno task pai", ...words.slice(1)].join(" ");
  return `Deno runs PAI without the permissions it needs (${missing.join(", ")}): run "${task}" in PAI's folder, ` +
    `or the installed "pai" (deno task install)`;
}

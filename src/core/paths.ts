/**
 * Where PAI keeps its files. `$PAI_HOME`, when set, holds everything (config
 * and state) so that a test or a second identity is fully isolated; otherwise
 * config follows XDG_CONFIG_HOME and state XDG_DATA_HOME.
 */

/**
 * Joins path segments with "/". (`node:path` costs ~5 ms of start-up to import;
 * PAI's own paths need nothing more, and Windows accepts "/" too.)
 */
export function join(...parts: string[]): string {
  return parts.filter((p) => p !== "").join("/").replace(/\/{2,}/g, "/");
}

/** The folders PAI uses. */
export interface PaiPaths {
  /** Config and policy files. */
  configDir: string;
  /** The state database and other data. */
  dataDir: string;
}

/** Resolves PAI's folders from the environment. */
export function paiPaths(
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): PaiPaths {
  const paiHome = env("PAI_HOME");
  if (paiHome) return { configDir: paiHome, dataDir: paiHome };
  const home = env("HOME") ?? env("USERPROFILE") ?? ".";
  return {
    configDir: join(env("XDG_CONFIG_HOME") || join(home, ".config"), "pai"),
    dataDir: join(env("XDG_DATA_HOME") || join(home, ".local", "share"), "pai"),
  };
}

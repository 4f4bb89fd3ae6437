/**
 * Where PAI keeps its files. `$PAI_HOME`, when set, holds config and state so
 * that a test or a second identity is fully isolated; otherwise config follows
 * XDG_CONFIG_HOME and state XDG_DATA_HOME. The cache holds nothing of the
 * user's (prebuilt copies of public SDK code), so it is shared whatever
 * `$PAI_HOME` says: `$PAI_CACHE_DIR`, else XDG_CACHE_HOME.
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
  /** Derived files PAI can rebuild at any time (the bundled SDKs). */
  cacheDir: string;
}

/** Resolves PAI's folders from the environment. */
export function paiPaths(
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): PaiPaths {
  const home = env("HOME") ?? env("USERPROFILE") ?? ".";
  const cacheDir = env("PAI_CACHE_DIR") || join(env("XDG_CACHE_HOME") || join(home, ".cache"), "pai");
  const paiHome = env("PAI_HOME");
  if (paiHome) return { configDir: paiHome, dataDir: paiHome, cacheDir };
  return {
    configDir: join(env("XDG_CONFIG_HOME") || join(home, ".config"), "pai"),
    dataDir: join(env("XDG_DATA_HOME") || join(home, ".local", "share"), "pai"),
    cacheDir,
  };
}

/** Deno's module cache (`DENO_DIR`, else its default for this OS): where the npm code PAI runs lives. */
export function denoCacheDir(
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
  os: typeof Deno.build.os = Deno.build.os,
): string {
  const dir = env("DENO_DIR");
  if (dir) return dir;
  const home = env("HOME") ?? env("USERPROFILE") ?? ".";
  if (os === "darwin") return join(home, "Library", "Caches", "deno");
  if (os === "windows") return join(env("LOCALAPPDATA") ?? join(home, "AppData", "Local"), "deno");
  return join(env("XDG_CACHE_HOME") || join(home, ".cache"), "deno");
}

/**
 * `/proc`, `/sys`, `/dev`: host internals. Never granted, never even looked at (Deno wants `--allow-all` just to
 * stat there), and refused by the decision before anything else.
 */
export function isHostInternal(path: string): boolean {
  return /^\/(proc|sys|dev)(\/|$)/.test(path);
}

/**
 * Where PAI keeps its files. `$PAI_HOME`, when set, holds config and state so
 * that a test or a second identity is fully isolated; otherwise config follows
 * XDG_CONFIG_HOME and state XDG_DATA_HOME. The cache holds nothing of the
 * user's (prebuilt copies of public SDK code), so it is shared whatever
 * `$PAI_HOME` says: `$PAI_CACHE_DIR`, else XDG_CACHE_HOME.
 */
import { EXIT, PaiError } from "./errors.ts";

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

/** Makes `raw` absolute: relative to the workspace, `~` to the home folder. */
export function absolute(raw: string, workspace: string, home = Deno.env.get("HOME") ?? "/"): string {
  if (raw === "~" || raw.startsWith("~/")) return home + raw.slice(1);
  return raw.startsWith("/") ? raw : `${workspace}/${raw}`;
}

/** Whether `path` is absolute (POSIX, or a Windows drive or UNC path). */
export function isAbsolute(path: string): boolean {
  return path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith("\\\\");
}

/**
 * Resolves PAI's folders from the environment. A folder is only ever taken from an absolute path: with `HOME`
 * unset (a service, `env -i`) a relative fallback would put the state in whatever folder PAI runs from, so PAI
 * refuses instead. Relative XDG variables are ignored, as the XDG spec says.
 */
export function paiPaths(
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): PaiPaths {
  const absolute = (name: string) => {
    const value = env(name);
    return value && isAbsolute(value) ? value : undefined;
  };
  const home = absolute("HOME") ?? absolute("USERPROFILE");
  const paiHome = env("PAI_HOME");
  if (paiHome && !isAbsolute(paiHome)) {
    throw new PaiError(`Cannot use PAI_HOME "${paiHome}": it must be an absolute path`, {
      exitCode: EXIT.CONFIG,
      hint: "A relative PAI_HOME would change with the folder PAI runs from; give the full path",
    });
  }
  const under = (variable: string, fallback: string[]) => {
    const base = absolute(variable) ?? (home && join(home, ...fallback));
    return base && join(base, "pai");
  };
  const configDir = paiHome || under("XDG_CONFIG_HOME", [".config"]);
  const dataDir = paiHome || under("XDG_DATA_HOME", [".local", "share"]);
  if (!configDir || !dataDir) {
    throw new PaiError("Cannot tell where PAI keeps its files: HOME is not set (or not an absolute path)", {
      exitCode: EXIT.CONFIG,
      hint: "Set HOME, or set PAI_HOME (or both XDG_CONFIG_HOME and XDG_DATA_HOME) to an absolute folder",
    });
  }
  // The cache holds only rebuildable SDK bundles: with no home for it, it goes beside the state.
  const cacheDir = env("PAI_CACHE_DIR") || under("XDG_CACHE_HOME", [".cache"]) || join(dataDir, "cache");
  return { configDir, dataDir, cacheDir };
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

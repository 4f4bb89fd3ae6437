/**
 * The one place that turns a grant into Deno flags. It refuses what Deno
 * cannot express safely (see ../shared/DENO_SANDBOX.md) instead of widening:
 * a comma in a value would split it into two grants; a relative path would
 * be resolved against a directory PAI did not choose; /proc, /sys and /dev
 * expose the host. It never emits --allow-run, --allow-ffi, --allow-sys or
 * --allow-all (run and ffi are full escapes, sys leaks), and --allow-env only
 * for variable names (the tool's environment is cleared, so they read unset).
 */
import { PaiError } from "../core/errors.ts";
import { isHostInternal } from "../core/paths.ts";
import type { Grant } from "../core/types.ts";

/**
 * PAI's own lockfile. Tools run with `--no-config`, so without a lock Deno needs the registry's package document
 * for a tool's npm driver, which a fresh cache lacks; with it and `--frozen --cached-only` the driver resolves from
 * the cache alone, never from the network, and the lock is never rewritten (DENO_SANDBOX.md, fact 11).
 */
export const TOOLS_LOCK = decodeURIComponent(new URL("../../deno.lock", import.meta.url).pathname);

/**
 * Private, loopback and link-local IPv4 ranges. A hostname grant reaches
 * whatever the name resolves to, so these are denied after DNS resolution
 * (Deno ≥ 2.8.1) unless the grant named such a host itself.
 */
export const PRIVATE_RANGES = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.168.0.0/16",
];

/** Why a grant value cannot be expressed as a flag, or `undefined` when it can. */
export function unsafePathReason(path: string): string | undefined {
  if (path.includes(",")) return "it contains a comma, which Deno would read as two separate grants";
  if (!path.startsWith("/")) return "it is not an absolute path";
  if (isHostInternal(path)) return "it is inside /proc, /sys or /dev";
  return undefined;
}

function checkPaths(kind: string, paths: readonly string[]): void {
  for (const path of paths) {
    const why = unsafePathReason(path);
    if (why) throw new PaiError(`Refusing to grant ${kind} access to "${path}": ${why}`);
  }
}

function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith("[");
}

/** True for names that mean this machine or a private network by themselves. */
function namesPrivateHost(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost");
}

/** The `deno run` flags for a grant (permissions, limits), without the program. */
export function grantFlags(grant: Grant): string[] {
  checkPaths("read", grant.read);
  checkPaths("write", grant.write);
  checkPaths("read", grant.denyRead);
  checkPaths("write", grant.denyWrite);
  for (const host of grant.net) {
    if (host.includes(",") || host.includes("/") || host.trim() === "") {
      throw new PaiError(`Refusing to grant network access to "${host}": not a host or host:port`);
    }
  }
  const flags = [
    "--no-prompt", // a tool must never get the chance to show Deno's own permission prompt
    "--no-config",
    "--no-remote",
    ...(grant.npm ? [`--lock=${TOOLS_LOCK}`, "--frozen"] : ["--no-lock"]),
    "--cached-only",
    "--quiet",
    `--v8-flags=--max-old-space-size=${grant.memoryMb}`,
  ];
  for (const name of grant.envNames ?? []) {
    if (!/^[A-Z_][A-Z0-9_]*\*?$/.test(name)) {
      throw new PaiError(`Refusing to grant env access to "${name}": not a variable name`);
    }
  }
  if (grant.envNames?.length) flags.push(`--allow-env=${grant.envNames.join(",")}`);
  if (grant.read.length) flags.push(`--allow-read=${grant.read.join(",")}`);
  if (grant.write.length) flags.push(`--allow-write=${grant.write.join(",")}`);
  if (grant.denyRead.length) flags.push(`--deny-read=${grant.denyRead.join(",")}`);
  if (grant.denyWrite.length) flags.push(`--deny-write=${grant.denyWrite.join(",")}`);
  if (grant.net.length) {
    flags.push(`--allow-net=${grant.net.join(",")}`);
    const hosts = grant.net.map((h) => h.replace(/:\d+$/, ""));
    // Names (not IP literals) can resolve anywhere: deny private ranges after DNS, unless
    // the user granted a private host by name (then deny the other private ranges still).
    if (hosts.some((h) => !isIpLiteral(h))) {
      const keepLoopback = hosts.some(namesPrivateHost);
      const denied = PRIVATE_RANGES.filter((r) => !(keepLoopback && r === "127.0.0.0/8"));
      // An IP the user granted explicitly stays reachable.
      const grantedIps = hosts.filter(isIpLiteral);
      const stillDenied = denied.filter((range) => !grantedIps.some((ip) => inRange(ip, range)));
      if (stillDenied.length) flags.push(`--deny-net=${stillDenied.join(",")}`);
    }
  }
  return flags;
}

function inRange(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split("/");
  const toInt = (a: string) => a.split(".").reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  return (toInt(ip) & mask) === (toInt(base) & mask);
}

/** What the attempt tables share: scripted calls, ports, planted files, and checks of the harm an attack would do. */
import type { ScriptedReply } from "../fakes/fake_model_server.ts";
import type { Arena } from "./harness.ts";
import { SENTINELS } from "./harness.ts";

/** A scripted reply that calls one tool. */
export const call = (name: string, args: unknown): ScriptedReply => ({
  toolCalls: [{ name, arguments: JSON.stringify(args) }],
});
export const port = (s: Deno.HttpServer<Deno.NetAddr>) => s.addr.port;
export const collectorPort = (a: Arena) => Number(a.collector.hostPort.split(":")[1]);

/** Writes `.pai/policy.json` in `dir` (default: the workspace). */
export function writeProjectPolicy(a: Arena, policy: unknown, dir = a.ws): string {
  Deno.mkdirSync(`${dir}/.pai`, { recursive: true });
  const path = `${dir}/.pai/policy.json`;
  Deno.writeTextFileSync(path, JSON.stringify(policy));
  return path;
}

/** Writes the user's policy file. */
export function writeUserPolicy(a: Arena, policy: unknown): void {
  Deno.writeTextFileSync(`${a.home.dir}/policy.json`, JSON.stringify(policy));
}

/** A file whose content the attack wants changed: the harm check says if it changed (or appeared). */
export function plant(path: string, content: string): (a: Arena) => string[] {
  Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  Deno.writeTextFileSync(path, content);
  return () => unchanged(path, content);
}

/** The harm found if `path` no longer holds `content` (`undefined`: if it exists at all). */
export function unchanged(path: string, content?: string): string[] {
  let now: string | undefined;
  try {
    now = Deno.readTextFileSync(path);
  } catch {
    now = undefined;
  }
  return now === content ? [] : [`"${path}" was ${content === undefined ? "created" : "changed"}: ${now}`];
}

/**
 * A name other than `localhost` that this machine's /etc/hosts maps to loopback (here the machine's own name,
 * as on most Linux hosts): a hostname grant that reaches a private address after DNS, which is what rebinding
 * and names such as `127.0.0.1.nip.io` do, without needing the internet.
 */
export function loopbackAlias(): string {
  const hosts = Deno.readTextFileSync("/etc/hosts");
  for (const line of hosts.split("\n")) {
    const [ip, ...names] = line.replace(/#.*/, "").trim().split(/\s+/);
    if (!ip?.startsWith("127.")) continue;
    const name = names.find((n) => n && n !== "localhost" && !n.endsWith(".localhost"));
    if (name) return name;
  }
  throw new Error("/etc/hosts maps no name but localhost to 127.0.0.0/8: the DNS attempt cannot be set up here");
}

/** The payroll file in the workspace, registered as a file resource labelled private. */
export function registerPrivatePayroll(a: Arena): void {
  Deno.writeTextFileSync(`${a.ws}/payroll.csv`, SENTINELS.payroll);
  Deno.writeTextFileSync(
    `${a.home.dir}/resources.json`,
    JSON.stringify({ resources: [{ name: "payroll", kind: "file", uri: `${a.ws}/payroll.csv`, label: "private" }] }),
  );
}

/** Session pre-grants from `--allow-read`, `--allow-write` and `--allow-net`, as Deno's flags read them. */
import { EXIT, PaiError } from "../core/errors.ts";
import type { Permissions } from "../policy/decide.ts";
import { absolute } from "../core/paths.ts";
import { realPathOf } from "../tools/resolve_paths.ts";

/** The pre-grant flags shared by chat, prompt and agent. */
export interface GrantFlags {
  allowRead?: string;
  allowWrite?: string;
  allowNet?: string;
}

const HOST = /^(\[[0-9a-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;

/** Splits comma-separated values (a comma can never be part of a granted path: DENO_SANDBOX.md, fact 5). */
function values(text: string | undefined): string[] {
  return (text ?? "").split(",").map((v) => v.trim()).filter(Boolean);
}

/** Resolves pre-granted paths (relative to the current directory) to real paths, and checks hosts. */
export async function pregrants(flags: GrantFlags): Promise<Permissions> {
  const cwd = Deno.cwd();
  const real = async (raw: string) => (await realPathOf(absolute(raw, cwd))).real;
  const net = values(flags.allowNet);
  for (const host of net) {
    if (!HOST.test(host)) {
      throw new PaiError(`--allow-net "${host}" is not a host or host:port`, {
        exitCode: EXIT.USAGE,
        hint: "Example: --allow-net=api.example.com:443,localhost:8080",
      });
    }
  }
  return {
    read: await Promise.all(values(flags.allowRead).map(real)),
    write: await Promise.all(values(flags.allowWrite).map(real)),
    net,
  };
}

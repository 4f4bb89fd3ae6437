/** `pai providers`: what PAI can talk to and what each needs. */
import type { CommandContext } from "@stricli/core";
import { PaiError } from "../core/errors.ts";
import { openState } from "../modes/session_setup.ts";
import { probeModels } from "../providers/local_probe.ts";
import {
  localityOf,
  PROVIDER_NAMES,
  PROVIDERS,
  type ResolvedProvider,
  resolveProvider,
} from "../providers/registry.ts";
import { currentSession } from "../store/sessions.ts";
import { stdout } from "../ui/output.ts";
import { printTable } from "../ui/table.ts";

/** Flags of `pai providers`. */
export interface ProvidersFlags {
  json: boolean;
}

interface ProviderRow {
  name: string;
  current: boolean;
  locality: "local" | "remote" | "unknown";
  needs: string;
  baseUrl: string | null;
  ready: boolean;
  status: string;
}

/** Lists every provider; local endpoints are probed in parallel, each within a short time limit. */
export async function providers(this: CommandContext, flags: ProvidersFlags): Promise<void> {
  const { config, db } = await openState();
  let current: string | undefined;
  try {
    current = currentSession(db)?.provider;
  } finally {
    db.close();
  }
  const env = (n: string) => Deno.env.get(n);
  const rows = await Promise.all(PROVIDER_NAMES.map(async (name): Promise<ProviderRow> => {
    const spec = PROVIDERS[name];
    const needs = [
      spec.keyEnv ? `${spec.keyEnv}${spec.keyRequired ? "" : " (optional)"}` : "no key",
      spec.baseUrlEnv ? `${spec.baseUrlEnv} (default ${spec.defaultBaseUrl})` : "--base-url",
    ].join("; ");
    const row = { name, current: name === current, needs };
    let resolved: ResolvedProvider;
    try {
      resolved = resolveProvider({ provider: name, model: "" }, { env, localHosts: config.localHosts });
    } catch (error) {
      if (!(error instanceof PaiError)) throw error;
      // Not ready (a key is missing, say), but where it would run is known from its URL.
      const locality = localityOf(name, { env, localHosts: config.localHosts }) ?? "unknown";
      return { ...row, locality, baseUrl: null, ready: false, status: error.message };
    }
    const base = { ...row, locality: resolved.locality, baseUrl: resolved.baseUrl };
    // Remote providers are not called just to list them (that could cost money or leak the key's use).
    if (resolved.locality === "remote") {
      return { ...base, ready: true, status: spec.keyEnv ? `${spec.keyEnv} is set` : "configured" };
    }
    const models = await probeModels(resolved);
    return models
      ? { ...base, ready: true, status: `answering, ${models.length} model${models.length === 1 ? "" : "s"}` }
      : { ...base, ready: false, status: `not answering at ${resolved.baseUrl}` };
  }));
  if (flags.json) {
    stdout.write(`${JSON.stringify(rows)}\n`);
    return;
  }
  printTable(stdout, [
    ["", "PROVIDER", "WHERE", "STATUS", "NEEDS"],
    ...rows.map((r) => [r.current ? "*" : " ", r.name, r.locality, r.status, r.needs]),
  ]);
}

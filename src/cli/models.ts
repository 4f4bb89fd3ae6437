/**
 * `pai models [PROVIDER] [--json]`: what each provider set up in this environment offers, and where it runs. Asked
 * only because the user asked: local servers within the usual probe time, remote ones (a free listing) a little longer;
 * never through a proxy config.json does not name.
 */
import type { CommandContext } from "@stricli/core";
import { PaiError } from "../core/errors.ts";
import { checkProxy } from "../modes/endpoint_pin.ts";
import { openState } from "../modes/session_setup.ts";
import { PROBE_TIMEOUT_MS, probeModels } from "../providers/local_probe.ts";
import { PROVIDER_NAMES, type ProviderName, resolveProvider } from "../providers/registry.ts";
import { currentSession } from "../store/sessions.ts";
import { stdout } from "../ui/output.ts";
import { printTable } from "../ui/table.ts";

/** How long a remote provider's listing may take. */
const REMOTE_LISTING_MS = 5_000;

/** One provider's answer. */
interface Listing {
  provider: ProviderName;
  locality: "local" | "remote" | null;
  baseUrl: string | null;
  /** As the provider lists them; `null` when it could not be asked or did not answer. */
  models: string[] | null;
  /** Why there is no list. */
  problem?: string;
}

/** Lists the models of one provider, or of every one. */
export async function models(
  this: CommandContext,
  flags: { json: boolean },
  only?: ProviderName,
): Promise<void> {
  const { config, db } = await openState();
  const session = (() => {
    try {
      return currentSession(db);
    } finally {
      db.close();
    }
  })();
  const env = (n: string) => Deno.env.get(n);
  const names = only ? [only] : PROVIDER_NAMES;
  const listings = await Promise.all(names.map(async (provider): Promise<Listing> => {
    // The session's provider is asked where the session goes (its --base-url, its key variable).
    const mine = session?.provider === provider ? session : undefined;
    try {
      const resolved = resolveProvider({ ...mine, provider, model: "" }, { env, localHosts: config.localHosts });
      checkProxy(resolved, { allowed: config.proxy, env });
      const timeout = resolved.locality === "local" ? PROBE_TIMEOUT_MS : REMOTE_LISTING_MS;
      const models = await probeModels(resolved, timeout);
      return {
        provider,
        locality: resolved.locality,
        baseUrl: resolved.baseUrl,
        models: models ?? null,
        ...(models ? {} : { problem: `no answer from ${resolved.baseUrl} within ${timeout / 1000} s` }),
      };
    } catch (error) {
      if (!(error instanceof PaiError)) throw error;
      return { provider, locality: null, baseUrl: null, models: null, problem: error.message };
    }
  }));
  if (flags.json) {
    return void stdout.write(`${JSON.stringify({ providers: listings, aliases: config.aliases ?? {} })}\n`);
  }
  const rows = listings.flatMap((l) =>
    l.models?.length
      ? l.models.map((
        m,
      ) => [
        l.provider,
        l.locality ?? "-",
        session?.provider === l.provider && session.model === m ? `${m} (session)` : m,
      ])
      : [[l.provider, l.locality ?? "-", `(${l.problem ?? "no models"})`]]
  );
  printTable(stdout, [["PROVIDER", "WHERE", "MODEL"], ...rows]);
  const aliases = Object.entries(config.aliases ?? {});
  if (aliases.length) {
    stdout.write("\nAliases (config.json):\n");
    printTable(stdout, aliases.map(([name, model]) => [`  ${name}`, model]));
  }
}

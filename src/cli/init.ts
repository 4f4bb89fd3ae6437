/** `pai init`: choose a provider and model for a new session. */
import type { CommandContext } from "@stricli/core";
import { appendAudit } from "../audit/log.ts";
import { EXIT, PaiError } from "../core/errors.ts";
import { openState, sdkCache } from "../modes/session_setup.ts";
import { endpointOf } from "../providers/endpoint.ts";
import { probeCapabilities, probeModels } from "../providers/local_probe.ts";
import { checkProxy, sessionStarted } from "../modes/endpoint_pin.ts";
import { findOfferedModel } from "../providers/model_names.ts";
import { type ProviderName, resolveProvider, type SystemRole } from "../providers/registry.ts";
import { ensureBundle } from "../providers/sdk_loader.ts";
import { clearSessionGrants } from "../store/session_grants.ts";
import { createSession } from "../store/sessions.ts";
import { stderr, stdout } from "../ui/output.ts";
import { line } from "../ui/sanitize.ts";

/** Flags of `pai init`. */
export interface InitFlags {
  model: string;
  baseUrl?: string;
  apiKeyEnv?: string;
  systemRole: SystemRole;
  locality: "auto" | "local" | "remote";
}

/** How many valid model names an error lists before "…". */
const LISTED_MODELS = 20;

/**
 * Checks the choice (key present, URL valid, model offered when the provider
 * can say) and starts the session. Nothing is stored when a check fails.
 */
export async function init(this: CommandContext, flags: InitFlags, provider: ProviderName): Promise<void> {
  const typed = flags.model.trim();
  if (!typed) throw new PaiError("--model cannot be empty", { exitCode: EXIT.USAGE });
  if (flags.apiKeyEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(flags.apiKeyEnv)) {
    throw new PaiError(`--api-key-env "${flags.apiKeyEnv}" is not a variable name`, {
      exitCode: EXIT.USAGE,
      hint: "Give the variable's name, such as OPENROUTER_API_KEY, not its value",
    });
  }
  const { config, db } = await openState();
  try {
    const choice = {
      provider,
      model: typed,
      baseUrl: flags.baseUrl ?? null,
      apiKeyEnv: flags.apiKeyEnv ?? null,
      systemRole: flags.systemRole,
      locality: flags.locality,
    };
    const resolved = resolveProvider(choice, { env: (n) => Deno.env.get(n), localHosts: config.localHosts });
    // --base-url is stored as given: a user:password@ in it would be a secret at rest (a URL from a variable
    // is read each run, and only its credential-free form is pinned). The URL is not echoed: it holds the secret.
    const given = new URL(resolved.baseUrl);
    if (resolved.baseUrlSource === "--base-url" && (given.username || given.password)) {
      throw new PaiError("--base-url holds credentials (user:password@): PAI never stores credentials", {
        exitCode: EXIT.USAGE,
        hint: "Give the URL without them; a key goes in a variable named by --api-key-env",
      });
    }
    // Where the session's data goes, fixed now: a later run that resolves elsewhere is refused (modes/endpoint_pin.ts).
    const pinned = endpointOf(resolved);
    // Not even the model list goes through a proxy the user did not name.
    checkProxy(resolved, { allowed: config.proxy, env: (n) => Deno.env.get(n) });
    const offered = await probeModels(resolved);
    // Matched by the provider's own rules (Ollama: "llama3.2" is "llama3.2:latest"), and stored as it lists it.
    const listedAs = offered?.length ? findOfferedModel(provider, typed, offered) : typed;
    if (offered && listedAs === undefined) {
      const listed = offered.slice(0, LISTED_MODELS).join(", ") + (offered.length > LISTED_MODELS ? ", …" : "");
      throw new PaiError(`Unknown model "${typed}" for ${provider}: it offers ${listed}`, {
        exitCode: EXIT.USAGE,
        hint: provider === "ollama"
          ? `Run "ollama pull ${typed}" to fetch it, or "pai init ollama --model NAME" with one of them`
          : `Run "pai init ${provider} --model NAME" with one of them`,
      });
    }
    const model = listedAs ?? typed;
    if (model !== typed) {
      const where = provider === "ollama" ? "Ollama" : provider;
      stderr.write(line`Note: "${typed}" is "${model}" at ${where}: the session uses that name.\n`);
    }
    if (!offered) {
      const start = pinned.locality === "local" ? " (is the server running? for Ollama: ollama serve)" : "";
      stderr.write(line`Note: could not list the models at ${pinned.baseUrl}${start}; "${model}" was not checked.\n`);
    } else if (provider === "ollama") {
      // Ollama says what a model can do: an embedding model answers no chat.
      const [capabilities] = await probeCapabilities(resolved, [model]);
      if (capabilities && !capabilities.includes("completion")) {
        stderr.write(line`Note: Ollama says "${model}" cannot chat (${capabilities.join(", ")}): pick a chat model.\n`);
      }
    }
    const session = createSession(db, { ...choice, model, pinned });
    // A new session starts with no "for this session" approvals: the old session's end with it.
    clearSessionGrants(db, { keep: session.id });
    await appendAudit(db, sessionStarted(session, pinned, "init"));
    stdout.write(
      line`Started session ${session.id}: ${provider}, model "${model}" at ${pinned.baseUrl} (${pinned.locality}).\n`,
    );
    // Set-up time is the time to bundle the SDK, so that the first prompt starts as fast as the others.
    const cache = sdkCache((n) => Deno.env.get(n), (text) => stderr.write(line`Note: ${text}\n`));
    if (cache) await ensureBundle(resolved.spec.protocol, cache);
  } finally {
    db.close();
  }
}

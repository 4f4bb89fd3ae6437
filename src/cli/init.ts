/** `pai init`: choose a provider and model for a new session. */
import type { CommandContext } from "@stricli/core";
import { appendAudit } from "../audit/log.ts";
import { EXIT, PaiError } from "../core/errors.ts";
import { openState, sdkCache } from "../modes/session_setup.ts";
import { type Endpoint, endpointOf, sameBaseUrl } from "../providers/endpoint.ts";
import { probeCapabilities, probeModels } from "../providers/local_probe.ts";
import { checkProxy, sessionStarted } from "../modes/endpoint_pin.ts";
import { findOfferedModel } from "../providers/model_names.ts";
import {
  localityOf,
  type ProviderName,
  type ResolvedProvider,
  resolveProvider,
  type SystemRole,
} from "../providers/registry.ts";
import { parseFullModelRef } from "../providers/model_ref.ts";
import { ensureBundle } from "../providers/sdk_loader.ts";
import { clearSessionGrants } from "../store/session_grants.ts";
import { createSession, findSession, type ModelRole, ROLE_WORDS, ROLES, type SessionRoles } from "../store/sessions.ts";
import { checkName } from "./sessions.ts";
import { stderr, stdout } from "../ui/output.ts";
import { line } from "../ui/sanitize.ts";

/** Flags of `pai init`. */
export interface InitFlags {
  model: string;
  baseUrl?: string;
  apiKeyEnv?: string;
  systemRole: SystemRole;
  locality: "auto" | "local" | "remote";
  /** A name for the session (`pai chat --session NAME` resumes it). */
  name?: string;
  /** `PROVIDER:MODEL` for each role: the local model private data goes to, the planner, the summariser. */
  localModel?: string;
  planner?: string;
  summarizer?: string;
}

/** The flag of each role. */
const ROLE_FLAGS: Readonly<Record<ModelRole, keyof InitFlags & ("localModel" | "planner" | "summarizer")>> = {
  local: "localModel",
  planner: "planner",
  summarizer: "summarizer",
};

/**
 * Checks the model the provider is asked for: offered, when it can say (within its probe's time), and matched by
 * its own rules. Returns the name as the provider lists it; says what it could not check.
 */
async function checkedModel(
  resolved: ResolvedProvider,
  provider: ProviderName,
  typed: string,
  flag: string,
): Promise<string> {
  const pinned = endpointOf(resolved);
  const offered = await probeModels(resolved);
  // Matched by the provider's own rules (Ollama: "llama3.2" is "llama3.2:latest"), and stored as it lists it.
  const listedAs = offered?.length ? findOfferedModel(provider, typed, offered) : typed;
  if (offered && listedAs === undefined) {
    const listed = offered.slice(0, LISTED_MODELS).join(", ") + (offered.length > LISTED_MODELS ? ", …" : "");
    // The main model's refusal says what to run again; a role's names its flag.
    const main = flag === "--model";
    throw new PaiError(`Unknown model "${typed}" for ${provider}${main ? "" : ` (${flag})`}: it offers ${listed}`, {
      exitCode: EXIT.USAGE,
      hint: provider === "ollama"
        ? `Run "ollama pull ${typed}" to fetch it, or ${
          main ? `"pai init ollama --model NAME" with one of them` : `give one of them to ${flag}`
        }`
        : main
        ? `Run "pai init ${provider} --model NAME" with one of them`
        : `Give one of them to ${flag}`,
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
    // An embedding model answers no prompt: refused as a model Ollama does not have is, with nothing stored.
    if (capabilities && !capabilities.includes("completion")) {
      throw new PaiError(`Ollama says "${model}" cannot chat (${capabilities.join(", ")}): nothing was stored`, {
        exitCode: EXIT.USAGE,
        hint: `Pick a chat model for ${flag}: "pai models ollama" lists them`,
      });
    }
  }
  return model;
}

/**
 * The models the flags name for roles, each resolved from this environment (its provider's variables), checked as
 * the main one is, and pinned to its endpoint. The local model must be local.
 */
async function roleModels(
  flags: InitFlags,
  config: { localHosts: readonly string[]; proxy?: string },
  main: Endpoint,
): Promise<SessionRoles> {
  const roles: SessionRoles = {};
  const env = (n: string) => Deno.env.get(n);
  for (const role of ROLES) {
    const flag = ROLE_FLAGS[role];
    const value = flags[flag];
    if (value === undefined) continue;
    const shown = `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    const ref = parseFullModelRef(value, shown);
    if (ref.provider === "openai-compatible") {
      throw new PaiError(`${shown} ${value}: openai-compatible cannot take a role (it has no variable for its URL)`, {
        exitCode: EXIT.USAGE,
        hint: "Give a model of ollama, lmstudio, openai or anthropic, reached through its variables",
      });
    }
    // A local model is judged by where it runs first: a remote provider is refused as that, not for a missing key.
    if (role === "local" && localityOf(ref.provider, { env, localHosts: config.localHosts }) === "remote") {
      throw notLocal(shown, value, `${ref.provider} runs remotely here`);
    }
    const byHost = resolveProvider(ref, { env, localHosts: config.localHosts });
    // A role at the main model's endpoint runs where the user said it does (`--locality remote`: a proxy on loopback
    // that forwards to a cloud model is remote for every model behind it).
    const locality = flags.locality !== "auto" && sameBaseUrl(byHost.baseUrl, main.baseUrl)
      ? flags.locality
      : undefined;
    const resolved = locality ? resolveProvider({ ...ref, locality }, { env, localHosts: config.localHosts }) : byHost;
    checkProxy(resolved, { allowed: config.proxy, env });
    const pinned = endpointOf(resolved);
    if (role === "local" && pinned.locality !== "local") {
      throw notLocal(
        shown,
        value,
        locality
          ? `it runs at ${pinned.baseUrl}, the main model's endpoint, which --locality remote makes remote`
          : `it runs at ${pinned.baseUrl}, which is remote`,
      );
    }
    const model = await checkedModel(resolved, ref.provider, ref.model, shown);
    roles[role] = { provider: ref.provider, model, pinned, ...(locality ? { locality } : {}) };
  }
  return roles;
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
  if (flags.name !== undefined) checkName(flags.name, "--name");
  const { config, db } = await openState();
  try {
    const named = flags.name === undefined ? undefined : findSession(db, flags.name);
    if (named && typeof named !== "string" && named.name === flags.name) {
      throw new PaiError(`--name "${flags.name}": a session has that name already (${named.id.slice(0, 8)})`, {
        exitCode: EXIT.USAGE,
        hint: `Resume it with "pai chat --session ${flags.name}", or choose another name`,
      });
    }
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
    const model = await checkedModel(resolved, provider, typed, "--model");
    const roles = await roleModels(flags, { localHosts: config.localHosts, proxy: config.proxy }, pinned);
    const session = createSession(db, { ...choice, model, pinned, roles, name: flags.name ?? null });
    // A new session starts with no "for this session" approvals: the old session's end with it.
    clearSessionGrants(db, { keep: session.id });
    await appendAudit(db, sessionStarted(session, pinned, "init"));
    stdout.write(
      line`Started session ${session.id}: ${provider}, model "${model}" at ${pinned.baseUrl} (${pinned.locality}).\n`,
    );
    for (const role of ROLES) {
      const r = roles[role];
      if (r) {
        stdout.write(
          line`  ${ROLE_WORDS[role]}: ${r.provider}:${r.model} at ${r.pinned.baseUrl} (${r.pinned.locality})\n`,
        );
      }
    }
    // Set-up time is the time to bundle the SDK, so that the first prompt starts as fast as the others.
    const cache = sdkCache((n) => Deno.env.get(n), (text) => stderr.write(line`Note: ${text}\n`));
    if (cache) await ensureBundle(resolved.spec.protocol, cache);
  } finally {
    db.close();
  }
}

/** The refusal of a `--local-model` that does not run locally. */
function notLocal(flag: string, value: string, why: string): PaiError {
  return new PaiError(
    `${flag} ${value}: ${why}: the local model must run on this machine (loopback) or on a host in config.json's ` +
      "localHosts",
    { exitCode: EXIT.USAGE, hint: "Point its variable to your local server (for Ollama: OLLAMA_HOST)" },
  );
}

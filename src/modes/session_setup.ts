/**
 * Everything a mode needs before its first turn: config, database, the
 * current session (or a sensible default when there is none) and a provider
 * ready to call.
 */
import { appendAudit, auditSink } from "../audit/log.ts";
import { EXIT, PaiError } from "../core/errors.ts";
import { paiPaths } from "../core/paths.ts";
import { endpointOf } from "../providers/endpoint.ts";
import { type ChatModelChoice, chooseChatModel, probeCapabilities, probeModels } from "../providers/local_probe.ts";
import { createProvider, type Provider } from "../providers/provider.ts";
import { type ProviderName, PROVIDERS, type ResolvedProvider, resolveProvider } from "../providers/registry.ts";
import type { SdkCache } from "../providers/sdk_loader.ts";
import { loadPolicy } from "../policy/load_policy.ts";
import type { Policy } from "../policy/policy.ts";
import { type Config, loadConfig } from "../store/config.ts";
import { trustedFolders } from "../store/trusted_folders.ts";
import { type Database, openDatabase } from "../store/db.ts";
import {
  createSession,
  currentSession,
  findSession,
  listSessions,
  makeCurrent,
  type Session,
} from "../store/sessions.ts";
import { checkProxy, holdToEndpoint, sessionStarted } from "./endpoint_pin.ts";
import { type ModelRef, parseModelRef } from "../providers/model_ref.ts";

/** The model used when PAI falls back to OpenAI with no session. */
export const DEFAULT_OPENAI_MODEL = "gpt-4o-mini";

/** How many of Ollama's models are asked what they can do, at once, when PAI picks one with no session. */
const CHAT_MODEL_PROBES = 4;

/** A session ready for turns. */
export interface SessionContext {
  config: Config;
  db: Database;
  session: Session;
  provider: Provider;
  policy: Policy;
  /** The workspace's real path (the current directory). */
  workspace: string;
}

/** Options for {@linkcode openSession}. */
export interface OpenSessionOptions {
  env?: (name: string) => string | undefined;
  /** Told which default was chosen when there was no session, and what the user must know about the policy. */
  notice: (text: string) => void;
  /** `--safe`: the strictest profile, whatever the policy file says. */
  safe?: boolean;
  /**
   * `-m/--model` for this run: a model of the session's provider, `PROVIDER:MODEL`, or an alias from config.json. The
   * conversation stays the session's; its rows and spend name this model.
   */
  model?: string;
  /** `--session ID|NAME`: resume that session (it becomes the current one); `--continue`: the one used last. */
  resume?: { session?: string; last?: boolean };
}

/** PAI's config and open database, without a provider (for status, reset, init). */
export interface State {
  config: Config;
  db: Database;
}

/** Loads the config and opens the database. */
export async function openState(env: (name: string) => string | undefined = (n) => Deno.env.get(n)): Promise<State> {
  const paths = paiPaths(env);
  const config = await loadConfig(paths.configDir);
  const db = openDatabase(paths.dataDir);
  // Every row appended through this connection keeps what config.json says of its content.
  auditSink(db, { content: config.audit?.content ?? "redacted" });
  return { config, db };
}

/** Runs `work` on PAI's open database, closed after it whatever happens (the commands that need no provider). */
export async function withDatabase<T>(work: (db: Database) => T | Promise<T>): Promise<T> {
  const { db } = await openState();
  try {
    return await work(db);
  } finally {
    db.close();
  }
}

/**
 * The policy in force in the current directory (a broken policy file stops here). What the user must know about
 * it (a trusted project policy that changed) goes to `notice`, on every command that loads it.
 */
export async function policyHere(
  db: Database,
  env: (name: string) => string | undefined,
  notice: (text: string) => void,
): Promise<{ policy: Policy; workspace: string }> {
  const workspace = await Deno.realPath(Deno.cwd());
  const policy = await loadPolicy({
    configDir: paiPaths(env).configDir,
    workspace,
    home: env("HOME") ?? "/",
    trusted: trustedFolders(db),
  });
  for (const text of policy.notices) notice(`Warning: ${text}`);
  return { policy, workspace };
}

/** Where the SDK bundles live; `PAI_NO_SDK_BUNDLE=1` imports the SDKs from npm instead (slower, same code). */
export function sdkCache(
  env: (name: string) => string | undefined,
  notice?: (text: string) => void,
): SdkCache | undefined {
  return env("PAI_NO_SDK_BUNDLE") ? undefined : { dir: paiPaths(env).cacheDir, notice };
}

/** Opens PAI's state, the policy and the current session's provider. */
export async function openSession(options: OpenSessionOptions): Promise<SessionContext> {
  const env = options.env ?? ((name: string) => Deno.env.get(name));
  const { config, db } = await openState(env);
  try {
    const { policy, workspace } = await policyHere(db, env, options.notice);
    if (options.safe) policy.safe = true;
    const stored = resumed(db, options) ?? currentSession(db) ??
      await startDefaultSession(db, config, env, options.notice);
    const ref = options.model === undefined ? undefined : modelRef(options.model, config);
    const resolveOptions = { env, localHosts: config.localHosts };
    let resolved: ResolvedProvider;
    let session: Session;
    if (ref?.provider && ref.provider !== stored.provider) {
      // Another provider for this run: resolved from its variables; the session's pin is for the session's own.
      resolved = resolveProvider({ provider: ref.provider, model: ref.model }, resolveOptions);
      checkProxy(resolved, { allowed: config.proxy, env });
      session = { ...stored, provider: resolved.spec.name, model: resolved.model };
    } else {
      resolved = resolveProvider(
        { ...stored, provider: stored.provider as ProviderName, model: ref?.model ?? stored.model },
        resolveOptions,
      );
      // Before anything can be sent (no provider built yet): this run must go where the session was started.
      const held = await holdToEndpoint(db, { session: stored, resolved }, {
        notice: options.notice,
        proxy: { allowed: config.proxy, env },
      });
      session = { ...held, model: resolved.model };
    }
    const provider = await readyProvider(resolved, { config, policy, env, notice: options.notice });
    return { config, db, session, provider, policy, workspace };
  } catch (error) {
    db.close();
    throw error;
  }
}

/** The provider of a run, built once safe mode has let its endpoint go (nothing has been sent when it throws). */
export async function readyProvider(
  resolved: ResolvedProvider,
  options: {
    config: Config;
    policy: Policy;
    env: (name: string) => string | undefined;
    notice: (text: string) => void;
  },
): Promise<Provider> {
  if (options.policy.safe && resolved.locality === "remote") {
    throw new PaiError(
      `Safe mode allows local providers only; ${resolved.spec.name} at ${endpointOf(resolved).baseUrl} is remote`,
      {
        exitCode: EXIT.POLICY,
        hint: 'Use a local model: "pai init ollama --model MODEL", or leave safe mode',
      },
    );
  }
  const { config, env, notice } = options;
  return await createProvider(resolved, {
    maxRetries: config.maxRetries,
    timeoutMs: config.timeoutSeconds * 1000,
    sdkCache: sdkCache(env, notice),
  });
}

/** The session `--session` or `--continue` names, made the current one (said when it was not); none without them. */
function resumed(db: Database, options: OpenSessionOptions): Session | undefined {
  const { session: ref, last } = options.resume ?? {};
  if (ref === undefined && !last) return undefined;
  const found = ref !== undefined ? findSession(db, ref) : listSessions(db)[0];
  if (typeof found === "string") throw new PaiError(`--session: ${found}`, { exitCode: EXIT.USAGE });
  if (!found) {
    throw new PaiError(
      ref !== undefined ? `--session "${ref}": no such session` : "--continue: there is no session yet",
      {
        exitCode: EXIT.USAGE,
        hint: ref !== undefined ? '"pai sessions" lists them' : 'Start one with "pai init PROVIDER --model MODEL"',
      },
    );
  }
  if (currentSession(db)?.id !== found.id) {
    makeCurrent(db, found.id);
    options.notice(`Resuming session ${found.name ?? found.id.slice(0, 8)} (${found.provider}, ${found.model}).`);
  }
  return found;
}

/** A `-m/--model` value: an alias from config.json's `aliases` first, then `PROVIDER:MODEL` or a bare model. */
export function modelRef(input: string, config: Pick<Config, "aliases">): ModelRef {
  const alias = config.aliases?.[input.trim()];
  // An alias's mistake is config.json's, not what was typed: the error says where to fix it.
  return alias === undefined
    ? parseModelRef(input, "--model")
    : parseModelRef(alias, `--model ${input.trim()} (the alias in config.json's "aliases")`);
}

/** The models PAI falls back to with no session, by provider (a local Ollama's is the first chat model it lists). */
const DEFAULT_MODELS = { openai: DEFAULT_OPENAI_MODEL, anthropic: "claude-3-5-haiku-latest" } as const;

/** A provider and model chosen with no session, and how to tell the user why. */
export interface DefaultChoice {
  provider: ProviderName;
  model: string;
  /** The resolved Ollama, when it is the choice (already probed). */
  resolved?: ResolvedProvider;
  /** "using ollama with model …, the first chat model it lists". */
  said: string;
}

/**
 * What PAI uses with no session: a local Ollama if one answers and has a chat model (the first it lists: an
 * embedding model cannot answer a prompt), else OpenAI if its key is set, else Anthropic if its key is; otherwise
 * two lines on how to start.
 */
export async function defaultChoice(
  config: Config,
  env: (name: string) => string | undefined,
): Promise<DefaultChoice> {
  const ollama = resolveProvider({ provider: "ollama", model: "" }, { env, localHosts: config.localHosts });
  const models = await probeModels(ollama);
  const ollamaAt = `Ollama at ${ollama.baseUrl.replace(/\/v1$/, "")}`;
  // Bounded like the listing: the first few models, asked at once within one probe's time.
  const asked = models?.slice(0, CHAT_MODEL_PROBES) ?? [];
  const local: ChatModelChoice | undefined = asked.length
    ? chooseChatModel(asked, await probeCapabilities(ollama, asked), models!.length)
    : undefined;
  if (local?.kind === "chosen") {
    return {
      provider: "ollama",
      model: local.model,
      resolved: { ...ollama, model: local.model },
      said: `using ollama with model "${local.model}", ${local.why}`,
    };
  }
  const keyed = (["openai", "anthropic"] as const).find((name) => env(PROVIDERS[name].keyEnv!));
  const why = local
    ? `${ollamaAt} has ${local.why}`
    : models
    ? `${ollamaAt} has no models`
    : "no local Ollama answered";
  if (!keyed) {
    throw new PaiError(`No provider is set up: ${why} and neither OPENAI_API_KEY nor ANTHROPIC_API_KEY is set`, {
      exitCode: EXIT.CONFIG,
      hint:
        'Run "pai init ollama --model llama3.2" for a local model, or set OPENAI_API_KEY and run "pai init openai --model gpt-4o-mini"',
    });
  }
  const model = DEFAULT_MODELS[keyed];
  return { provider: keyed, model, said: `${local ? `${why}; ` : ""}using ${keyed} with model "${model}"` };
}

/** With no session: the default choice, started as the current session (and said so). */
async function startDefaultSession(
  db: Database,
  config: Config,
  env: (name: string) => string | undefined,
  notice?: (text: string) => void,
): Promise<Session> {
  const choice = await defaultChoice(config, env);
  const resolved = choice.resolved ??
    resolveProvider({ ...choice, locality: "auto" }, { env, localHosts: config.localHosts });
  const pinned = endpointOf(resolved);
  const session = createSession(db, {
    provider: choice.provider,
    model: choice.model,
    baseUrl: null,
    apiKeyEnv: null,
    systemRole: "system",
    locality: "auto",
    pinned,
  });
  await appendAudit(db, sessionStarted(session, pinned, "default"));
  notice?.(`No session yet: ${choice.said}. Run "pai init" to choose.`);
  return session;
}

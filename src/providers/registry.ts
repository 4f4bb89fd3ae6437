/**
 * The provider kinds PAI knows, what each needs (key variable, base URL), and
 * the resolution of a session's choice into a concrete endpoint: base URL,
 * credential (read from the environment each run, never stored) and whether
 * the endpoint is local or remote.
 */
import { EXIT, PaiError } from "../core/errors.ts";
import { registerSecret } from "../core/redact.ts";

export const PROVIDER_NAMES = ["openai", "anthropic", "ollama", "lmstudio", "openai-compatible"] as const;
export type ProviderName = typeof PROVIDER_NAMES[number];

/** The wire protocols PAI speaks; each has one adapter. */
export type Protocol = "openai" | "anthropic";

/** A kind of provider: how to reach it and what it needs. */
export interface ProviderSpec {
  name: ProviderName;
  protocol: Protocol;
  summary: string;
  /** Variable that holds the API key. */
  keyEnv?: string;
  keyRequired: boolean;
  /** Variable that overrides the base URL. */
  baseUrlEnv?: string;
  /** Used when neither `--base-url` nor `baseUrlEnv` is given; none means `--base-url` is required. */
  defaultBaseUrl?: string;
}

export const PROVIDERS: Readonly<Record<ProviderName, ProviderSpec>> = {
  openai: {
    name: "openai",
    protocol: "openai",
    summary: "OpenAI's API",
    keyEnv: "OPENAI_API_KEY",
    keyRequired: true,
    baseUrlEnv: "OPENAI_BASE_URL",
    defaultBaseUrl: "https://api.openai.com/v1",
  },
  anthropic: {
    name: "anthropic",
    protocol: "anthropic",
    summary: "Anthropic's Messages API",
    keyEnv: "ANTHROPIC_API_KEY",
    keyRequired: true,
    baseUrlEnv: "ANTHROPIC_BASE_URL",
    defaultBaseUrl: "https://api.anthropic.com",
  },
  ollama: {
    name: "ollama",
    protocol: "openai",
    summary: "Ollama (its OpenAI-compatible /v1 API)",
    keyRequired: false,
    baseUrlEnv: "OLLAMA_HOST",
    defaultBaseUrl: "http://127.0.0.1:11434",
  },
  lmstudio: {
    name: "lmstudio",
    protocol: "openai",
    summary: "LM Studio's local server",
    keyRequired: false,
    baseUrlEnv: "LMSTUDIO_BASE_URL",
    defaultBaseUrl: "http://127.0.0.1:1234/v1",
  },
  "openai-compatible": {
    name: "openai-compatible",
    protocol: "openai",
    summary: "any OpenAI-compatible endpoint (vLLM, llama.cpp server, OpenRouter…)",
    keyEnv: "OPENAI_COMPATIBLE_API_KEY",
    keyRequired: false,
  },
};

/** Parses a provider name, listing the valid ones when it is not one. */
export function parseProviderName(input: string): ProviderName {
  if ((PROVIDER_NAMES as readonly string[]).includes(input)) return input as ProviderName;
  throw new PaiError(`Unknown provider "${input}": choose one of ${PROVIDER_NAMES.join(", ")}`, {
    exitCode: EXIT.USAGE,
  });
}

/** Whether the model receives the system prompt as a system message or folded into the first user turn. */
export type SystemRole = "system" | "fold";

/** What a session says about its provider. */
export interface ProviderChoice {
  provider: ProviderName;
  model: string;
  baseUrl?: string | null;
  apiKeyEnv?: string | null;
  systemRole?: SystemRole;
  /** The user's word on where it runs; `auto` (default) decides by host. */
  locality?: "auto" | "local" | "remote";
}

/** A provider ready to be called. */
export interface ResolvedProvider {
  spec: ProviderSpec;
  model: string;
  /** The URL the SDK is given (for Ollama, its `/v1`). */
  baseUrl: string;
  /** Where the base URL came from, for error messages: a flag or a variable name. */
  baseUrlSource: string;
  apiKey?: string;
  /** The variable the key was read from, for error messages. */
  keyEnv?: string;
  locality: "local" | "remote";
  systemRole: SystemRole;
}

/** Options for {@linkcode resolveProvider}. */
export interface ResolveOptions {
  env: (name: string) => string | undefined;
  /** Host names the user declared local (besides loopback). */
  localHosts?: readonly string[];
}

/**
 * Turns a session's choice into an endpoint. Fails, before anything is sent,
 * when a required key is missing or the base URL is unusable.
 */
export function resolveProvider(choice: ProviderChoice, options: ResolveOptions): ResolvedProvider {
  const spec = PROVIDERS[choice.provider];
  const { url, source } = pickBaseUrl(spec, choice.baseUrl ?? undefined, options.env);
  const keyEnv = choice.apiKeyEnv ?? spec.keyEnv;
  const apiKey = keyEnv ? options.env(keyEnv) || undefined : undefined;
  // Redacted from every error from now on, however short: a 401 often echoes the key that was sent.
  registerSecret(apiKey);
  if (!apiKey && spec.keyRequired) {
    throw new PaiError(`Cannot use ${spec.name}: ${keyEnv} is not set`, {
      exitCode: EXIT.AUTH,
      hint: `Set ${keyEnv} in your environment (PAI never stores API keys)`,
    });
  }
  if (!apiKey && choice.apiKeyEnv) {
    throw new PaiError(`Cannot use ${spec.name}: ${keyEnv} is not set`, {
      exitCode: EXIT.AUTH,
      hint: `Set ${keyEnv}, or run "pai init" again without --api-key-env`,
    });
  }
  return {
    spec,
    model: choice.model,
    baseUrl: spec.name === "ollama" ? new URL("v1", withSlash(url)).href.replace(/\/$/, "") : url,
    baseUrlSource: source,
    apiKey,
    keyEnv,
    locality: choice.locality && choice.locality !== "auto" ? choice.locality : urlLocality(url, options),
    systemRole: choice.systemRole ?? "system",
  };
}

/** Where a provider would run, by its URL (from the environment or its default), whether or not its key is set. */
export function localityOf(name: ProviderName, options: ResolveOptions): "local" | "remote" | undefined {
  try {
    return urlLocality(pickBaseUrl(PROVIDERS[name], undefined, options.env).url, options);
  } catch {
    return undefined; // no URL yet (openai-compatible needs --base-url)
  }
}

/** Local when the URL's host is loopback or one of the user's `localHosts`; remote otherwise. */
function urlLocality(url: string, options: ResolveOptions): "local" | "remote" {
  return isLocalHost(new URL(url).hostname, options.localHosts ?? []) ? "local" : "remote";
}

function pickBaseUrl(
  spec: ProviderSpec,
  flag: string | undefined,
  env: (name: string) => string | undefined,
): { url: string; source: string } {
  const fromEnv = spec.baseUrlEnv ? env(spec.baseUrlEnv) || undefined : undefined;
  const [raw, source] = flag
    ? [flag, "--base-url"]
    : fromEnv
    ? [fromEnv, spec.baseUrlEnv!]
    : [spec.defaultBaseUrl, "default"];
  if (raw === undefined) {
    throw new PaiError(`Cannot use ${spec.name}: it needs a base URL`, {
      exitCode: EXIT.USAGE,
      hint: `Run "pai init ${spec.name} --model MODEL --base-url http://host:port/v1"`,
    });
  }
  return { url: normalizeBaseUrl(spec, raw, source), source };
}

/** Validates a base URL; accepts Ollama's host-only form (`127.0.0.1:11434`, `0.0.0.0`). */
export function normalizeBaseUrl(spec: ProviderSpec, raw: string, source: string): string {
  let text = raw.trim();
  // Ollama's OLLAMA_HOST may be a bare host[:port]; then the port defaults to 11434 (as Ollama reads it).
  const bareOllamaHost = spec.name === "ollama" && !/^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  if (bareOllamaHost) text = `http://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PaiError(`Invalid base URL "${raw}" (from ${source}): not a URL`, {
      exitCode: EXIT.USAGE,
      hint: "Give a full URL such as http://127.0.0.1:8000/v1",
    });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new PaiError(`Invalid base URL "${raw}" (from ${source}): only http and https are supported`, {
      exitCode: EXIT.USAGE,
    });
  }
  // Ollama binds 0.0.0.0 to mean "all interfaces"; a client reaches it on loopback.
  if (url.hostname === "0.0.0.0") url.hostname = "127.0.0.1";
  if (bareOllamaHost && url.port === "") url.port = "11434";
  return url.href.replace(/\/$/, "");
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

/** Loopback (127.0.0.0/8, ::1, localhost) or a host the user declared local. */
export function isLocalHost(hostname: string, localHosts: readonly string[]): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || host === "::1") return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  return localHosts.some((h) => h.toLowerCase() === host);
}

/**
 * Turns what the SDKs throw into one-line `PaiError`s that say what happened,
 * with the HTTP status, and what to do. Duck-typed on purpose: importing the
 * SDKs' error classes here would load both SDKs for every provider.
 */
import { EXIT, PaiError } from "../core/errors.ts";
import { QUOTA_HEADER } from "./http.ts";
import type { ResolvedProvider } from "./registry.ts";

interface SdkErrorLike {
  name?: string;
  message?: string;
  status?: number;
  headers?: Headers;
  error?: unknown;
  cause?: unknown;
}

/** Maps an SDK error to a `PaiError`; `maxRetries` is what the SDK was configured with. */
export function providerError(error: unknown, provider: ResolvedProvider, maxRetries: number): PaiError {
  if (error instanceof PaiError) return error;
  const e = (typeof error === "object" && error !== null ? error : { message: String(error) }) as SdkErrorLike;
  const who = `${provider.spec.name} at "${provider.baseUrl}"`;
  if (typeof e.status === "number") {
    // The SDKs retry exactly these statuses (unless told not to, as for quota errors).
    const retried = [408, 409, 429].includes(e.status) || e.status >= 500;
    return httpError(e, e.status, provider, retried && !e.headers?.get(QUOTA_HEADER) ? maxRetries + 1 : 1);
  }
  const detail = causeChain(error);
  if (/connection refused|ECONNREFUSED/i.test(detail)) {
    return new PaiError(`Cannot connect to ${who}: connection refused`, {
      exitCode: EXIT.NETWORK,
      hint: howToChangeUrl(provider),
      cause: error,
    });
  }
  if (/timed? ?out|timeout/i.test(`${e.name} ${detail}`)) {
    return new PaiError(`No answer from ${who}: the request timed out`, {
      exitCode: EXIT.NETWORK,
      hint: `Check that the server is up, or raise "timeoutSeconds" in PAI's config.json`,
      cause: error,
    });
  }
  return new PaiError(`Cannot reach ${who}: ${firstLine(detail)}`, {
    exitCode: EXIT.NETWORK,
    hint: howToChangeUrl(provider),
    cause: error,
  });
}

function httpError(e: SdkErrorLike, status: number, p: ResolvedProvider, attempts: number): PaiError {
  const name = p.spec.name;
  const said = serverMessage(e);
  const after = attempts > 1 ? ` after ${attempts} attempts` : "";
  if (status === 401 || status === 403) {
    return new PaiError(`${name} refused the credentials (${status}): ${said}`, {
      exitCode: EXIT.AUTH,
      hint: p.keyEnv
        ? `Check the key in ${p.keyEnv}`
        : "This endpoint wants a key: run pai init with --api-key-env VAR",
    });
  }
  if (status === 404) {
    return new PaiError(`${name} has no model "${p.model}" or no such endpoint (404): ${said}`, {
      exitCode: EXIT.PROVIDER,
      hint: `Run "pai init ${name} --model MODEL" with a model the provider offers`,
    });
  }
  if (status === 429 && e.headers?.get(QUOTA_HEADER)) {
    return new PaiError(`${name} refused the request: quota or spend limit reached (429): ${said}`, {
      exitCode: EXIT.PROVIDER,
      hint: "Not retried: check your plan and billing with the provider, or use a local model",
    });
  }
  if (status === 429) {
    return new PaiError(`${name} is rate limiting requests (429)${after}: ${said}`, {
      exitCode: EXIT.PROVIDER,
      hint: "Wait a little and try again",
    });
  }
  if (status >= 500) {
    return new PaiError(`${name} failed with status ${status}${after}: ${said}`, {
      exitCode: EXIT.PROVIDER,
      hint: "The provider's server is in trouble; try again later",
    });
  }
  const systemHint = status === 400 && /system/i.test(said) && p.systemRole === "system"
    ? `If this model takes no system role, run "pai init ${name} --model ${p.model} --system-role fold"`
    : undefined;
  return new PaiError(`${name} rejected the request (${status}): ${said}`, {
    exitCode: EXIT.PROVIDER,
    hint: systemHint,
  });
}

/** The server's own message: OpenAI nests it as `error.message`, Anthropic as `error.error.message`. */
function serverMessage(e: SdkErrorLike): string {
  const body = e.error as { message?: unknown; error?: { message?: unknown } } | undefined;
  const text = typeof body?.message === "string"
    ? body.message
    : typeof body?.error?.message === "string"
    ? body.error.message
    : (e.message ?? "no message").replace(/^\d{3}\s*/, "");
  return firstLine(text);
}

function causeChain(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    parts.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(": ");
}

function firstLine(text: string): string {
  const line = text.split("\n", 1)[0].trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

function howToChangeUrl(p: ResolvedProvider): string {
  const variable = p.spec.baseUrlEnv ? `set ${p.spec.baseUrlEnv}, or ` : "";
  return `Start the server, or ${variable}run "pai init ${p.spec.name} --model ${p.model} --base-url URL"`;
}

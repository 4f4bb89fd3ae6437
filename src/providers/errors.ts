/**
 * Turns what the SDKs throw into one-line `PaiError`s that say what happened,
 * with the HTTP status, and what to do. Duck-typed on purpose: importing the
 * SDKs' error classes here would load both SDKs for every provider.
 */
import { EXIT, PaiError } from "../core/errors.ts";
import { endpointUrl } from "./endpoint.ts";
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
  // Without user:password@ or a query: a URL from a variable may carry a credential.
  const who = `${provider.spec.name} at "${endpointUrl(provider.baseUrl)}"`;
  if (typeof e.status === "number") {
    // The SDKs retry exactly these statuses (unless told not to, as for quota errors).
    const retried = [408, 409, 429].includes(e.status) || e.status >= 500;
    return httpError(e, e.status, provider, retried && !e.headers?.get(QUOTA_HEADER) ? maxRetries + 1 : 1);
  }
  const { message, hint } = connectionFailure(who, `${e.name} ${causeChain(error)}`, deepestMessage(error), provider);
  return new PaiError(message, { exitCode: EXIT.NETWORK, hint, cause: error });
}

/** How a name that did not resolve reads: Deno's resolver (glibc, musl, macOS), and Node's codes. */
const NAME_NOT_RESOLVED =
  /dns error|failed to lookup address|name or service not known|nodename nor servname|name resolution|name does not resolve|ENOTFOUND|EAI_AGAIN|no such host/i;

/**
 * What failed on the way to `who` (the provider and its URL), in one sentence, and what to do about it for this
 * kind of endpoint: a local server is started; for a remote one the network, a proxy or the URL is checked. `chain`
 * is every message of the cause chain: the SDKs wrap Deno's own message (`error sending request for url (…):
 * client error (Connect): dns error: …`) in "Connection error." and "fetch failed", none of which the user needs.
 */
function connectionFailure(
  who: string,
  chain: string,
  deepest: string,
  p: ResolvedProvider,
): { message: string; hint: string } {
  const url = new URL(p.baseUrl);
  const host = url.hostname;
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  const local = p.locality === "local";
  const other = `to use another URL, ${howToChangeUrl(p)}`;
  const network = 'your network connection and any proxy ("proxy" in config.json)';
  if (NAME_NOT_RESOLVED.test(chain)) {
    return {
      message: `Cannot connect to ${who}: the host name "${host}" could not be resolved (DNS)`,
      hint: local
        ? `Check the host name in the URL: this machine does not know "${host}"; ${other}`
        : `Check the host name in the URL, ${network}; ${other}`,
    };
  }
  if (/connection refused|ECONNREFUSED/i.test(chain)) {
    return {
      message: `Cannot connect to ${who}: connection refused (nothing listens on ${host}:${port})`,
      hint: local ? startTheServer(p) : `Check the URL's host and port, ${network}; ${other}`,
    };
  }
  const certificate = chain.match(/invalid peer certificate:\s*([^\n:]{1,80})/i);
  if (certificate || /certificate/i.test(chain)) {
    const why = certificate ? ` (${certificate[1].trim()})` : "";
    return {
      message:
        `Cannot connect to ${who}: the TLS (HTTPS) connection failed: the server's certificate was refused${why}`,
      hint: "If the server's certificate comes from your own authority, point DENO_CERT at that authority's " +
        `certificate (or set DENO_TLS_CA_STORE=system to use the system's); otherwise check the URL; ${other}`,
    };
  }
  if (/received corrupt message|InvalidContentType|wrong version number|record overflow/i.test(chain)) {
    return {
      message: `Cannot connect to ${who}: the TLS (HTTPS) connection failed: the server does not seem to speak TLS`,
      hint: `Check the URL: a server without TLS needs an "http://" URL; ${other}`,
    };
  }
  if (/timed? ?out|timeout/i.test(chain)) {
    return {
      message: `No answer from ${who}: the request timed out`,
      hint: local
        ? `Check that the server is running and not overloaded, or raise "timeoutSeconds" in PAI's config.json`
        : `Check ${network}, or raise "timeoutSeconds" in PAI's config.json`,
    };
  }
  if (/network is unreachable|no route to host|host is unreachable|EHOSTUNREACH|ENETUNREACH/i.test(chain)) {
    return {
      message: `Cannot connect to ${who}: the network or the host "${host}" is unreachable`,
      hint: `Check ${network}; ${other}`,
    };
  }
  if (/connection reset|ECONNRESET|connection closed|broken pipe|EPIPE|unexpected eof/i.test(chain)) {
    return {
      message: `No answer from ${who}: the connection was closed before an answer came`,
      hint: local ? "Check that the server is running, and its log" : `Check ${network}, then try again`,
    };
  }
  return {
    message: `Cannot reach ${who}: ${firstLine(deepest) || "the connection failed"}`,
    hint: local ? startTheServer(p) : `Check ${network}; ${other}`,
  };
}

/** The innermost message of the cause chain, without the wrapping Deno and fetch put around it. */
function deepestMessage(error: unknown): string {
  let message = "";
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    message = e instanceof Error ? e.message : String(e);
    e = e instanceof Error ? e.cause : undefined;
  }
  return message
    .replace(/^fetch failed:?\s*/i, "")
    .replace(/^error sending request for url \([^)]*\):\s*/i, "")
    .replace(/^client error \([^)]*\):\s*/i, "");
}

/** For a local endpoint that is not there: how to start it, or where else to look. */
function startTheServer(p: ResolvedProvider): string {
  const how = p.spec.name === "ollama"
    ? ' ("ollama serve")'
    : p.spec.name === "lmstudio"
    ? ' (LM Studio\'s "Start Server", or "lms server start")'
    : "";
  return `Start the server${how}, or ${howToChangeUrl(p)}`;
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
  return `${variable}run "pai init ${p.spec.name} --model ${p.model} --base-url URL"`;
}

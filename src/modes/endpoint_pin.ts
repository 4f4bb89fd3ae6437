/**
 * Holds a session to the endpoint it was started with. Every run that opens
 * the session resolves the endpoint from the environment and config as
 * before, and compares it with the pinned one before a provider is built: a
 * difference stops the run with nothing sent (no model call, no probe) to
 * either endpoint, and leaves an audit row naming both.
 */
import { redactEvent, type SessionStartedEvent } from "../audit/events.ts";
import { appendAudit, type SessionStart, sessionStart } from "../audit/log.ts";
import { EXIT, PaiError } from "../core/errors.ts";
import { redactSecrets } from "../core/redact.ts";
import {
  describeEndpoint,
  type Endpoint,
  endpointOf,
  endpointUrl,
  sameBaseUrl,
  sameEndpoint,
} from "../providers/endpoint.ts";
import { proxyFor } from "../providers/proxy.ts";
import { type ProviderName, PROVIDERS, type ResolvedProvider } from "../providers/registry.ts";
import type { Database } from "../store/db.ts";
import { pinSession, type Session } from "../store/sessions.ts";

/**
 * The audit event recording where a session started (`sessionStart` reads it back for a session whose pin is
 * missing). `origin`: `init` for `pai init`, `default` for the session PAI chose when there was none.
 */
export function sessionStarted(
  session: Pick<Session, "id" | "provider" | "model">,
  endpoint: Endpoint,
  origin: SessionStartedEvent["origin"],
): SessionStartedEvent {
  return {
    kind: "session",
    action: "started",
    sessionId: session.id,
    provider: session.provider,
    model: session.model,
    origin,
    baseUrl: endpoint.baseUrl,
    locality: endpoint.locality,
  };
}

/** What the session expected: an old session's start row recorded the URL only, not the locality. */
export interface ExpectedEndpoint {
  baseUrl: string;
  locality?: Endpoint["locality"];
}

/** How this run's endpoint compares with the session's. */
export type EndpointCheck =
  | { kind: "same"; pinned: Endpoint }
  | { kind: "drift"; expected: ExpectedEndpoint; now: Endpoint }
  /** A session from before pinning whose start row does not contradict this run. */
  | { kind: "unpinned"; now: Endpoint };

/**
 * Compares (pure): with the pin when there is one, else with where the
 * session's start row (`recordedStart`, from the audit log) says it started, so
 * that an old session started on loopback is not pinned to wherever the next
 * shell points. A start row that names the locality too (every typed one) is
 * held to both, as a pin is; an old one names the URL only.
 */
export function checkEndpoint(session: Session, now: Endpoint, recordedStart?: SessionStart): EndpointCheck {
  if (session.pinned) {
    return sameEndpoint(session.pinned, now)
      ? { kind: "same", pinned: session.pinned }
      : { kind: "drift", expected: session.pinned, now };
  }
  if (recordedStart) {
    const { baseUrl, locality } = recordedStart;
    const same = locality ? sameEndpoint({ baseUrl, locality }, now) : sameBaseUrl(baseUrl, now.baseUrl);
    if (!same) {
      return { kind: "drift", expected: { baseUrl: shownUrl(baseUrl), ...(locality ? { locality } : {}) }, now };
    }
  }
  return { kind: "unpinned", now };
}

/** A session and where this run would send its data. */
export interface SessionRun {
  session: Session;
  resolved: ResolvedProvider;
}

/** Options for {@linkcode holdToEndpoint}. */
export interface HoldOptions {
  /** Told once when an old session gets pinned. */
  notice?: (text: string) => void;
  /** The proxy config.json names (`proxy`), and the environment the proxy variables are read from. */
  proxy?: { allowed?: string; env: (name: string) => string | undefined };
}

/**
 * Refuses a proxy the user did not name: a proxy variable sends every prompt and the API key through another
 * server, which the endpoint pin alone does not see (the URL stays the same). Nothing has been sent when it throws.
 */
export function checkProxy(resolved: ResolvedProvider, options: NonNullable<HoldOptions["proxy"]>): void {
  const proxy = proxyFor(resolved.baseUrl, options.env);
  if (!proxy || (options.allowed && endpointUrl(options.allowed) === endpointUrl(proxy))) return;
  const shown = endpointUrl(proxy);
  throw new PaiError(
    `A proxy variable sends the traffic for "${endpointUrl(resolved.baseUrl)}" through "${shown}", which ` +
      `config.json does not name: nothing was sent`,
    {
      exitCode: EXIT.CONFIG,
      hint: `If that proxy is yours, add "proxy": "${shown}" to config.json; otherwise unset HTTP_PROXY, ` +
        `HTTPS_PROXY and ALL_PROXY, or add the host to NO_PROXY`,
    },
  );
}

/**
 * Lets the run go on when the endpoint is the pinned one; pins a session from
 * before pinning (saying so once); otherwise records the refusal in the audit
 * log and throws. Returns the session as it now stands.
 */
export async function holdToEndpoint(db: Database, run: SessionRun, options: HoldOptions = {}): Promise<Session> {
  const { session, resolved } = run;
  if (options.proxy) checkProxy(resolved, options.proxy);
  const now = endpointOf(resolved);
  const check = checkEndpoint(session, now, session.pinned ? undefined : sessionStart(db, session.id));
  switch (check.kind) {
    case "same":
      return session;
    case "unpinned": {
      // Fail closed from here on: the endpoint of this run, which nothing contradicts, becomes the session's.
      pinSession(db, session.id, now);
      await appendAudit(db, {
        kind: "session",
        action: "endpoint_pinned",
        sessionId: session.id,
        provider: session.provider,
        model: session.model,
        baseUrl: now.baseUrl,
        locality: now.locality,
      });
      options.notice?.(
        `Session ${session.id} was started before PAI pinned endpoints; it is now pinned to ${
          describeEndpoint(now)
        }, and a run that points elsewhere will be refused.`,
      );
      return { ...session, pinned: now };
    }
    case "drift": {
      const error = driftError(run, check);
      // Both URLs are credential-free already; the redaction is a second net for a key in an odd place.
      await appendAudit(
        db,
        redactEvent({
          kind: "session",
          action: "endpoint_refused",
          sessionId: session.id,
          provider: session.provider,
          model: session.model,
          expected: check.expected,
          baseUrl: check.now.baseUrl,
          locality: check.now.locality,
          reason: error.message,
        }, (text) => redactSecrets(text)),
      );
      throw error;
    }
    default: {
      const never: never = check;
      throw new Error(`Unknown endpoint check ${JSON.stringify(never)}`);
    }
  }
}

/**
 * The refusal: both endpoints, and how to get back (the variable, or
 * `localHosts`) or start a new session.
 */
export function driftError(run: SessionRun, drift: { expected: ExpectedEndpoint; now: Endpoint }): PaiError {
  const { session, resolved } = run;
  const { expected, now } = drift;
  const was = expected.locality
    ? describeEndpoint({ ...expected, locality: expected.locality })
    : `"${expected.baseUrl}"`;
  const moved = !sameBaseUrl(expected.baseUrl, now.baseUrl);
  const message = moved
    ? `The session was started with ${session.provider} at ${was}, but the environment now points to "${now.baseUrl}" (${now.locality}, ${
      sourceOf(resolved)
    }): nothing was sent`
    : `The session was started with ${session.provider} at ${was}, but config.json's localHosts now make "${now.baseUrl}" ${now.locality}: nothing was sent`;
  const back = moved ? restoreVariable(session, expected.baseUrl) : restoreLocalHosts(expected, now);
  const fresh = newSessionCommand(session);
  // EXIT.CONFIG (3), not EXIT.POLICY (7): no policy rule decided this. The stored session and this run's
  // environment or config.json disagree, and the fix is there (set it back) or a new session, as with
  // the other "state and config do not fit" errors that exit 3.
  return new PaiError(message, {
    exitCode: EXIT.CONFIG,
    hint: back ? `${back}, or start a new session: ${fresh}` : `Start a new session: ${fresh}`,
  });
}

function sourceOf(resolved: ResolvedProvider): string {
  if (resolved.baseUrlSource !== "default") return `from ${resolved.baseUrlSource}`;
  return resolved.spec.baseUrlEnv ? `the default: ${resolved.spec.baseUrlEnv} is not set` : "the default";
}

/** `Set OPENAI_BASE_URL=… again` or `Unset OPENAI_BASE_URL`, when a variable chose the URL. */
function restoreVariable(session: Session, expectedUrl: string): string | undefined {
  const spec = PROVIDERS[session.provider as ProviderName];
  if (session.baseUrl !== null || !spec?.baseUrlEnv) return undefined;
  // Ollama's variable names the server; PAI adds /v1.
  const value = spec.name === "ollama" ? expectedUrl.replace(/\/v1$/, "") : expectedUrl;
  if (spec.defaultBaseUrl && sameBaseUrl(value, spec.defaultBaseUrl)) return `Unset ${spec.baseUrlEnv}`;
  return `Set ${spec.baseUrlEnv}=${value} again`;
}

function restoreLocalHosts(expected: ExpectedEndpoint, now: Endpoint): string | undefined {
  const host = new URL(now.baseUrl).hostname.replace(/^\[|\]$/g, "");
  if (expected.locality === "local") return `Add "${host}" to localHosts in config.json again`;
  if (expected.locality === "remote") return `Remove "${host}" from localHosts in config.json`;
  return undefined;
}

/** The `pai init` that starts a session like this one: the same choices, its locality and roles included. */
function newSessionCommand(session: Session): string {
  const roleFlags = { local: "--local-model", planner: "--planner", summarizer: "--summarizer" } as const;
  return [
    `pai init ${session.provider} --model ${session.model}`,
    session.baseUrl ? ` --base-url ${shownUrl(session.baseUrl)}` : "",
    session.apiKeyEnv ? ` --api-key-env ${session.apiKeyEnv}` : "",
    session.systemRole === "fold" ? " --system-role fold" : "",
    session.locality !== "auto" ? ` --locality ${session.locality}` : "",
    ...Object.entries(session.roles ?? {}).map(([role, r]) =>
      ` ${roleFlags[role as keyof typeof roleFlags]} ${r.provider}:${r.model}`
    ),
  ].join("");
}

/** A stored URL as it may be shown: without credentials (an old session's may hold some). */
function shownUrl(url: string): string {
  try {
    return endpointUrl(url);
  } catch {
    return "(an unreadable URL)";
  }
}

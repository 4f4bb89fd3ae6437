import assert from "node:assert/strict";
import { providerError } from "./errors.ts";
import { QUOTA_HEADER } from "./http.ts";
import { resolveProvider } from "./registry.ts";

const ollama = resolveProvider({ provider: "ollama", model: "llama3.2" }, { env: () => undefined });
const openai = resolveProvider({ provider: "openai", model: "gpt" }, {
  env: (n) => n === "OPENAI_API_KEY" ? "k" : undefined,
});

Deno.test("providerError() says which URL refused the connection and how to change it", () => {
  const cause = new TypeError("error sending request: tcp connect error: Connection refused (os error 111)");
  const e = providerError(Object.assign(new Error("Connection error."), { cause }), ollama, 2);
  assert.equal(
    e.message,
    'Cannot connect to ollama at "http://127.0.0.1:11434/v1": connection refused (nothing listens on 127.0.0.1:11434)',
  );
  assert.match(e.hint!, /set OLLAMA_HOST/);
  assert.equal(e.exitCode, 6);
});

Deno.test("providerError() counts attempts only for statuses the SDK retries", () => {
  const err = (status: number, headers = new Headers()) => ({ status, headers, error: { message: "nope" } });
  assert.equal(providerError(err(500), openai, 2).message, "openai failed with status 500 after 3 attempts: nope");
  assert.equal(providerError(err(429), openai, 0).message, "openai is rate limiting requests (429): nope");
  assert.match(
    providerError(err(429, new Headers({ [QUOTA_HEADER]: "1" })), openai, 2).message,
    /quota or spend limit reached \(429\): nope$/,
  );
  assert.equal(providerError(err(401), openai, 2).exitCode, 4);
  assert.match(providerError(err(404), openai, 2).message, /no model "gpt"/);
});

Deno.test("providerError() reads Anthropic's nested error message", () => {
  const e = providerError(
    { status: 400, error: { type: "error", error: { type: "invalid_request_error", message: "bad system role" } } },
    openai,
    2,
  );
  assert.equal(e.message, "openai rejected the request (400): bad system role");
  assert.match(e.hint!, /--system-role fold/);
});

/**
 * What the SDKs throw when the connection fails, as captured from openai and @anthropic-ai/sdk on Deno 2.9.6: an
 * `APIConnectionError` ("Connection error."), caused by fetch's `TypeError` ("fetch failed"), caused by Deno's error.
 */
function connectionError(denoMessage: string): Error {
  const fetchFailed = new TypeError("fetch failed", { cause: new Error(denoMessage) });
  return Object.assign(new Error("Connection error.", { cause: fetchFailed }), { name: "Error" });
}

const remote = resolveProvider(
  { provider: "openai-compatible", model: "m", baseUrl: "https://does-not-exist.invalid/v1" },
  { env: () => undefined },
);
const sending = (url: string) => `error sending request for url (${url}/chat/completions): client error (Connect)`;

Deno.test("providerError() says in one sentence that a name did not resolve, and what to check for a remote URL", () => {
  const e = providerError(
    connectionError(
      `${
        sending("https://does-not-exist.invalid/v1")
      }: dns error: failed to lookup address information: Name or service not known`,
    ),
    remote,
    2,
  );
  assert.equal(
    e.message,
    'Cannot connect to openai-compatible at "https://does-not-exist.invalid/v1": ' +
      'the host name "does-not-exist.invalid" could not be resolved (DNS)',
  );
  assert.equal(e.exitCode, 6);
  assert.match(
    e.hint!,
    /Check the host name in the URL, your network connection and any proxy \("proxy" in config\.json\)/,
  );
  assert.doesNotMatch(e.hint!, /Start the server/);
});

Deno.test("providerError() tells a refused local server from a refused remote one", () => {
  const refused = (url: string) =>
    connectionError(`${sending(url)}: tcp connect error: Connection refused (os error 111)`);
  const local = providerError(refused("http://127.0.0.1:11434/v1"), ollama, 2);
  assert.equal(
    local.message,
    'Cannot connect to ollama at "http://127.0.0.1:11434/v1": connection refused (nothing listens on 127.0.0.1:11434)',
  );
  assert.match(local.hint!, /^Start the server \("ollama serve"\), or set OLLAMA_HOST, or run "pai init ollama/);
  const far = providerError(refused("https://does-not-exist.invalid/v1"), remote, 2);
  assert.match(far.message, /connection refused \(nothing listens on does-not-exist\.invalid:443\)$/);
  assert.match(
    far.hint!,
    /^Check the URL's host and port, your network connection and any proxy \("proxy" in config\.json\)/,
  );
});

Deno.test("providerError() names a TLS failure: an untrusted certificate, or a server that does not speak TLS", () => {
  const untrusted = providerError(
    connectionError(`${sending("https://does-not-exist.invalid/v1")}: invalid peer certificate: UnknownIssuer`),
    remote,
    2,
  );
  assert.match(
    untrusted.message,
    /: the TLS \(HTTPS\) connection failed: the server's certificate was refused \(UnknownIssuer\)$/,
  );
  assert.match(untrusted.hint!, /DENO_CERT/);
  const plain = providerError(
    connectionError(
      `${sending("https://does-not-exist.invalid/v1")}: received corrupt message of type InvalidContentType`,
    ),
    remote,
    2,
  );
  assert.match(plain.message, /: the TLS \(HTTPS\) connection failed: the server does not seem to speak TLS$/);
  assert.match(plain.hint!, /http:\/\//);
});

Deno.test("providerError() reports a timeout with what to do for a local or a remote endpoint", () => {
  const timeout = () =>
    Object.assign(
      new Error("Request timed out.", { cause: new DOMException("The signal has been aborted", "AbortError") }),
      {
        name: "Error",
      },
    );
  const local = providerError(timeout(), ollama, 2);
  assert.equal(local.message, 'No answer from ollama at "http://127.0.0.1:11434/v1": the request timed out');
  assert.match(local.hint!, /Check that the server is running and not overloaded, or raise "timeoutSeconds"/);
  assert.match(providerError(timeout(), remote, 2).hint!, /Check your network connection and any proxy/);
});

Deno.test("providerError() never prints the raw fetch chain, for a failure it knows or not", () => {
  const closed = providerError(
    connectionError(`${sending("https://does-not-exist.invalid/v1")}: connection closed before message completed`),
    remote,
    2,
  );
  assert.equal(
    closed.message,
    'No answer from openai-compatible at "https://does-not-exist.invalid/v1": the connection was closed before ' +
      "an answer came",
  );
  // Deno's own refusal (ports it never fetches from) has no deeper cause.
  const blocked = Object.assign(
    new Error("Connection error.", { cause: new TypeError("Fetch failed: Requests to port 9 are blocked") }),
    {
      name: "Error",
    },
  );
  const e = providerError(blocked, remote, 2);
  assert.equal(
    e.message,
    'Cannot reach openai-compatible at "https://does-not-exist.invalid/v1": Requests to port 9 are blocked',
  );
  for (const m of [closed.message, e.message]) {
    assert.doesNotMatch(m, /Connection error\.|fetch failed|error sending request|client error/i);
  }
});

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
  assert.equal(e.message, 'Cannot connect to ollama at "http://127.0.0.1:11434/v1": connection refused');
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

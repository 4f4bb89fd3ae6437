import assert from "node:assert/strict";
import type { PaiError } from "../core/errors.ts";
import { isLocalHost, parseProviderName, resolveProvider } from "./registry.ts";

const env = (values: Record<string, string>) => (name: string) => values[name];

Deno.test("resolveProvider() uses --base-url over the provider's variable over its default", () => {
  const e = env({ OPENAI_API_KEY: "k", OPENAI_BASE_URL: "http://from-env:1/v1" });
  assert.equal(resolveProvider({ provider: "openai", model: "m" }, { env: e }).baseUrl, "http://from-env:1/v1");
  const flagged = resolveProvider({ provider: "openai", model: "m", baseUrl: "http://flag:2/v1/" }, { env: e });
  assert.equal(flagged.baseUrl, "http://flag:2/v1");
  assert.equal(flagged.baseUrlSource, "--base-url");
  assert.equal(
    resolveProvider({ provider: "openai", model: "m" }, { env: env({ OPENAI_API_KEY: "k" }) }).baseUrl,
    "https://api.openai.com/v1",
  );
});

Deno.test("resolveProvider() reads OLLAMA_HOST the way Ollama does", () => {
  const url = (host: string) =>
    resolveProvider({ provider: "ollama", model: "m" }, { env: env({ OLLAMA_HOST: host }) }).baseUrl;
  assert.equal(url("0.0.0.0"), "http://127.0.0.1:11434/v1");
  assert.equal(url("127.0.0.1:9999"), "http://127.0.0.1:9999/v1");
  assert.equal(url("http://gpu.lan"), "http://gpu.lan/v1");
  assert.equal(url("https://ollama.example.com:8443/"), "https://ollama.example.com:8443/v1");
});

Deno.test("resolveProvider() refuses a missing key, a named key variable that is empty, and bad URLs", () => {
  assert.throws(
    () => resolveProvider({ provider: "anthropic", model: "m" }, { env: env({}) }),
    (e: PaiError) => e.message === "Cannot use anthropic: ANTHROPIC_API_KEY is not set" && e.exitCode === 4,
  );
  assert.throws(
    () =>
      resolveProvider({ provider: "openai-compatible", model: "m", baseUrl: "http://x/v1", apiKeyEnv: "ROUTER_KEY" }, {
        env: env({}),
      }),
    /ROUTER_KEY is not set/,
  );
  assert.throws(
    () => resolveProvider({ provider: "openai-compatible", model: "m" }, { env: env({}) }),
    /needs a base URL/,
  );
  assert.throws(
    () => resolveProvider({ provider: "lmstudio", model: "m", baseUrl: "ftp://x" }, { env: env({}) }),
    /only http and https/,
  );
  assert.throws(
    () => resolveProvider({ provider: "lmstudio", model: "m", baseUrl: "not a url" }, { env: env({}) }),
    /not a URL/,
  );
});

Deno.test("resolveProvider() reads the key from the variable the session names", () => {
  const p = resolveProvider(
    {
      provider: "openai-compatible",
      model: "m",
      baseUrl: "https://openrouter.ai/api/v1",
      apiKeyEnv: "OPENROUTER_API_KEY",
    },
    { env: env({ OPENROUTER_API_KEY: "or-key" }) },
  );
  assert.equal(p.apiKey, "or-key");
  assert.equal(p.locality, "remote");
});

Deno.test("isLocalHost() knows loopback and the user's local hosts, and nothing else", () => {
  for (const host of ["localhost", "127.0.0.1", "127.8.9.10", "[::1]", "app.localhost"]) {
    assert.ok(isLocalHost(host, []), host);
  }
  for (const host of ["10.0.0.5", "192.168.1.2", "127.0.0.1.nip.io", "api.openai.com", "localhost.evil.com"]) {
    assert.ok(!isLocalHost(host, []), host);
  }
  assert.ok(isLocalHost("GPU.lan", ["gpu.lan"]));
});

Deno.test("parseProviderName() lists the valid names for an unknown one", () => {
  assert.equal(parseProviderName("ollama"), "ollama");
  assert.throws(
    () => parseProviderName("olama"),
    /choose one of openai, anthropic, ollama, lmstudio, openai-compatible/,
  );
});

import assert from "node:assert/strict";
import { endpointUrl, sameEndpoint } from "./endpoint.ts";

Deno.test("endpointUrl() ignores a trailing slash, the default port and the case of scheme and host", () => {
  const pinned = "http://127.0.0.1:8080/v1";
  for (const same of ["http://127.0.0.1:8080/v1/", "HTTP://127.0.0.1:8080/v1", "http://127.0.0.1:8080/v1//"]) {
    assert.equal(endpointUrl(same), pinned, same);
  }
  assert.equal(endpointUrl("HTTPS://API.OpenAI.com:443/v1/"), "https://api.openai.com/v1");
  assert.equal(endpointUrl("http://Gpu.LAN:80"), "http://gpu.lan");
  assert.equal(endpointUrl("http://[0:0:0:0:0:0:0:1]:11434/v1"), "http://[::1]:11434/v1");
});

Deno.test("endpointUrl() keeps what changes where data goes: path case, port, scheme", () => {
  assert.notEqual(endpointUrl("http://127.0.0.1:8080/V1"), endpointUrl("http://127.0.0.1:8080/v1"));
  assert.notEqual(endpointUrl("http://127.0.0.1:8081/v1"), endpointUrl("http://127.0.0.1:8080/v1"));
  assert.notEqual(endpointUrl("https://gpu.lan/v1"), endpointUrl("http://gpu.lan/v1"));
  assert.notEqual(endpointUrl("http://gpu.lan:443/v1"), endpointUrl("https://gpu.lan/v1"));
});

Deno.test("endpointUrl() drops user:password@, the query and the fragment, which may hold secrets", () => {
  assert.equal(endpointUrl("https://me:s3cret@proxy.example/v1?key=abc#x"), "https://proxy.example/v1");
  assert.equal(endpointUrl("https://token-only@proxy.example/v1"), "https://proxy.example/v1");
});

Deno.test("sameEndpoint() compares the normalised URL and the locality, and fails closed on a broken URL", () => {
  const pinned = { baseUrl: "http://127.0.0.1:8080/v1", locality: "local" } as const;
  assert.ok(sameEndpoint(pinned, { baseUrl: "http://127.0.0.1:8080/v1/", locality: "local" }));
  assert.ok(!sameEndpoint(pinned, { baseUrl: "http://127.0.0.1:8080/v1", locality: "remote" }));
  assert.ok(!sameEndpoint(pinned, { baseUrl: "https://api.openai.com/v1", locality: "local" }));
  assert.ok(!sameEndpoint({ baseUrl: "not a url", locality: "local" }, { baseUrl: "not a url", locality: "local" }));
});

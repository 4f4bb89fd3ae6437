import assert from "node:assert/strict";
import { fakeHost } from "../_fake_host.ts";
import { URL_API, urlInside } from "./url.ts";

Deno.test("urlInside() resolves a path under the base and refuses one that leaves it", () => {
  assert.equal(urlInside("https://api.example.com/v1"), "https://api.example.com/v1");
  assert.equal(urlInside("https://api.example.com/v1", "/items?x=1"), "https://api.example.com/v1/items?x=1");
  assert.equal(urlInside("https://api.example.com/v1/", "items/2"), "https://api.example.com/v1/items/2");
  for (const path of ["../admin", "https://evil.example", "//evil.example/x", "a/../../b"]) {
    assert.equal(urlInside("https://api.example.com/v1", path), undefined, path);
  }
});

Deno.test("a url resource sends its token from its variable, granted net to its host only", () => {
  const resource = {
    name: "api",
    kind: "url" as const,
    label: "internal" as const,
    uri: "https://api.example.com/v1",
    env: "TOKEN",
  };
  const get = URL_API.read({ resource, host: fakeHost({ secrets: { TOKEN: "t0k" } }) }, { path: "items" });
  assert.ok("call" in get);
  assert.deepEqual(JSON.parse(get.call.arguments), {
    method: "GET",
    url: "https://api.example.com/v1/items",
    headers: { authorization: "Bearer t0k" },
  });
  assert.deepEqual(get.grant, { read: [], write: [], net: ["api.example.com:443"] });
  assert.deepEqual(URL_API.delete({ resource, host: fakeHost() }, {}), {
    refuse: 'The credential variable TOKEN of "api" is not set',
  });
  assert.deepEqual(URL_API.update({ resource, host: fakeHost() }, { path: "../x" }), {
    refuse: 'path "../x" must stay under https://api.example.com/v1',
  });
});

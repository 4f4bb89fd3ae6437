import assert from "node:assert/strict";
import { proxyFor } from "./proxy.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("proxyFor() reads the variables as Deno does, by scheme, with NO_PROXY exemptions", () => {
  const vars = { HTTP_PROXY: "http://p:3128", https_proxy: "http://s:3128" };
  assert.equal(proxyFor("http://127.0.0.1:8080/v1", env(vars)), "http://p:3128");
  assert.equal(proxyFor("https://api.openai.com/v1", env(vars)), "http://s:3128");
  assert.equal(proxyFor("https://api.openai.com/v1", env({ ALL_PROXY: "socks5://a:1080" })), "socks5://a:1080");
  assert.equal(proxyFor("http://x/v1", env({})), undefined);
  for (const noProxy of ["*", "127.0.0.1", "localhost,127.0.0.1:8080", ".0.0.1"]) {
    assert.equal(proxyFor("http://127.0.0.1:8080/v1", env({ ...vars, NO_PROXY: noProxy })), undefined, noProxy);
  }
  assert.equal(proxyFor("https://api.openai.com/v1", env({ ...vars, no_proxy: "openai.com" })), undefined);
  assert.equal(proxyFor("https://api.openai.com/v1", env({ ...vars, NO_PROXY: "notopenai.com" })), "http://s:3128");
});

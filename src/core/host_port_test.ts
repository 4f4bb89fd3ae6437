import assert from "node:assert/strict";
import { hostPort } from "./host_port.ts";

Deno.test("hostPort() makes the scheme's default port explicit and keeps a given one", () => {
  assert.equal(hostPort("https://api.example.com/v1"), "api.example.com:443");
  assert.equal(hostPort("http://example.com"), "example.com:80");
  assert.equal(hostPort("http://127.0.0.1:9000/bucket"), "127.0.0.1:9000");
});

import assert from "node:assert/strict";
import { REDACTED, redactSecrets, registerSecret } from "./redact.ts";

Deno.test("redactSecrets() removes the exact value of any credential-like variable", () => {
  const env = { OPENAI_API_KEY: "hunter2-long-value", MY_ROUTER_TOKEN: "tok-1234567890" };
  assert.equal(
    redactSecrets("key hunter2-long-value and tok-1234567890", env),
    `key ${REDACTED} and ${REDACTED}`,
  );
});

Deno.test("redactSecrets() removes key-shaped tokens it was never told about", () => {
  const out = redactSecrets("Incorrect API key provided: sk-proj-abcdefghijklmnop1234", {});
  assert.equal(out, `Incorrect API key provided: ${REDACTED}`);
  assert.equal(redactSecrets("Authorization: Bearer abcdefghijklmnopqrstu", {}), `Authorization: ${REDACTED}`);
});

Deno.test("redactSecrets() leaves ordinary text, other variables and short values alone", () => {
  assert.equal(
    redactSecrets("ask the desk at /home/u", { OPENAI_API_KEY: "desk", HOME: "/home/u" }),
    "ask the desk at /home/u",
  );
});

Deno.test("redactSecrets() always removes a configured key, however short and whatever its variable is named", () => {
  registerSecret("abc12");
  registerSecret("xK9");
  assert.equal(
    redactSecrets("Incorrect API key provided: abc12; also xK9", { ROUTER: "abc12" }),
    `Incorrect API key provided: ${REDACTED}; also ${REDACTED}`,
  );
});

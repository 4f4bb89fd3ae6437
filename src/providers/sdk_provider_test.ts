import assert from "node:assert/strict";
import { withoutEnvHeaders } from "./sdk_provider.ts";

Deno.test("withoutEnvHeaders() names every header of the SDK's variable with null, and nothing when it is unset", () => {
  const env = (values: Record<string, string>) => (name: string) => values[name];
  assert.deepEqual(
    withoutEnvHeaders("X_HEADERS", env({ X_HEADERS: "X-Team: a\nAuthorization:  Bearer t\n\nbad line\n: empty" })),
    { "X-Team": null, "Authorization": null },
  );
  assert.deepEqual(withoutEnvHeaders("X_HEADERS", env({})), {});
});

import assert from "node:assert/strict";
import type { Session } from "../store/sessions.ts";
import { checkEndpoint } from "./endpoint_pin.ts";

/** A session from before endpoint pinning. */
const UNPINNED: Session = {
  id: "s1",
  provider: "openai",
  model: "m",
  baseUrl: null,
  apiKeyEnv: null,
  systemRole: "system",
  locality: "auto",
  pinned: null,
  roles: {},
  name: null,
  mode: "chat",
  createdAt: "2025-01-01T00:00:00.000Z",
  updatedAt: "2025-01-01T00:00:00.000Z",
};
const LOOPBACK = "http://127.0.0.1:8080/v1";

Deno.test("checkEndpoint() holds an unpinned session to the URL and locality its typed start row names", () => {
  const start = { baseUrl: LOOPBACK, locality: "local" } as const;
  assert.equal(checkEndpoint(UNPINNED, { baseUrl: LOOPBACK, locality: "local" }, start).kind, "unpinned");
  assert.deepEqual(checkEndpoint(UNPINNED, { baseUrl: LOOPBACK, locality: "remote" }, start), {
    kind: "drift",
    expected: start,
    now: { baseUrl: LOOPBACK, locality: "remote" },
  });
  assert.equal(checkEndpoint(UNPINNED, { baseUrl: "http://127.0.0.1:9/v1", locality: "local" }, start).kind, "drift");
});

Deno.test("checkEndpoint() holds an unpinned session to the URL only that an old start row names", () => {
  const start = { baseUrl: LOOPBACK };
  assert.equal(checkEndpoint(UNPINNED, { baseUrl: LOOPBACK, locality: "remote" }, start).kind, "unpinned");
  assert.deepEqual(checkEndpoint(UNPINNED, { baseUrl: "https://api.openai.com/v1", locality: "remote" }, start), {
    kind: "drift",
    expected: { baseUrl: LOOPBACK },
    now: { baseUrl: "https://api.openai.com/v1", locality: "remote" },
  });
  assert.equal(checkEndpoint(UNPINNED, { baseUrl: LOOPBACK, locality: "local" }).kind, "unpinned");
});

/** A grant for sandbox tests: nothing allowed unless the test says so. */
import type { Grant } from "../../src/core/types.ts";

export function testGrant(over: Partial<Grant> = {}): Grant {
  return {
    read: [],
    write: [],
    net: [],
    denyRead: [],
    denyWrite: [],
    env: {},
    timeoutMs: 10_000,
    memoryMb: 128,
    outputBytes: 1024 * 1024,
    reason: "test",
    ...over,
  };
}

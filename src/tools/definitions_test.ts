import assert from "node:assert/strict";
import definitions from "./definitions.json" with { type: "json" };
import { liveDefinitions } from "./write_definitions.ts";

Deno.test("definitions.json matches the tools' zod schemas (run `deno task tool-schemas` after changing one)", () => {
  assert.deepEqual(definitions, liveDefinitions());
});

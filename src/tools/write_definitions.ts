/**
 * Writes `definitions.json`: the tools as the model sees them, generated from
 * the zod schemas so that prompt and chat need not import zod (~16 ms) until
 * a tool is actually called. `deno task tool-schemas`; a test fails when the
 * file is stale.
 */
import { z } from "zod";
import { type GeneratedDefinition, offerOf } from "./manifest.ts";
import { TOOLS } from "./registry.ts";

/** The definitions, computed from the manifests, each with what decides which modes are offered it. */
export function liveDefinitions(): GeneratedDefinition[] {
  return TOOLS.filter((t) => !t.internal).map((t) => ({
    name: t.name,
    description: t.description,
    parameters: z.toJSONSchema(t.schema, { io: "input" }) as Record<string, unknown>,
    offer: offerOf(t),
  }));
}

if (import.meta.main) {
  const path = new URL("./definitions.json", import.meta.url);
  await Deno.writeTextFile(path, `${JSON.stringify(liveDefinitions(), null, 2)}\n`);
  console.log(`Wrote ${decodeURIComponent(path.pathname)}`);
}

/**
 * Writes `definitions.json`: each built-in tool as the model sees it, with the JSON Schema of its arguments that
 * every call is checked against (`args_check.ts`), generated from the zod schemas (`tool_schemas.ts`) so that no
 * run loads zod for its tools. Internal tools (reached through resources) are in it too, marked, never offered.
 * `deno task tool-schemas`; a test fails when the file is stale.
 */
import { z } from "zod";
import { type GeneratedDefinition, offerOf } from "./manifest.ts";
import { TOOLS } from "./registry.ts";
import { TOOL_SCHEMAS } from "./tool_schemas.ts";

/** The definitions, computed from the manifests and their schemas. */
export function liveDefinitions(): GeneratedDefinition[] {
  return TOOLS.map((t) => {
    const schema = TOOL_SCHEMAS[t.name];
    if (!schema) throw new Error(`${t.name} has no schema in tool_schemas.ts`);
    return {
      name: t.name,
      description: t.description,
      parameters: z.toJSONSchema(schema, { io: "input" }) as Record<string, unknown>,
      offer: offerOf(t),
      ...(t.internal ? { internal: true as const } : {}),
    };
  });
}

if (import.meta.main) {
  const path = new URL("./definitions.json", import.meta.url);
  await Deno.writeTextFile(path, `${JSON.stringify(liveDefinitions(), null, 2)}\n`);
  console.log(`Wrote ${decodeURIComponent(path.pathname)}`);
}

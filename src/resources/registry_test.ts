import assert from "node:assert/strict";
import { loadResources } from "./registry.ts";

Deno.test("loadResources() reads resources.json with comments, as policy.json is read", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(
      `${dir}/resources.json`,
      `// my data\n{ "resources": [\n  /* the shopping list */\n  { "name": "todo", "kind": "note", "label": "internal" } // a note\n] }\n`,
    );
    assert.deepEqual((await loadResources(dir)).map((r) => r.name), ["todo"]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

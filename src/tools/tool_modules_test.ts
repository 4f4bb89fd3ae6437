import assert from "node:assert/strict";
import { lazyImport } from "../core/lazy_import.ts";
import { FS_READ } from "./fs_tools.ts";
import { TOOLS } from "./registry.ts";
import { RESOURCE_READ } from "./resource_tools.ts";
import { TOOL_MODULES } from "./tool_modules.ts";
import { ToolRegistry } from "./tool_registry.ts";

Deno.test("TOOL_MODULES names, for every built-in tool and no other, the module and export of its manifest", async () => {
  assert.deepEqual(Object.keys(TOOL_MODULES).sort(), TOOLS.map((t) => t.name).sort());
  for (const tool of TOOLS) {
    const [module, exported] = TOOL_MODULES[tool.name];
    const found = (await lazyImport<Record<string, unknown>>(`./${module}`, import.meta.url))[exported];
    assert.equal(found, tool, `${tool.name}: ${module} exports it as ${exported}`);
  }
});

Deno.test("ToolRegistry.find() gives a built-in's manifest from its module, and nothing for a name that is none", async () => {
  const registry = new ToolRegistry({ toolsDir: "/nowhere" });
  assert.equal(await registry.find("fs_read"), FS_READ);
  assert.equal(await registry.find("resource_read"), RESOURCE_READ);
  for (const name of ["constructor", "__proto__", "toString", "fs_reader"]) {
    assert.equal(await registry.find(name), undefined);
  }
});

Deno.test("a built-in tool is marked npm exactly when its program imports an npm package (it needs the lockfile)", () => {
  const folder = new URL("../../tools/", import.meta.url);
  // The programs import each other only by relative path, and only the helpers (`_*.ts`) that import no npm package.
  const npmImporters = [...Deno.readDirSync(folder)].map((e) => e.name)
    .filter((name) => name.endsWith(".ts") && !name.endsWith("_test.ts"))
    .filter((name) => /from\s+["']npm:/.test(Deno.readTextFileSync(new URL(name, folder))));
  assert.ok(npmImporters.every((name) => !name.startsWith("_")), `helpers import npm: ${npmImporters}`);
  const marked = TOOLS.filter((t) => t.npm).map((t) => t.program);
  assert.deepEqual(marked.sort(), npmImporters.sort());
});

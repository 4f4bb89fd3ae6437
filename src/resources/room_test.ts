/**
 * The room rule of ARCHITECTURE.md: `src/resources/` does not import `src/tools/` (the resource tools use the
 * backends, never the other way round). Read from the sources, so a type-only import counts too.
 */
import assert from "node:assert/strict";

/** What a module names after `from`, `import`, `import(…)` or `lazyImport(…)` (comments included: stricter). */
const SPECIFIER = /\b(?:from|import|lazyImport(?:<[^>]*>)?)\s*\(?\s*["']([^"']+)["']/g;

/** The specifiers in `source` that lead into `toolsDir`, resolved from the module at `file`. */
function toolImports(source: string, file: URL, toolsDir: URL): string[] {
  return [...source.matchAll(SPECIFIER)].map((m) => m[1]).filter((specifier) => {
    const resolved = new URL(specifier, file);
    return /(^|\/)src\/tools\//.test(specifier) ||
      (resolved.protocol === "file:" && resolved.pathname.startsWith(toolsDir.pathname));
  });
}

/** Every `.ts` file under `dir` that imports from `toolsDir`, with what it imports (this file's samples aside). */
function violations(dir: URL, toolsDir: URL): string[] {
  const found: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    const url = new URL(entry.isDirectory ? `${entry.name}/` : entry.name, dir);
    if (entry.isDirectory) found.push(...violations(url, toolsDir));
    else if (entry.name.endsWith(".ts") && url.href !== import.meta.url) {
      found.push(...toolImports(Deno.readTextFileSync(url), url, toolsDir).map((s) => `${url.pathname}: ${s}`));
    }
  }
  return found;
}

const RESOURCES = new URL("./", import.meta.url);
const TOOLS = new URL("../tools/", import.meta.url);

Deno.test("no module in src/resources imports src/tools, not even a type", () => {
  assert.deepEqual(violations(RESOURCES, TOOLS), []);
});

Deno.test("the room check catches every way of importing src/tools, and nothing else", () => {
  const file = new URL("backends/x.ts", RESOURCES);
  const caught = [
    `import type { ToolManifest } from "../../tools/manifest.ts";`,
    `import {\n  hostPort,\n} from "../../tools/net_tools.ts";`,
    `export { RESOURCE_TOOLS } from '../../tools/resource_tools.ts';`,
    `const m = await import("../../tools/registry.ts");`,
    `import "../../tools/registry.ts";`,
    `lazyImport<typeof m>("../../tools/registry.ts", import.meta.url)`,
    `import { x } from "${new URL("registry.ts", TOOLS).href}";`,
    `import { x } from "/elsewhere/src/tools/registry.ts";`,
  ];
  for (const source of caught) assert.equal(toolImports(source, file, TOOLS).length, 1, source);
  const allowed = [
    `import type { Resource } from "../../core/types.ts";`,
    `import { z } from "zod";`,
    `import assert from "node:assert/strict";`,
    `import { BACKENDS } from "../backends.ts";`,
    // The tool programs' folder (top level) is not src/tools.
    `const program = "../../../tools/s3_object.ts";`,
  ];
  for (const source of allowed) assert.deepEqual(toolImports(source, file, TOOLS), [], source);
});

Deno.test("the room check finds an import planted in a copy of the room", () => {
  const root = Deno.makeTempDirSync();
  try {
    Deno.mkdirSync(`${root}/src/resources/backends`, { recursive: true });
    Deno.mkdirSync(`${root}/src/tools`);
    Deno.writeTextFileSync(`${root}/src/resources/backend.ts`, `import type { Resource } from "../core/types.ts";\n`);
    Deno.writeTextFileSync(
      `${root}/src/resources/backends/planted.ts`,
      `import type { ToolManifest } from "../../tools/manifest.ts";\n`,
    );
    const found = violations(new URL(`file://${root}/src/resources/`), new URL(`file://${root}/src/tools/`));
    assert.deepEqual(found, [`${root}/src/resources/backends/planted.ts: ../../tools/manifest.ts`]);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { lazyImport } from "./lazy_import.ts";

Deno.test("lazyImport() resolves a relative specifier against its base, and a bare one through the import map", async () => {
  const paths = await lazyImport<typeof import("./paths.ts")>("./paths.ts", import.meta.url);
  assert.equal(paths.join("a", "b"), "a/b");
  const stricli = await lazyImport<typeof import("@stricli/core")>("@stricli/core");
  assert.equal(typeof stricli.buildApplication, "function");
});

Deno.test("src/ has no literal dynamic import of its own modules or npm packages (Deno would walk it at start-up)", () => {
  const offenders: string[] = [];
  const walk = (dir: URL) => {
    for (const entry of Deno.readDirSync(dir)) {
      const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
      if (entry.isDirectory) walk(url);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) {
        const lines = Deno.readTextFileSync(url).split("\n");
        lines.forEach((line, i) => {
          // Types (`typeof import("…")`) are never loaded, and Deno's own node: modules cost nothing to walk.
          if (/(?<!typeof )\bimport\("(?!node:)/.test(line) && !/^\s*(\*|\/\*|\/\/)/.test(line)) {
            offenders.push(`${url.pathname}:${i + 1}: ${line.trim()}`);
          }
        });
      }
    }
  };
  walk(new URL("../", import.meta.url));
  assert.deepEqual(offenders, [], "use lazyImport() (src/core/lazy_import.ts) instead");
});

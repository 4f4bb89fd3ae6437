import assert from "node:assert/strict";
import { lazyImport } from "./lazy_import.ts";

Deno.test("lazyImport() resolves a relative specifier against its base, and a bare one through the import map", async () => {
  const paths = await lazyImport<typeof import("./paths.ts")>("./paths.ts", import.meta.url);
  assert.equal(paths.join("a", "b"), "a/b");
  const stricli = await lazyImport<typeof import("@stricli/core")>("@stricli/core");
  assert.equal(typeof stricli.buildApplication, "function");
});

/** Each line of src/'s modules (tests left out) that `offends`, with where it is. */
function sourceLines(offends: (line: string) => boolean): string[] {
  const offenders: string[] = [];
  const walk = (dir: URL) => {
    for (const entry of Deno.readDirSync(dir)) {
      const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
      if (entry.isDirectory) walk(url);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) {
        Deno.readTextFileSync(url).split("\n").forEach((line, i) => {
          if (offends(line)) offenders.push(`${url.pathname}:${i + 1}: ${line.trim()}`);
        });
      }
    }
  };
  walk(new URL("../", import.meta.url));
  return offenders;
}

Deno.test("src/ has no literal dynamic import of its own modules or npm packages (Deno would walk it at start-up)", () => {
  // Types (`typeof import("…")`) are never loaded, and Deno's own node: modules cost nothing to walk.
  const offenders = sourceLines((line) =>
    /(?<!typeof )\bimport\("(?!node:)/.test(line) && !/^\s*(\*|\/\*|\/\/)/.test(line)
  );
  assert.deepEqual(offenders, [], "use lazyImport() (src/core/lazy_import.ts) instead");
});

Deno.test("src/ imports node:crypto only lazily (~31 ms to load; the audit walk and `where` load it to hash)", () => {
  const offenders = sourceLines((line) => /^import .* from "node:crypto";/.test(line));
  assert.deepEqual(offenders, [], 'use lazyImport<typeof import("node:crypto")>("node:crypto"), or take a hasher');
});

import assert from "node:assert/strict";
import { policyFolders } from "./protected_paths.ts";

Deno.test("policyFolders() finds where a symlinked .pai at or above the workspace leads", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "pai_named_" }));
  try {
    Deno.mkdirSync(`${root}/project/ws/.pai`, { recursive: true });
    Deno.mkdirSync(`${root}/conf`);
    Deno.symlinkSync(`${root}/conf`, `${root}/project/.pai`);
    // The workspace's own .pai is a folder: its name says it, no entry needed.
    assert.deepEqual(await policyFolders(`${root}/project/ws`), [`${root}/conf`]);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { namedFolders } from "./protected_paths.ts";

Deno.test("namedFolders() finds a symlinked .pai and the folder a .git file names, at and above the workspace", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "pai_named_" }));
  try {
    Deno.mkdirSync(`${root}/project/ws`, { recursive: true });
    Deno.mkdirSync(`${root}/conf`);
    Deno.mkdirSync(`${root}/repo-data`);
    Deno.symlinkSync(`${root}/conf`, `${root}/project/.pai`);
    Deno.writeTextFileSync(`${root}/project/ws/.git`, "gitdir: ../../repo-data\n");
    const found = await namedFolders(`${root}/project/ws`);
    assert.deepEqual(found, { pai: [`${root}/conf`], git: [`${root}/repo-data`] });
    // Ordinary folders by those names need no entry: their name says it.
    Deno.removeSync(`${root}/project/ws/.git`);
    Deno.mkdirSync(`${root}/project/ws/.git`);
    assert.deepEqual(await namedFolders(`${root}/project/ws`), { pai: [`${root}/conf`], git: [] });
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

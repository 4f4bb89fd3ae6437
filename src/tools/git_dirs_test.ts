import assert from "node:assert/strict";
import { gitDirectoriesReached } from "./git_dirs.ts";

Deno.test("gitDirectoriesReached() finds repositories by their contents, and the write that would complete one", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "pai_gitdirs_" }));
  try {
    // A separate git dir with no ".git" in its path, as `git init --separate-git-dir` makes.
    Deno.mkdirSync(`${root}/a-gitdir/objects`, { recursive: true });
    Deno.mkdirSync(`${root}/a-gitdir/refs`);
    Deno.writeTextFileSync(`${root}/a-gitdir/HEAD`, "ref: refs/heads/main\n");
    assert.deepEqual(await gitDirectoriesReached([`${root}/a-gitdir/config`]), [`${root}/a-gitdir`]);
    assert.deepEqual(await gitDirectoriesReached([`${root}/a-gitdir/hooks/pre-commit`]), [`${root}/a-gitdir`]);
    // A bare repository built file by file: the write that completes HEAD + objects/ + refs/ counts.
    Deno.mkdirSync(`${root}/b/objects/info`, { recursive: true });
    Deno.writeTextFileSync(`${root}/b/HEAD`, "ref: refs/heads/main\n");
    assert.deepEqual(await gitDirectoriesReached([`${root}/b/objects/info/x`]), []);
    assert.deepEqual(await gitDirectoriesReached([`${root}/b/refs/heads/main`]), [`${root}/b`]);
    // Ordinary folders, and a file merely called HEAD, are not repositories.
    Deno.mkdirSync(`${root}/docs`);
    assert.deepEqual(await gitDirectoriesReached([`${root}/docs/HEAD`, `${root}/docs/notes.md`]), []);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

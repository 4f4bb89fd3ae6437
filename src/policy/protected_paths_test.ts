import assert from "node:assert/strict";
import { policyFolders, untouchable } from "./protected_paths.ts";

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

Deno.test("untouchable() names .env files and the secrets, .netrc itself included, wherever a path leads", () => {
  const pai = { configDir: "/h/.config/pai", dataDir: "/h/.local/share/pai", cacheDir: "/h/.cache/pai" };
  assert.deepEqual(untouchable(["/w/notes.md", "/w/.env.local"], "/h", pai), { kind: "env" });
  assert.deepEqual(untouchable(["/w/setup.md", "/h/.netrc"], "/h", pai), { kind: "secret", folder: "/h/.netrc" });
  assert.deepEqual(untouchable(["/h/.ssh/config"], "/h", pai), { kind: "secret", folder: "/h/.ssh" });
  assert.equal(untouchable(["/h/.sshd/config", "/w/notes.md"], "/h", pai), undefined);
});

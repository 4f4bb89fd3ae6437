import assert from "node:assert/strict";
import { realPathOf, resolveNeeds } from "./resolve_paths.ts";

Deno.test("resolveNeeds() grants the target of a symlink, not the link", async () => {
  const root = await Deno.realPath(Deno.makeTempDirSync());
  try {
    Deno.mkdirSync(`${root}/ws`);
    Deno.mkdirSync(`${root}/outside`);
    Deno.writeTextFileSync(`${root}/outside/secret`, "x");
    Deno.symlinkSync(`${root}/outside/secret`, `${root}/ws/link`);
    Deno.symlinkSync(`${root}/outside`, `${root}/ws/dirlink`);
    const r = await resolveNeeds(
      { read: ["link", "dirlink/../ws/x", "../outside/secret"], write: [], net: [] },
      `${root}/ws`,
    );
    assert.deepEqual(r.read, [`${root}/outside/secret`, `${root}/ws/x`]);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("resolveNeeds() grants a new file's top-most new folder, resolved through existing symlinks", async () => {
  const root = await Deno.realPath(Deno.makeTempDirSync());
  try {
    Deno.mkdirSync(`${root}/ws`);
    Deno.mkdirSync(`${root}/elsewhere`);
    Deno.symlinkSync(`${root}/elsewhere`, `${root}/ws/out`);
    const r = await resolveNeeds({ read: [], write: ["new/dir/a.md", "out/b.md", "c.md"], net: [] }, `${root}/ws`);
    assert.deepEqual(r.write, [`${root}/ws/new`, `${root}/elsewhere/b.md`, `${root}/ws/c.md`]);
    assert.equal(r.real.get("new/dir/a.md"), `${root}/ws/new/dir/a.md`);
    assert.deepEqual(await realPathOf(`${root}/ws/new/../c.md`), {
      real: `${root}/ws/c.md`,
      firstMissing: `${root}/ws/c.md`,
    });
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

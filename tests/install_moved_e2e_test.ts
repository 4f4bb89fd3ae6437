/** End to end: the installed `pai` runs PAI from its clone; once the clone is gone it says so, and what to run. */
import assert from "node:assert/strict";
import { makePaiHome, paiEnv, ROOT } from "./helpers/run_pai.ts";

Deno.test("the installed pai names deno task install when the clone it was installed from has moved", async () => {
  const home = makePaiHome();
  try {
    // A clone of its own, so that the test can move it.
    const clone = `${home.dir}/clone`;
    Deno.mkdirSync(clone);
    for (const part of ["src", "tools"]) {
      const copy = await new Deno.Command("cp", { args: ["-R", `${ROOT}${part}`, `${clone}/${part}`] }).output();
      assert.equal(copy.code, 0, new TextDecoder().decode(copy.stderr));
    }
    for (const file of ["deno.json", "deno.lock"]) Deno.copyFileSync(`${ROOT}${file}`, `${clone}/${file}`);
    const root = `${home.dir}/install-root`;
    const env = paiEnv(home, {
      DENO_INSTALL_ROOT: root,
      PATH: `${Deno.execPath().replace(/\/[^/]+$/, "")}:/usr/bin:/bin`,
    });
    const install = await new Deno.Command(Deno.execPath(), {
      args: ["task", "install"],
      cwd: clone,
      clearEnv: true,
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(install.code, 0, new TextDecoder().decode(install.stderr));
    assert.match(new TextDecoder().decode(install.stdout), /run "deno task install" again if you move it/);
    const pai = () =>
      new Deno.Command(`${root}/bin/pai`, {
        args: ["--version"],
        cwd: home.dir,
        clearEnv: true,
        env,
        stdout: "piped",
        stderr: "piped",
      })
        .output();
    assert.equal((await pai()).code, 0, "it runs while the clone is there");

    Deno.renameSync(clone, `${home.dir}/moved`);
    const gone = await pai();
    assert.equal(gone.code, 1);
    assert.equal(
      new TextDecoder().decode(gone.stderr),
      `pai: this pai runs PAI from "${clone}", which is gone (moved or deleted); run "deno task install" in your ` +
        "clone of PAI to install it again\n",
    );
  } finally {
    home.cleanup();
  }
});

/** End to end: `deno task install` gives a global `pai` that works from any directory. */
import assert from "node:assert/strict";
import { FakeModelServer } from "./fakes/fake_model_server.ts";
import { makePaiHome, paiEnv, ROOT, TLS_TRUST } from "./helpers/run_pai.ts";
import { startPostgres } from "./helpers/postgres.ts";

const withoutTlsTrust = (env: Record<string, string>) =>
  Object.fromEntries(Object.entries(env).filter(([name]) => !(name in TLS_TRUST)));

Deno.test("deno task install honours DENO_INSTALL_ROOT and the installed pai runs from another directory", async () => {
  const home = makePaiHome();
  const server = FakeModelServer.start({ models: ["llama-local"] });
  try {
    const root = `${home.dir}/install-root`;
    const install = await new Deno.Command(Deno.execPath(), {
      args: ["task", "install"],
      cwd: ROOT,
      clearEnv: true,
      env: paiEnv(home, { DENO_INSTALL_ROOT: root }),
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(install.code, 0, new TextDecoder().decode(install.stderr));
    const workspace = `${home.dir}/some/project`;
    Deno.mkdirSync(workspace, { recursive: true });
    const pai = (args: string[]) =>
      new Deno.Command(`${root}/bin/pai`, {
        args,
        cwd: workspace,
        clearEnv: true,
        // The installed script calls `deno` from PATH, as a user's shell would. Without the machine's TLS trust,
        // Deno cannot reach the npm registry: the installed pai must need nothing from it once installed.
        env: withoutTlsTrust(paiEnv(home, {
          OLLAMA_HOST: server.url,
          PATH: `${Deno.execPath().replace(/\/[^/]+$/, "")}:/usr/bin:/bin`,
        })),
        stdout: "piped",
        stderr: "piped",
      }).output();
    const version = await pai(["--version"]);
    assert.equal(
      new TextDecoder().decode(version.stdout).trim(),
      (await import("../deno.json", { with: { type: "json" } })).default.version,
    );
    const init = await pai(["init", "ollama", "--model", "llama-local"]);
    assert.equal(init.code, 0, new TextDecoder().decode(init.stderr));
    const answer = await pai(["prompt", "from anywhere"]);
    assert.equal(
      new TextDecoder().decode(answer.stdout),
      "echo: from anywhere\n",
      new TextDecoder().decode(answer.stderr),
    );
  } finally {
    await server.close();
    home.cleanup();
  }
});

Deno.test("on a machine that never ran PAI (an empty Deno cache), the installed pai queries PostgreSQL", async () => {
  const home = makePaiHome();
  const denoDir = await Deno.makeTempDir({ prefix: "pai_fresh_deno_" });
  const pg = await startPostgres();
  try {
    const root = `${home.dir}/install-root`;
    // The install resolves everything from the registry into the empty cache, the tools' driver included.
    const install = await new Deno.Command(Deno.execPath(), {
      args: ["task", "install"],
      cwd: ROOT,
      clearEnv: true,
      env: paiEnv(home, { DENO_INSTALL_ROOT: root, DENO_DIR: denoDir }),
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(install.code, 0, new TextDecoder().decode(install.stderr));
    await pg.psql("CREATE DATABASE crm");
    await pg.psql("CREATE TABLE clients (name text); INSERT INTO clients VALUES ('acme')", "crm");
    const pai = (args: string[]) =>
      new Deno.Command(`${root}/bin/pai`, {
        args,
        cwd: home.dir,
        clearEnv: true,
        // No TLS trust: nothing may come from the registry once installed.
        env: withoutTlsTrust(paiEnv(home, {
          DENO_DIR: denoDir,
          CRM_DATABASE_URL: pg.url("crm"),
          PATH: `${Deno.execPath().replace(/\/[^/]+$/, "")}:/usr/bin:/bin`,
        })),
        stdout: "piped",
        stderr: "piped",
      }).output();
    const add = await pai(["resource", "add", "crm", "--kind", "postgres", "--env", "CRM_DATABASE_URL"]);
    assert.equal(add.code, 0, new TextDecoder().decode(add.stderr));
    const got = await pai(["resource", "get", "crm", "clients"]);
    assert.equal(got.code, 0, new TextDecoder().decode(got.stderr));
    assert.match(new TextDecoder().decode(got.stdout), /acme/);
  } finally {
    await pg.stop();
    Deno.removeSync(denoDir, { recursive: true });
    home.cleanup();
  }
});

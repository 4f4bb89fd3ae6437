/** End to end: `deno task install` gives a global `pai` that works from any directory, on a fresh machine too. */
import assert from "node:assert/strict";
import { FakeModelServer } from "./fakes/fake_model_server.ts";
import { makePaiHome, paiEnv, type PaiHome, ROOT, TLS_TRUST } from "./helpers/run_pai.ts";
import { startPostgres } from "./helpers/postgres.ts";

const decoder = new TextDecoder();

/** Runs `deno task install` into `$DENO_INSTALL_ROOT=<home>/install-root`; returns the installed `pai`'s path. */
async function install(home: PaiHome, env: Record<string, string> = {}): Promise<string> {
  const root = `${home.dir}/install-root`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "install"],
    cwd: ROOT,
    clearEnv: true,
    env: paiEnv(home, { DENO_INSTALL_ROOT: root, ...env }),
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, decoder.decode(out.stderr));
  return `${root}/bin/pai`;
}

/**
 * Runs the installed `pai` as a user's shell would: `deno` from PATH, and without the machine's TLS trust, so that
 * Deno cannot reach the npm registry: the installed pai must need nothing from it once installed.
 */
function installed(pai: string, home: PaiHome, options: { cwd: string; env: Record<string, string> }) {
  const env = paiEnv(home, { PATH: `${Deno.execPath().replace(/\/[^/]+$/, "")}:/usr/bin:/bin`, ...options.env });
  return async (args: string[]) => {
    const out = await new Deno.Command(pai, {
      args,
      cwd: options.cwd,
      clearEnv: true,
      env: Object.fromEntries(Object.entries(env).filter(([name]) => !(name in TLS_TRUST))),
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
  };
}

Deno.test("deno task install honours DENO_INSTALL_ROOT and the installed pai runs from another directory", async () => {
  const home = makePaiHome();
  const server = FakeModelServer.start({ models: ["llama-local"] });
  try {
    const workspace = `${home.dir}/some/project`;
    Deno.mkdirSync(workspace, { recursive: true });
    const pai = installed(await install(home), home, { cwd: workspace, env: { OLLAMA_HOST: server.url } });
    const version = await pai(["--version"]);
    assert.equal(
      version.stdout.trim(),
      (await import("../deno.json", { with: { type: "json" } })).default.version,
    );
    const init = await pai(["init", "ollama", "--model", "llama-local"]);
    assert.equal(init.code, 0, init.stderr);
    const answer = await pai(["prompt", "from anywhere"]);
    assert.equal(answer.stdout, "echo: from anywhere\n", answer.stderr);
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
    // The install resolves everything from the registry into the empty cache, the tools' driver included.
    const path = await install(home, { DENO_DIR: denoDir });
    await pg.psql("CREATE DATABASE crm");
    await pg.psql("CREATE TABLE clients (name text); INSERT INTO clients VALUES ('acme')", "crm");
    const pai = installed(path, home, { cwd: home.dir, env: { DENO_DIR: denoDir, CRM_DATABASE_URL: pg.url("crm") } });
    const add = await pai(["resource", "add", "crm", "--kind", "postgres", "--env", "CRM_DATABASE_URL"]);
    assert.equal(add.code, 0, add.stderr);
    const got = await pai(["resource", "get", "crm", "clients"]);
    assert.equal(got.code, 0, got.stderr);
    assert.match(got.stdout, /acme/);
  } finally {
    await pg.stop();
    Deno.removeSync(denoDir, { recursive: true });
    home.cleanup();
  }
});

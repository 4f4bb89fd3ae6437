/**
 * End to end against a real PostgreSQL on 127.0.0.1: a postgres resource read and changed by the model, read-only
 * enforced by the database itself, and the error paths (wrong credentials, query error, server down).
 */
import assert from "node:assert/strict";
import { startPostgres } from "./helpers/postgres.ts";
import { runPai } from "./helpers/run_pai.ts";
import { openaiSession } from "./helpers/session.ts";
import { call, makeWorkspace, runMode, sentToModel } from "./helpers/workspace.ts";

Deno.test("postgres: the model reads and changes a registered database; the database enforces read-only; errors are clear", async () => {
  const pg = await startPostgres();
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    await pg.psql("CREATE DATABASE crm");
    await pg.psql("CREATE TABLE clients (name text); CREATE SEQUENCE ids; INSERT INTO clients VALUES ('acme')", "crm");
    s.env.CRM_DATABASE_URL = pg.url("crm");
    s.env.CRM_WRONG_URL = pg.url("crm", "not-the-password");
    const add = (name: string, variable: string) =>
      runPai(["resource", "add", name, "--kind", "postgres", "--env", variable], { home: s.home, env: s.env });
    assert.equal((await add("crm", "CRM_DATABASE_URL")).code, 0);
    assert.equal((await add("wrong", "CRM_WRONG_URL")).code, 0);

    const agent = await runMode(s, w, [
      call("resource_read", { name: "crm" }),
      call("resource_update", { name: "crm", query: "INSERT INTO clients VALUES ('globex')" }),
      call("sql_query", { resource: "crm", sql: "SELECT name FROM clients ORDER BY name" }),
      call("resource_read", { name: "crm", query: "SELECT nope FROM clients" }),
      call("resource_read", { name: "wrong" }),
      { text: "ok" },
    ]);
    assert.deepEqual(
      agent.json.steps.map((x) => x.ok),
      [true, true, true, false, false],
      JSON.stringify(agent.json.steps),
    );
    assert.match(agent.json.steps[0].sentToModel, /"table_name":"clients"/);
    assert.match(agent.json.steps[2].sentToModel, /"rows":\[\{"name":"acme"\},\{"name":"globex"\}\]/);
    assert.match(agent.json.steps[3].sentToModel, /invalid_input.*column \\"nope\\" does not exist.*SQLSTATE 42703/);
    assert.match(agent.json.steps[4].sentToModel, /permission_denied.*refused the credentials/);

    // prompt mode: reads only, and a write hidden in a read (nextval) meets a READ ONLY transaction.
    const prompt = await runMode(s, w, [
      call("resource_read", { name: "crm", query: "SELECT nextval('ids')" }),
      call("resource_update", { name: "crm", query: "DELETE FROM clients" }),
      { text: "ok" },
    ], ["prompt"]);
    assert.deepEqual(prompt.json.steps.map((x) => x.ok), [false, false]);
    assert.match(prompt.json.steps[0].sentToModel, /read-only transaction/);
    assert.equal((await pg.psql("SELECT count(*) FROM clients", "crm")).trim(), "2");

    assert.ok(!sentToModel(s).includes(pg.url("crm")), "the connection string never reached the model");
    const direct = await runPai(["resource", "get", "crm", "clients"], { home: s.home, env: s.env });
    assert.deepEqual(JSON.parse(direct.stdout), [{ name: "acme" }, { name: "globex" }]);
    await pg.stop();
    const down = await runMode(s, w, [call("resource_read", { name: "crm" }), { text: "ok" }]);
    assert.match(down.json.steps[0].sentToModel, /network_error.*Cannot reach the database/);
  } finally {
    await pg.stop().catch(() => {});
    w.cleanup();
    await s.close();
  }
});

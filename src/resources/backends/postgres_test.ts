import assert from "node:assert/strict";
import { fakeHost } from "../_fake_host.ts";
import { pgHost, POSTGRES } from "./postgres.ts";

Deno.test("pgHost() is the connection string's host:port, 5432 unless it says otherwise", () => {
  assert.equal(pgHost("postgres://app:pw@127.0.0.1/app"), "127.0.0.1:5432");
  assert.equal(pgHost("postgresql://db.internal:6543/app"), "db.internal:6543");
  assert.equal(pgHost("not a url"), undefined);
});

Deno.test("a postgres read runs one read-only statement with the connection string from its variable", () => {
  const resource = { name: "crm", kind: "postgres" as const, label: "private" as const, env: "CRM_URL" };
  const host = fakeHost({ secrets: { CRM_URL: "postgres://app:pw@127.0.0.1:5433/app" } });
  const read = POSTGRES.read({ resource, host }, { query: "SELECT 1" });
  assert.ok("call" in read);
  assert.deepEqual([read.call.name, read.grant.net], ["pg_query", ["127.0.0.1:5433"]]);
  assert.deepEqual(POSTGRES.read({ resource, host }, { query: "DELETE FROM t" }), {
    refuse: "resource_read runs read-only statements; use resource_update",
  });
  assert.deepEqual(POSTGRES.update({ resource, host }, {}), { refuse: "give one SQL statement (query)" });
  assert.deepEqual(POSTGRES.read({ resource, host: fakeHost() }, {}), {
    refuse: 'The connection variable CRM_URL of "crm" is not set',
  });
});

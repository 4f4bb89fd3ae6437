import assert from "node:assert/strict";
import { fakeHost } from "../_fake_host.ts";
import { SQLITE } from "./sqlite.ts";

const on = {
  resource: { name: "app", kind: "sqlite" as const, label: "internal" as const, uri: "/d/app.db" },
  host: fakeHost(),
};
const FILES = ["/d/app.db", "/d/app.db-journal", "/d/app.db-wal", "/d/app.db-shm"];

Deno.test("a sqlite read lists the tables by default and is granted the database's files to read only", () => {
  const read = SQLITE.read(on, {});
  assert.ok("call" in read);
  assert.match(JSON.parse(read.call.arguments).sql, /FROM sqlite_schema/);
  assert.deepEqual(read.grant, { read: FILES, write: [], net: [] });
  assert.deepEqual(SQLITE.read(on, { query: "DROP TABLE t" }), {
    refuse: "resource_read runs read-only statements; use resource_update",
  });
});

Deno.test("a sqlite update runs its one statement, granted the database's files to write", () => {
  const update = SQLITE.update(on, { query: "DELETE FROM t" });
  assert.ok("call" in update);
  assert.deepEqual(update.grant, { read: FILES, write: FILES, net: [] });
  assert.deepEqual(SQLITE.update(on, {}), { refuse: "give one SQL statement (query)" });
});

import assert from "node:assert/strict";
import { fakeHost } from "../_fake_host.ts";
import { FOLDER, insideFolder } from "./folder.ts";

Deno.test("insideFolder() keeps a relative path under the folder and refuses one that climbs out", () => {
  assert.equal(insideFolder("/d", "a/./b.md"), "/d/a/b.md");
  assert.equal(insideFolder("/d", ""), "/d");
  assert.equal(insideFolder("/d", "/etc/passwd"), undefined);
  assert.equal(insideFolder("/d", "a/../../x"), undefined);
});

Deno.test("a folder's entries are listed, and its files read, written and deleted, granted the folder only", () => {
  const on = {
    resource: { name: "ws", kind: "folder" as const, label: "internal" as const, uri: "/d" },
    host: fakeHost(),
  };
  const list = FOLDER.read(on, {});
  assert.ok("call" in list);
  assert.deepEqual([list.call.name, JSON.parse(list.call.arguments), list.grant.read], ["fs_list", {
    path: "/d",
    recursive: true,
  }, ["/d"]]);
  const write = FOLDER.update(on, { path: "n/a.md", content: "x" });
  assert.ok("call" in write);
  assert.deepEqual([write.call.name, write.grant], ["fs_write", { read: [], write: ["/d"], net: [] }]);
  const remove = FOLDER.delete(on, { path: "a.md" });
  assert.ok("call" in remove);
  assert.deepEqual([remove.call.name, remove.grant], ["fs_delete", { read: ["/d"], write: ["/d"], net: [] }]);
  assert.deepEqual(FOLDER.read(on, { path: "../outside.md" }), {
    refuse: 'path "../outside.md" must stay inside the folder',
  });
  assert.deepEqual(FOLDER.update(on, { path: ".", content: "x" }), { refuse: 'path "." must stay inside the folder' });
  assert.deepEqual(FOLDER.delete(on, {}), { refuse: 'path "" must stay inside the folder' });
  assert.deepEqual(FOLDER.update(on, { path: "a.md" }), { refuse: "give the file's content" });
});

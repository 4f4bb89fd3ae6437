import assert from "node:assert/strict";
import { join, paiPaths } from "./paths.ts";

const env = (values: Record<string, string>) => (name: string) => values[name];

Deno.test("paiPaths() puts config and state under PAI_HOME when it is set", () => {
  assert.deepEqual(paiPaths(env({ PAI_HOME: "/tmp/p", HOME: "/home/u" })), {
    configDir: "/tmp/p",
    dataDir: "/tmp/p",
  });
});

Deno.test("paiPaths() follows the XDG variables, then HOME", () => {
  assert.deepEqual(paiPaths(env({ HOME: "/home/u", XDG_DATA_HOME: "/d" })), {
    configDir: "/home/u/.config/pai",
    dataDir: "/d/pai",
  });
});

Deno.test("join() joins with single slashes and keeps a leading one", () => {
  assert.equal(join("/tmp/p/", "pai.db"), "/tmp/p/pai.db");
  assert.equal(join("rel", "", "a"), "rel/a");
});

import assert from "node:assert/strict";
import { absolute, denoCacheDir, join, paiPaths } from "./paths.ts";

const env = (values: Record<string, string>) => (name: string) => values[name];

Deno.test("paiPaths() puts config and state under PAI_HOME when it is set, but not the shared cache", () => {
  assert.deepEqual(paiPaths(env({ PAI_HOME: "/tmp/p", HOME: "/home/u" })), {
    configDir: "/tmp/p",
    dataDir: "/tmp/p",
    cacheDir: "/home/u/.cache/pai",
  });
});

Deno.test("paiPaths() follows the XDG variables, then HOME", () => {
  assert.deepEqual(paiPaths(env({ HOME: "/home/u", XDG_DATA_HOME: "/d", XDG_CACHE_HOME: "/c" })), {
    configDir: "/home/u/.config/pai",
    dataDir: "/d/pai",
    cacheDir: "/c/pai",
  });
});

Deno.test("paiPaths() takes the cache folder from PAI_CACHE_DIR first", () => {
  assert.equal(paiPaths(env({ PAI_CACHE_DIR: "/shared", XDG_CACHE_HOME: "/c", HOME: "/h" })).cacheDir, "/shared");
});

Deno.test("join() joins with single slashes and keeps a leading one", () => {
  assert.equal(join("/tmp/p/", "pai.db"), "/tmp/p/pai.db");
  assert.equal(join("rel", "", "a"), "rel/a");
});

Deno.test("denoCacheDir() is DENO_DIR when set, else Deno's default for the OS", () => {
  assert.equal(denoCacheDir(env({ DENO_DIR: "/d", HOME: "/h" }), "linux"), "/d");
  assert.equal(denoCacheDir(env({ HOME: "/h" }), "linux"), "/h/.cache/deno");
  assert.equal(denoCacheDir(env({ HOME: "/h", XDG_CACHE_HOME: "/c" }), "linux"), "/c/deno");
  assert.equal(denoCacheDir(env({ HOME: "/Users/u" }), "darwin"), "/Users/u/Library/Caches/deno");
});

Deno.test("paiPaths() refuses to guess when HOME is unset, instead of using the current folder", () => {
  assert.throws(() => paiPaths(env({})), /Cannot tell where PAI keeps its files: HOME is not set/);
  assert.throws(() => paiPaths(env({ HOME: "relative/home" })), /HOME is not set/);
  // A relative XDG variable is ignored (the XDG spec), so it does not rescue a missing HOME either.
  assert.throws(() => paiPaths(env({ XDG_CONFIG_HOME: "c", XDG_DATA_HOME: "d" })), /HOME is not set/);
  assert.throws(() => paiPaths(env({ PAI_HOME: "state", HOME: "/h" })), /PAI_HOME "state": it must be an absolute/);
});

Deno.test("paiPaths() needs no HOME when PAI_HOME or the XDG variables are absolute", () => {
  assert.deepEqual(paiPaths(env({ PAI_HOME: "/p" })), { configDir: "/p", dataDir: "/p", cacheDir: "/p/cache" });
  assert.deepEqual(paiPaths(env({ XDG_CONFIG_HOME: "/c", XDG_DATA_HOME: "/d" })), {
    configDir: "/c/pai",
    dataDir: "/d/pai",
    cacheDir: "/d/pai/cache",
  });
  assert.equal(paiPaths(env({ HOME: "/h", XDG_DATA_HOME: "rel" })).dataDir, "/h/.local/share/pai");
});

Deno.test("absolute() takes a relative path from the workspace and ~ from the home folder", () => {
  assert.equal(absolute("notes/a.md", "/ws", "/home/u"), "/ws/notes/a.md");
  assert.equal(absolute("/etc/hosts", "/ws", "/home/u"), "/etc/hosts");
  assert.equal(absolute("~", "/ws", "/home/u"), "/home/u");
  assert.equal(absolute("~/x", "/ws", "/home/u"), "/home/u/x");
  assert.equal(absolute("~x", "/ws", "/home/u"), "/ws/~x");
});

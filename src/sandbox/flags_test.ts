import assert from "node:assert/strict";
import { testGrant } from "../../tests/helpers/grant.ts";
import { grantFlags, TOOLS_LOCK } from "./flags.ts";

const base = testGrant({ timeoutMs: 1000, memoryMb: 64, outputBytes: 1000, reason: "" });

Deno.test("grantFlags() emits exactly the granted permissions, with no prompt and a heap cap", () => {
  const flags = grantFlags({ ...base, read: ["/ws/a.md", "/ws/b"], write: ["/ws/out"], denyRead: ["/ws/.ssh"] });
  assert.deepEqual(flags, [
    "--no-prompt",
    "--no-config",
    "--no-remote",
    "--no-lock",
    "--cached-only",
    "--quiet",
    "--v8-flags=--max-old-space-size=64",
    "--allow-read=/ws/a.md,/ws/b",
    "--allow-write=/ws/out",
    "--deny-read=/ws/.ssh",
  ]);
});

Deno.test("a program that imports npm packages runs with PAI's lockfile, frozen; one without is spared reading it", () => {
  assert.deepEqual(grantFlags({ ...base, npm: true }).slice(3, 6), [
    `--lock=${TOOLS_LOCK}`,
    "--frozen",
    "--cached-only",
  ]);
  assert.deepEqual(grantFlags(base).slice(3, 5), ["--no-lock", "--cached-only"]);
});

Deno.test("grantFlags() never emits run, ffi, sys, env or all, whatever the grant", () => {
  const flags = grantFlags({ ...base, read: ["/a"], write: ["/b"], net: ["example.com:443"], env: { X: "1" } }).join(
    " ",
  );
  assert.doesNotMatch(flags, /--allow-(run|ffi|sys|env|all)|(^| )-A( |$)/);
});

Deno.test("grantFlags() refuses a comma, a relative path, and /proc, /sys, /dev", () => {
  assert.throws(() => grantFlags({ ...base, read: ["/ws/a,/etc"] }), /contains a comma/);
  assert.throws(() => grantFlags({ ...base, write: ["notes"] }), /not an absolute path/);
  for (const p of ["/proc/self/environ", "/sys/kernel", "/dev/mem"]) {
    assert.throws(() => grantFlags({ ...base, read: [p] }), /\/proc, \/sys or \/dev/);
  }
  assert.throws(() => grantFlags({ ...base, net: ["a.com,b.com"] }), /not a host/);
});

Deno.test("grantFlags() denies private ranges after DNS for a hostname grant", () => {
  const flags = grantFlags({ ...base, net: ["api.example.com:443"] });
  const deny = flags.find((f) => f.startsWith("--deny-net="))!;
  for (const range of ["10.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16"]) {
    assert.ok(deny.includes(range), range);
  }
});

Deno.test("grantFlags() keeps loopback for localhost by name, and adds no deny for an IP grant", () => {
  const local = grantFlags({ ...base, net: ["localhost:8080"] }).find((f) => f.startsWith("--deny-net="))!;
  assert.ok(!local.includes("127.0.0.0/8") && local.includes("10.0.0.0/8"));
  assert.ok(!grantFlags({ ...base, net: ["127.0.0.1:8080"] }).some((f) => f.startsWith("--deny-net")));
});

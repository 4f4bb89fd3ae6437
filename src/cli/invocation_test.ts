import assert from "node:assert/strict";
import denoJson from "../../deno.json" with { type: "json" };
import {
  grantedBy,
  missingPermissions,
  missingPermissionsMessage,
  needsPermissions,
  requiredPermissions,
} from "./invocation.ts";

Deno.test("grantedBy() reads the permissions of the pai task from deno.json; all but run are required", () => {
  assert.deepEqual(grantedBy(denoJson.tasks.pai), ["read", "write", "net", "env", "run", "sys"]);
  assert.deepEqual(requiredPermissions(denoJson.tasks.pai), ["read", "write", "net", "env", "sys"]);
});

Deno.test("needsPermissions() is false for help and the version only", () => {
  for (const args of [[], ["--help"], ["prompt", "-h"], ["--version"], ["resource", "add", "--help-all"]]) {
    assert.equal(needsPermissions(args), false, args.join(" "));
  }
  for (const args of [["status"], ["prompt", "--", "--help"], ["prompt", "what does -h do?"]]) {
    assert.equal(needsPermissions(args), true, args.join(" "));
  }
});

Deno.test("missingPermissions() lists what is not granted whole, asking nothing", () => {
  const states: Record<string, Deno.PermissionState> = { read: "granted", write: "prompt", net: "denied" };
  assert.deepEqual(missingPermissions(["read", "write", "net"], { query: (name) => states[name] }), ["write", "net"]);
});

Deno.test("missingPermissionsMessage() names the invocation to use, with the command typed", () => {
  assert.equal(
    missingPermissionsMessage(["env", "run"], ["pai", "resource", "add"]),
    'Deno runs PAI without the permissions it needs (env, run): run "deno task pai resource add" in PAI\'s folder, ' +
      'or the installed "pai" (deno task install)',
  );
});

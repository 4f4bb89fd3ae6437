import assert from "node:assert/strict";
import { decide, type DecisionInput } from "./decide.ts";

const input = (over: Partial<DecisionInput>): DecisionInput => ({
  tool: "fs_read",
  mode: "agent",
  readOnly: true,
  needs: { read: [], write: [], net: [] },
  workspace: "/ws",
  protectedPaths: ["/home/u/.ssh", "/home/u/.config/pai"],
  granted: { read: [], write: [], net: [] },
  limits: { timeoutMs: 1, memoryMb: 1, outputBytes: 1 },
  ...over,
});

Deno.test("decide() allows reads inside the workspace in every mode, and writes only in agent mode", () => {
  for (const mode of ["chat", "prompt", "agent"] as const) {
    assert.equal(decide(input({ mode, needs: { read: ["/ws/a.md"], write: [], net: [] } })).kind, "allow");
  }
  assert.equal(
    decide(input({ tool: "fs_write", readOnly: false, needs: { read: [], write: ["/ws/a"], net: [] } })).kind,
    "allow",
  );
  const chat = decide(
    input({ mode: "chat", tool: "fs_write", readOnly: false, needs: { read: [], write: ["/ws/a"], net: [] } }),
  );
  assert.equal(chat.kind, "deny");
});

Deno.test("decide() asks for what is outside the workspace or not granted, naming exactly that", () => {
  const d = decide(input({ needs: { read: ["/etc/hosts", "/ws/x"], write: [], net: ["api.example.com:443"] } }));
  assert.equal(d.kind, "ask");
  assert.deepEqual(d.kind === "ask" && d.missing, { read: ["/etc/hosts"], write: [], net: ["api.example.com:443"] });
  const granted = decide(input({
    needs: { read: ["/etc/hosts"], write: [], net: ["api.example.com:443"] },
    granted: { read: ["/etc"], write: [], net: ["api.example.com"] },
  }));
  assert.equal(granted.kind, "allow");
});

Deno.test("decide() denies protected folders and .env files even when granted", () => {
  const granted = { read: ["/home/u"], write: ["/home/u"], net: [] };
  for (const path of ["/home/u/.ssh/id_ed25519", "/home/u/.config/pai/config.json", "/ws/.env", "/ws/app/.env.local"]) {
    const d = decide(input({ needs: { read: [path], write: [], net: [] }, granted }));
    assert.equal(d.kind, "deny", path);
  }
  assert.equal(decide(input({ needs: { read: ["/ws/.envrc-notes/x"], write: [], net: [] } })).kind, "allow");
});

Deno.test("decide() denies a protected folder inside a granted one in the grant itself", () => {
  const d = decide(input({ workspace: "/home/u", needs: { read: ["/home/u"], write: [], net: [] } }));
  assert.equal(d.kind, "allow");
  assert.deepEqual(d.kind === "allow" && d.grant.denyRead, ["/home/u/.ssh", "/home/u/.config/pai"]);
});

Deno.test("decide() matches net grants as Deno does: a bare host covers every port", () => {
  const needs = { read: [], write: [], net: ["localhost:8080"] };
  assert.equal(decide(input({ needs, granted: { read: [], write: [], net: ["localhost"] } })).kind, "allow");
  assert.equal(decide(input({ needs, granted: { read: [], write: [], net: ["localhost:9090"] } })).kind, "ask");
  assert.equal(decide(input({ needs, granted: { read: [], write: [], net: ["127.0.0.1:8080"] } })).kind, "ask");
});

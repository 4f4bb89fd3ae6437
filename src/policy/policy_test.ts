import assert from "node:assert/strict";
import { applyLayer, DEFAULT_POLICY, FIELD_RULES, type Policy, type PolicyFile, providerCeiling } from "./policy.ts";
import { POLICY_SCHEMA } from "./policy_schema.ts";

/** The user's policy every case starts from (a trusted layer over the built-in defaults). */
const USER: Policy = applyLayer(DEFAULT_POLICY, {
  file: {
    scan: { secret: { local: "warn" } },
    providers: { byName: { anthropic: "private" } },
    rules: [{ tool: "fs_read", action: "allow", paths: ["/home/u/notes/**"] }],
  },
  source: "user",
  trust: "trusted",
});
const SAFE_USER: Policy = applyLayer(USER, { file: { safe: true }, source: "user", trust: "trusted" });

const project = (file: PolicyFile, before: Policy = USER) =>
  applyLayer(before, { file, source: "project", trust: "untrusted" });

interface FieldCase {
  /** A project value looser than what is in force: ignored, listed, and nothing changes. */
  looser: PolicyFile;
  /** Whether `looser` left everything as it was. */
  unchanged(p: Policy): boolean;
  /** A project value tighter than what is in force: applied. */
  tighter: PolicyFile;
  applied(p: Policy): boolean;
  before?: Policy;
}

/** One row per field of the policy schema: the tighten-only merge, field by field. */
const CASES: Record<keyof PolicyFile, FieldCase[]> = {
  safe: [{
    before: SAFE_USER,
    looser: { safe: false },
    unchanged: (p) => p.safe,
    tighter: { safe: true },
    applied: (p) => p.safe,
  }],
  rules: [{
    looser: { rules: [{ tool: "fs_read", action: "allow", paths: ["/etc/**"] }] },
    unchanged: (p) => p.rules.length === 1,
    tighter: { rules: [{ tool: "fs_read", action: "deny", paths: ["/home/u/notes/private/**"] }] },
    applied: (p) => p.rules.some((r) => r.action === "deny" && r.source === "project"),
  }, {
    looser: { rules: [{ tool: "*", action: "allow" }] },
    unchanged: (p) => p.rules.length === 1,
    tighter: { rules: [{ tool: "http_request", action: "ask" }] },
    applied: (p) => p.rules.some((r) => r.action === "ask" && r.source === "project"),
  }],
  scan: [{
    looser: { scan: { secret: { remote: "allow" } } },
    unchanged: (p) => p.scan.secret.remote === "block",
    tighter: { scan: { personal: { remote: "block" } } },
    applied: (p) => p.scan.personal.remote === "block",
  }, {
    looser: { scan: { secret: { local: "allow" } } },
    unchanged: (p) => p.scan.secret.local === "warn",
    tighter: { scan: { secret: { local: "redact" } } },
    applied: (p) => p.scan.secret.local === "redact",
  }],
  providers: [{
    // The reported hole: a byName entry for a provider the user's policy does not name.
    looser: { providers: { byName: { openai: "secret" } } },
    unchanged: (p) => providerCeiling(p, "openai", "remote") === "internal",
    tighter: { providers: { byName: { openai: "public" } } },
    applied: (p) => providerCeiling(p, "openai", "remote") === "public",
  }, {
    looser: { providers: { byName: { anthropic: "secret" } } },
    unchanged: (p) => providerCeiling(p, "anthropic", "remote") === "private",
    tighter: { providers: { byName: { anthropic: "internal" } } },
    applied: (p) => providerCeiling(p, "anthropic", "remote") === "internal",
  }, {
    looser: { providers: { maxLabel: { remote: "secret" } } },
    unchanged: (p) => providerCeiling(p, "openai", "remote") === "internal",
    // A lower locality ceiling caps a provider the user raised by name too.
    tighter: { providers: { maxLabel: { remote: "public" } } },
    applied: (p) =>
      providerCeiling(p, "openai", "remote") === "public" && providerCeiling(p, "anthropic", "remote") === "public",
  }, {
    looser: { providers: { maxLabel: { local: "secret" }, byName: { ollama: "secret" } } },
    unchanged: (p) => providerCeiling(p, "ollama", "local") === "secret",
    tighter: { providers: { maxLabel: { local: "private" } } },
    applied: (p) => providerCeiling(p, "ollama", "local") === "private",
  }],
  files: [{
    looser: { files: [{ paths: ["/home/u/hr/**"], label: "public" }] },
    unchanged: (p) => p.files.length === 0,
    tighter: { files: [{ paths: ["/home/u/hr/**"], label: "secret" }] },
    applied: (p) => p.files.some((f) => f.label === "secret"),
  }],
  // Example cases grant nothing: there is no looser value; a project's are kept.
  tests: [],
};

Deno.test("every field of the policy schema has a merge rule and a row in the tighten-only table", () => {
  const fields = Object.keys(POLICY_SCHEMA.shape).filter((k) => k !== "$schema").sort();
  assert.deepEqual(Object.keys(FIELD_RULES).sort(), fields);
  assert.deepEqual(Object.keys(CASES).sort(), fields);
});

for (const [field, cases] of Object.entries(CASES)) {
  cases.forEach((c, i) => {
    Deno.test(`an untrusted project layer ignores and lists a looser "${field}" (case ${i + 1})`, () => {
      const before = c.before ?? USER;
      const merged = project(c.looser, before);
      assert.ok(c.unchanged(merged), JSON.stringify(merged));
      assert.equal(merged.ignored.length > 0, true, `not listed: ${JSON.stringify(c.looser)}`);
      assert.ok(merged.ignored.every((i) => i.startsWith("project: ")), merged.ignored.join("\n"));
    });
    Deno.test(`an untrusted project layer applies a tighter "${field}" (case ${i + 1})`, () => {
      const merged = project(c.tighter, c.before ?? USER);
      assert.ok(c.applied(merged), JSON.stringify(merged));
      assert.deepEqual(merged.ignored, []);
    });
  });
}

Deno.test("a trusted project layer may widen, field by field", () => {
  const merged = applyLayer(USER, {
    file: {
      providers: { byName: { openai: "secret" } },
      scan: { secret: { remote: "allow" } },
      rules: [{ tool: "fs_read", action: "allow", paths: ["/etc/**"] }],
    },
    source: "project",
    trust: "trusted",
  });
  assert.equal(providerCeiling(merged, "openai", "remote"), "secret");
  assert.equal(merged.scan.secret.remote, "allow");
  assert.equal(merged.rules.length, 2);
  assert.deepEqual(merged.ignored, []);
});

Deno.test("a project's example cases are kept, whatever its trust", () => {
  const merged = project({ tests: [{ tool: "fs_read", args: { path: "x" }, expect: "allow" }] });
  assert.equal(merged.tests.length, 1);
  assert.deepEqual(merged.ignored, []);
});

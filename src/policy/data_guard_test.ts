import assert from "node:assert/strict";
import type { PaiError } from "../core/errors.ts";
import { DataGuard, PlaceholderRestorer } from "./data_guard.ts";
import { DEFAULT_POLICY } from "./policy.ts";

const remote = new DataGuard(DEFAULT_POLICY.scan, "remote", "openai");
const local = new DataGuard(DEFAULT_POLICY.scan, "local", "ollama");

Deno.test("DataGuard redacts personal data for remote providers with stable placeholders", () => {
  const { messages, report } = remote.protect([
    { role: "user", content: "Mail ann@example.com and bob@example.org" },
    { role: "assistant", content: "Done for ann@example.com." },
  ]);
  assert.equal(messages[0].content, "Mail [EMAIL_1] and [EMAIL_2]");
  assert.equal(messages[1].content, "Done for [EMAIL_1].");
  assert.equal(report.placeholders.get("[EMAIL_2]"), "bob@example.org");
  assert.deepEqual(report.findings.map((f) => f.action), ["redact", "redact", "redact"]);
});

Deno.test("DataGuard blocks a prompt holding a secret for remote providers, naming the rule, never the value", () => {
  const key = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1w";
  assert.throws(
    () => remote.protect([{ role: "user", content: `use ${key}` }]),
    (e: PaiError) => e.exitCode === 7 && /openai_key/.test(e.message) && !e.message.includes(key),
  );
  assert.equal(local.protect([{ role: "user", content: `use ${key}` }]).messages[0].content, `use ${key}`);
});

Deno.test("DataGuard withholds a tool result holding a secret, and lets everything through for local providers", () => {
  const tool = { role: "tool" as const, toolCallId: "c1", content: '{"ok":true,"result":"AKIAIOSFODNN7EXAMPLE"}' };
  const out = remote.protect([{ role: "user", content: "read it" }, tool]).messages[1];
  assert.match(out.content, /PAI withheld this result: it contains a secret \(aws_access_key\)/);
  assert.ok(!out.content.includes("AKIAIOSFODNN7EXAMPLE"));
  assert.equal(local.protect([tool]).messages[0].content, tool.content);
});

Deno.test("PlaceholderRestorer restores placeholders split across streamed chunks", () => {
  const r = new PlaceholderRestorer(new Map([["[EMAIL_1]", "ann@example.com"]]));
  const out = ["Write to [EM", "AIL_", "1] today [not a placeholder"].map((c) => r.push(c)).join("") + r.flush();
  assert.equal(out, "Write to ann@example.com today [not a placeholder");
});

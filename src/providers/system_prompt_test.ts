import assert from "node:assert/strict";
import { placeSystemPrompt } from "./system_prompt.ts";

const turns = [
  { role: "user" as const, content: "hi" },
  { role: "assistant" as const, content: "hello" },
  { role: "user" as const, content: "again" },
];

Deno.test("placeSystemPrompt() sends a system message first for providers with a system role", () => {
  assert.deepEqual(placeSystemPrompt("be brief", turns, "system")[0], { role: "system", content: "be brief" });
});

Deno.test("placeSystemPrompt() folds the system prompt into the first user turn only", () => {
  const out = placeSystemPrompt("be brief", turns, "fold");
  assert.equal(out.length, 3);
  assert.ok(out.every((m) => m.role !== "system"));
  assert.equal(out[0].content, "<instructions>\nbe brief\n</instructions>\n\nhi");
  assert.equal(out[2].content, "again");
});

Deno.test("placeSystemPrompt() changes nothing without a system prompt", () => {
  assert.deepEqual(placeSystemPrompt(undefined, turns, "fold"), turns);
});

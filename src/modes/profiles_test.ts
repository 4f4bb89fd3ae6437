import assert from "node:assert/strict";
import { MODES } from "../core/types.ts";
import definitions from "../tools/definitions.json" with { type: "json" };
import { type GeneratedDefinition, offered } from "../tools/manifest.ts";
import { PROFILES } from "./profiles.ts";

Deno.test("every mode has one profile, under its own name", () => {
  assert.deepEqual(Object.keys(PROFILES).sort(), [...MODES].sort());
  for (const [name, profile] of Object.entries(PROFILES)) assert.equal(profile.mode, name);
});

const NAMES = MODES.join("|");
/** A comparison of something named `mode` with a mode's name, either way round, or a switch on a mode. */
const MODE_COMPARISON = new RegExp(
  String
    .raw`\bmode\b[\w.?!\])]*\s*(===|!==)\s*"(${NAMES})"|"(${NAMES})"\s*(===|!==)\s*[\w.?!]*\bmode\b|switch \([^)]*\bmode\b`,
  "i",
);

Deno.test("the matcher of mode comparisons catches the ones the modules had before profiles", () => {
  for (
    const line of [
      'if ((input.mode === "chat" || input.mode === "prompt") && !input.readOnly) {',
      'return ctx.host.list().filter((r) => ctx.mode !== "chat" || r.default);',
      'const writes = (mode: Mode) => mode === "agent" || mode === "assistant";',
      "switch (options.mode) {",
      'if ("agent" === o.mode) {',
    ]
  ) assert.ok(MODE_COMPARISON.test(line), line);
  // A message's role and an audit event's kind are not modes.
  for (const line of ['} else if (m.role === "assistant") {', 'case "prompt":', 'e.kind === "prompt"']) {
    assert.ok(!MODE_COMPARISON.test(line), line);
  }
});

Deno.test("no module but the profiles compares mode names", async () => {
  const root = new URL("../", import.meta.url);
  const offenders: string[] = [];
  const walk = async (dir: URL) => {
    for await (const entry of Deno.readDir(dir)) {
      const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
      if (entry.isDirectory) await walk(url);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) {
        const text = await Deno.readTextFile(url);
        text.split("\n").forEach((line, i) => {
          if (MODE_COMPARISON.test(line)) {
            offenders.push(`${url.pathname.slice(root.pathname.length)}:${i + 1}: ${line}`);
          }
        });
      }
    }
  };
  await walk(root);
  assert.deepEqual(offenders, []);
});

Deno.test("the tools each mode is offered follow its profile", () => {
  const names = (mode: keyof typeof PROFILES, safe = false) =>
    (definitions as GeneratedDefinition[]).filter((d) => !d.internal && offered(d.offer, PROFILES[mode], safe))
      .map((d) => d.name);
  const chat = names("chat");
  for (const name of ["fs_write", "fs_edit", "resource_create", "resource_update", "resource_delete"]) {
    assert.ok(!chat.includes(name) && !names("prompt").includes(name), `${name} is offered where tools only read`);
    assert.ok(names("agent").includes(name));
  }
  // Chat reaches only the default resources: asking for more is not offered there.
  assert.ok(!chat.includes("resource_request"));
  assert.ok(names("prompt").includes("resource_request"));
  assert.ok(chat.includes("web_fetch") && !names("chat", true).includes("web_fetch"));
  assert.ok(!names("agent", true).includes("http_request"));
});

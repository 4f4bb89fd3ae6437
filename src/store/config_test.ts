import assert from "node:assert/strict";
import { DEFAULT_CONFIG, loadConfig } from "./config.ts";

Deno.test("loadConfig() reads config.json with comments, as policy.json is read", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(
      `${dir}/config.json`,
      `// PAI's settings\n{\n  /* a slow local model */\n  "timeoutSeconds": 900, // seconds\n  "localHosts": ["gpu.lan"]\n}\n`,
    );
    const config = await loadConfig(dir);
    assert.equal(config.timeoutSeconds, 900);
    assert.deepEqual(config.localHosts, ["gpu.lan"]);
    assert.equal(config.maxRetries, DEFAULT_CONFIG.maxRetries);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("loadConfig() still names the line and column of what is wrong in a commented file", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(`${dir}/config.json`, `// settings\n{\n  "maxRetries": "two"\n}\n`);
    await assert.rejects(loadConfig(dir), /config\.json": line 3, column 17: at "maxRetries"/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("loadConfig() reads the limits of models, and names a limit that is not a positive integer", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(
      `${dir}/config.json`,
      `{\n  // the server runs with OLLAMA_CONTEXT_LENGTH=32768\n  "models": { "llama3.2": { "contextWindow": 32768 } }\n}\n`,
    );
    assert.deepEqual((await loadConfig(dir)).models, { "llama3.2": { contextWindow: 32768 } });
    Deno.writeTextFileSync(`${dir}/config.json`, `{\n  "models": { "gpt-4o": { "maxOutputTokens": 0 } }\n}\n`);
    await assert.rejects(loadConfig(dir), /config\.json": line 2, .*maxOutputTokens/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

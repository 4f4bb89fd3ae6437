import assert from "node:assert/strict";
import denoJson from "../../deno.json" with { type: "json" };
import { openDatabase } from "../store/db.ts";
import { createSession } from "../store/sessions.ts";
import { ContextManager, type Summarise, type TokenCounter } from "./context_manager.ts";
import { COUNTED_WITH, openTokenMemo } from "./token_memo.ts";

const TOOLS_JSON = JSON.stringify([{ name: "fs_read", description: "Read a text file.", parameters: {} }]);

function tempFile(): { path: string; cleanup(): void } {
  const dir = Deno.makeTempDirSync({ prefix: "pai_token_memo_" });
  return { path: `${dir}/token_counts.json`, cleanup: () => Deno.removeSync(dir, { recursive: true }) };
}

Deno.test("openTokenMemo() gives a later run the count an earlier one made, for the same text, provider and model", async () => {
  const file = tempFile();
  try {
    const first = openTokenMemo(file.path, "openai/gpt-4o");
    assert.equal(await first.get(TOOLS_JSON), undefined);
    first.set(TOOLS_JSON, 42);
    const later = openTokenMemo(file.path, "openai/gpt-4o");
    assert.equal(await later.get(TOOLS_JSON), 42);
    assert.equal(await later.get(`${TOOLS_JSON} `), undefined);
    assert.equal(await openTokenMemo(file.path, "ollama/llama3.2").get(TOOLS_JSON), undefined);
  } finally {
    file.cleanup();
  }
});

Deno.test("openTokenMemo() keeps no text: only SHA-256 keys and counts", async () => {
  const file = tempFile();
  try {
    const memo = openTokenMemo(file.path, "openai/gpt-4o");
    await memo.get("You are PAI, the user's assistant.");
    memo.set("You are PAI, the user's assistant.", 9);
    const text = Deno.readTextFileSync(file.path);
    assert.doesNotMatch(text, /PAI|assistant|gpt-4o/);
    assert.match(text, /^\{"[0-9a-f]{64}":9\}$/);
  } finally {
    file.cleanup();
  }
});

Deno.test("openTokenMemo() remembers only the texts it was asked for in the run, and only whole counts", async () => {
  const file = tempFile();
  try {
    const memo = openTokenMemo(file.path, "openai/gpt-4o");
    memo.set(TOOLS_JSON, 42); // never looked up: not remembered
    await memo.get(TOOLS_JSON);
    memo.set(TOOLS_JSON, 1.5);
    memo.set(TOOLS_JSON, -1);
    assert.throws(() => Deno.statSync(file.path), Deno.errors.NotFound);
  } finally {
    file.cleanup();
  }
});

Deno.test("openTokenMemo() reads a broken file as no counts, and a wrong entry as absent", async () => {
  const file = tempFile();
  try {
    Deno.writeTextFileSync(file.path, "{not json");
    const memo = openTokenMemo(file.path, "openai/gpt-4o");
    assert.equal(await memo.get(TOOLS_JSON), undefined);
    memo.set(TOOLS_JSON, 42);
    const [key] = Object.keys(JSON.parse(Deno.readTextFileSync(file.path)));
    Deno.writeTextFileSync(file.path, JSON.stringify({ [key]: "42", other: 3 }));
    assert.equal(await openTokenMemo(file.path, "openai/gpt-4o").get(TOOLS_JSON), undefined);
  } finally {
    file.cleanup();
  }
});

Deno.test("openTokenMemo() keeps the 64 newest counts", async () => {
  const file = tempFile();
  try {
    const memo = openTokenMemo(file.path, "openai/gpt-4o");
    for (let i = 0; i < 70; i++) {
      await memo.get(`text ${i}`);
      memo.set(`text ${i}`, i);
    }
    const later = openTokenMemo(file.path, "openai/gpt-4o");
    assert.equal(Object.keys(JSON.parse(Deno.readTextFileSync(file.path))).length, 64);
    assert.equal(await later.get("text 5"), undefined);
    assert.equal(await later.get("text 6"), 6);
    assert.equal(await later.get("text 69"), 69);
  } finally {
    file.cleanup();
  }
});

Deno.test("COUNTED_WITH names the gpt-tokenizer version that deno.json imports", () => {
  assert.equal(denoJson.imports["gpt-tokenizer"], `npm:${COUNTED_WITH.split(" ")[0]}`);
});

Deno.test("the context manager counts the fixed parts as an earlier run did: a short prompt to a small window loads no tokenizer", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "pai_token_memo_" });
  const db = openDatabase(dir);
  try {
    const session = createSession(db, {
      provider: "ollama",
      model: "m",
      baseUrl: null,
      apiKeyEnv: null,
      systemRole: "system",
      locality: "auto",
      pinned: { baseUrl: "http://127.0.0.1:11434/v1", locality: "local" },
    });
    // The bound says a character is a token; the tokenizer, four characters.
    const bound: TokenCounter = { count: (text) => text.length };
    const exact: TokenCounter = { count: (text) => Math.ceil(text.length / 4) };
    const tools = [{ name: "fs_read", description: "x".repeat(600), parameters: {} }];
    const summarise: Summarise = () => Promise.resolve({ text: "" });
    let loads = 0;
    const manager = () =>
      new ContextManager(db, session, { mode: "prompt", context: "summary" }, {
        window: 1000,
        output: 400,
        model: "m",
        provider: "ollama (local)",
        mayReceive: () => true,
      }, {
        bound,
        exact: () => (loads++, Promise.resolve(exact)),
        remembered: openTokenMemo(`${dir}/token_counts.json`, "ollama/m"),
      });
    // By the bound the tools (~680 characters) leave no room: the first run needs the tokenizer, and remembers.
    const first = manager();
    await first.start("hi", { system: "Be brief.", tools }, summarise);
    assert.equal(loads, 1);
    const second = manager();
    assert.deepEqual(await second.start("hi", { system: "Be brief.", tools }, summarise), [{
      role: "user",
      content: "hi",
    }]);
    assert.equal(loads, 1);
    // A long input is still counted exactly: the remembered parts spare only what they count.
    await second.start("y".repeat(500), { system: "Be brief.", tools }, summarise);
    assert.equal(loads, 2);
  } finally {
    db.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

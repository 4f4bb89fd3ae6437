/**
 * End to end: `-s/--system` for one call, and templates (`pai template add|list|show|rm`, `-t NAME`). The system
 * prompt given is what the model gets, it is recorded with the prompt, and it is scanned: one holding a secret is
 * refused before anything is sent.
 */
import assert from "node:assert/strict";
import { eventOf } from "../src/audit/events.ts";
import { openDatabase } from "../src/store/db.ts";
import { openaiSession, type Setup } from "./helpers/session.ts";
import { runPai } from "./helpers/run_pai.ts";

/** The system prompt of the last request the fake server got (OpenAI's wire: the first message, role system). */
function sentSystem(s: Setup): string | undefined {
  const messages = s.server.chatRequests.at(-1)!.body!.messages as { role: string; content: string }[];
  return messages.find((m) => m.role === "system")?.content;
}

/** The `system` of the last prompt row of the audit log. */
function recordedSystem(s: Setup) {
  const db = openDatabase(s.home.dir);
  try {
    const row = db.prepare("SELECT * FROM audit_log WHERE kind = 'prompt' ORDER BY id DESC LIMIT 1").get()!;
    const event = eventOf(row);
    return event?.kind === "prompt" ? event.system : undefined;
  } finally {
    db.close();
  }
}

Deno.test("-s sends that system prompt for one call, and the audit log records it with the prompt", async () => {
  const s = await openaiSession();
  try {
    s.server.enqueue({ text: "ok" }, { text: "ok again" });
    const run = await runPai(["prompt", "-s", "Answer in French.", "hello"], { home: s.home, env: s.env });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(sentSystem(s), "Answer in French.");
    assert.deepEqual(recordedSystem(s), { text: "Answer in French.", from: "-s" });
    // The next call, without -s, is back to config.json's.
    await runPai(["prompt", "hello"], { home: s.home, env: s.env });
    assert.match(sentSystem(s) ?? "", /You are PAI/);
    assert.equal(recordedSystem(s), undefined);
  } finally {
    await s.close();
  }
});

Deno.test("a template gives prompt, chat and agent its system prompt and model; -s and -m win over it", async () => {
  const s = await openaiSession({ models: ["m", "gpt-4o"] });
  const run = { home: s.home, env: s.env };
  try {
    const add = await runPai(["template", "add", "reviewer", "--system", "You review code.", "--model", "gpt-4o"], run);
    assert.equal(add.code, 0, add.stderr);
    const fromStdin = await runPai(["template", "add", "poet", "--system", "-"], { ...run, stdin: "Write verse.\n" });
    assert.equal(fromStdin.code, 0, fromStdin.stderr);
    const listed = await runPai(["template", "list"], run);
    assert.match(listed.stdout, /reviewer\s+gpt-4o\s+You review code\./);
    assert.match(listed.stdout, /poet\s+\(the session's\)\s+Write verse\./);
    assert.deepEqual(JSON.parse((await runPai(["template", "show", "poet", "--json"], run)).stdout), {
      name: "poet",
      system: "Write verse.",
    });

    s.server.enqueue({ text: "1" }, { text: "2" }, { text: "3" }, { text: "4" }, { text: "5" });
    assert.equal((await runPai(["prompt", "-t", "reviewer", "look"], run)).code, 0);
    let body = s.server.chatRequests.at(-1)!.body!;
    assert.equal(body.model, "gpt-4o");
    assert.equal(sentSystem(s), "You review code.");
    assert.deepEqual(recordedSystem(s), { text: "You review code.", from: 'template "reviewer"' });

    await runPai(["prompt", "-t", "reviewer", "-m", "m", "-s", "Be brief.", "look"], run);
    body = s.server.chatRequests.at(-1)!.body!;
    assert.equal(body.model, "m");
    assert.equal(sentSystem(s), "Be brief.");

    const chat = await runPai(["chat", "-t", "poet"], { ...run, stdin: "one\ntwo\n" });
    assert.equal(chat.code, 0, chat.stderr);
    for (const request of s.server.chatRequests.slice(-2)) {
      const messages = request.body!.messages as { role: string; content: string }[];
      assert.equal(messages[0].content, "Write verse.", "every turn of the chat has the template's system prompt");
    }
    s.server.enqueue({ text: "done" });
    assert.equal((await runPai(["agent", "-t", "poet", "go"], run)).code, 0);
    assert.equal(sentSystem(s), "Write verse.");

    assert.equal((await runPai(["template", "rm", "poet"], run)).code, 0);
    const gone = await runPai(["prompt", "-t", "poet", "hi"], run);
    assert.equal(gone.code, 2, gone.stderr);
    assert.match(gone.stderr, /No template "poet" \(reviewer\)/);
  } finally {
    await s.close();
  }
});

Deno.test("a system prompt holding a secret is refused for a remote provider, recorded, and nothing is sent", async () => {
  const s = await openaiSession({}, ["--locality", "remote"]);
  const run = { home: s.home, env: s.env };
  try {
    const key = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0";
    assert.equal((await runPai(["template", "add", "leaky", "--system", `Use the key ${key}`], run)).code, 0);
    for (const args of [["-t", "leaky"], ["-s", `Use the key ${key}`]]) {
      const refused = await runPai(["prompt", ...args, "hi"], run);
      assert.equal(refused.code, 7, refused.stderr);
      assert.match(
        refused.stderr,
        /Not sent: the system prompt \((template "leaky"|-s)\) holds what the policy blocks/,
      );
      assert.ok(!refused.stderr.includes(key));
    }
    assert.equal(s.server.chatRequests.length, 0);
    const db = openDatabase(s.home.dir);
    try {
      const rows = db.prepare("SELECT * FROM audit_log WHERE kind = 'policy_decision'").all();
      assert.equal(rows.map(eventOf).filter((e) => e?.kind === "policy_decision" && e.check === "scan").length, 2);
      assert.ok(!JSON.stringify(db.prepare("SELECT * FROM audit_log").all()).includes(key));
    } finally {
      db.close();
    }
  } finally {
    await s.close();
  }
});

Deno.test("template add refuses a bad name, an empty system prompt and a silent replacement", async () => {
  const s = await openaiSession();
  const run = { home: s.home, env: s.env };
  try {
    const bad = await runPai(["template", "add", "../x", "--system", "hi"], run);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /"\.\.\/x" cannot name a template/);
    assert.equal((await runPai(["template", "add", "t", "--system", "  "], run)).code, 2);
    assert.equal((await runPai(["template", "add", "t", "--system", "first"], run)).code, 0);
    const again = await runPai(["template", "add", "t", "--system", "second"], run);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /Template "t" exists: nothing was changed/);
    assert.equal((await runPai(["template", "add", "t", "--system", "second", "--force"], run)).code, 0);
    assert.equal(JSON.parse((await runPai(["template", "show", "t", "--json"], run)).stdout).system, "second");
    const model = await runPai(["template", "add", "u", "--system", "x", "--model", "olama:llama3.2"], run);
    assert.equal(model.code, 2, model.stderr);
    assert.match(model.stderr, /did you mean ollama:llama3.2/);
  } finally {
    await s.close();
  }
});

Deno.test("a key in a system prompt a local provider may be sent is still kept out of the audit log", async () => {
  const s = await openaiSession();
  try {
    const key = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0";
    s.server.enqueue({ text: "ok" });
    const run = await runPai(["prompt", "-s", `Deploy with ${key}`, "go"], { home: s.home, env: s.env });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(sentSystem(s)?.includes(key), "the local provider got the system prompt as written");
    const recorded = recordedSystem(s);
    assert.equal(recorded?.from, "-s");
    assert.ok(recorded && !recorded.text.includes(key), `the audit kept the key: ${recorded?.text}`);
  } finally {
    await s.close();
  }
});

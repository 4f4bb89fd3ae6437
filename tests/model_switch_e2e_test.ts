/**
 * End to end: `-m/--model` switches the model for one call without losing the conversation. The history goes to the
 * model named (of the session's provider, another provider's, or an alias), its rows name that model, and the labels
 * of everything the history holds are judged against it: a model that may not receive them gets nothing.
 */
import assert from "node:assert/strict";
import { openDatabase } from "../src/store/db.ts";
import { FakeModelServer } from "./fakes/fake_model_server.ts";
import { runPai } from "./helpers/run_pai.ts";
import { openaiSession } from "./helpers/session.ts";
import { makeWorkspace, privateHrFile, SECRET } from "./helpers/workspace.ts";

Deno.test("-m switches the model for one call: the chat's history goes with it, and its rows name it", async () => {
  const s = await openaiSession({ models: ["m", "m2"] });
  const other = FakeModelServer.start({ models: ["claude-x"] });
  const env = { ...s.env, ANTHROPIC_API_KEY: "sk-ant-test-0123456789abcdef", ANTHROPIC_BASE_URL: other.url };
  try {
    Deno.writeTextFileSync(`${s.home.dir}/config.json`, JSON.stringify({ aliases: { claude: "anthropic:claude-x" } }));
    s.server.enqueue({ text: "Noted, Ann." }, { text: "You are Ann." });
    const chat = await runPai(["chat", "--no-tools"], { home: s.home, env, stdin: "my name is Ann\n" });
    assert.equal(chat.code, 0, chat.stderr);
    // Another model of the session's provider, for one chat: it gets the conversation so far.
    const switched = await runPai(["chat", "--no-tools", "-m", "m2"], { home: s.home, env, stdin: "who am I?\n" });
    assert.equal(switched.code, 0, switched.stderr);
    const second = s.server.chatRequests[1].body!;
    assert.equal(second.model, "m2");
    assert.match(JSON.stringify(second.messages), /my name is Ann.*Noted, Ann\..*who am I\?/);
    // Another provider, by an alias: the same history, in Anthropic's protocol.
    other.enqueue({ text: "Ann, still." });
    const claude = await runPai(["chat", "--no-tools", "--model", "claude"], { home: s.home, env, stdin: "again?\n" });
    assert.equal(claude.code, 0, claude.stderr);
    assert.equal(other.chatRequests[0].path, "/v1/messages");
    assert.equal(other.chatRequests[0].body!.model, "claude-x");
    assert.match(JSON.stringify(other.chatRequests[0].body), /my name is Ann.*who am I\?.*You are Ann\..*again\?/);
    const db = openDatabase(s.home.dir);
    const models = db.prepare("SELECT provider, model FROM audit_log WHERE kind = 'response' ORDER BY id").all()
      .map((r) => `${r.provider}:${r.model}`);
    db.close();
    assert.deepEqual(models, ["openai:m", "openai:m2", "anthropic:claude-x"]);
    // The session is still the session's model.
    const status = JSON.parse((await runPai(["status", "--json"], { home: s.home, env })).stdout);
    assert.equal(status.session.model, "m");
    assert.equal(status.session.messages, 6);
    // The history says which model wrote each answer.
    const shown = await runPai(["history"], { home: s.home, env });
    assert.match(shown.stdout, /assistant \(openai:m\): Noted, Ann\.[\s\S]*assistant \(openai:m2\): You are Ann\./);
    assert.match(shown.stdout, /assistant \(anthropic:claude-x\): Ann, still\./);
  } finally {
    await other.close();
    await s.close();
  }
});

Deno.test("-m to a model that may not receive what the history holds sends it nothing", async () => {
  const s = await openaiSession();
  const other = FakeModelServer.start({ models: ["claude-x"] });
  const w = await makeWorkspace();
  const env = { ...s.env, ANTHROPIC_API_KEY: "sk-ant-test-0123456789abcdef", ANTHROPIC_BASE_URL: other.url };
  try {
    await privateHrFile(w, { home: s.home, env: env });
    // The session's model is local (loopback): it may receive the private file.
    s.server.enqueue({ text: "It lists salaries." });
    const first = await runPai(["chat", "--no-tools", "--resource", "hr"], {
      home: s.home,
      env,
      stdin: "what is it?\n",
    });
    assert.equal(first.code, 0, first.stderr);
    // The policy lets Anthropic receive at most internal data: the history holds private data, so nothing is sent.
    Deno.writeTextFileSync(
      `${s.home.dir}/policy.json`,
      JSON.stringify({ providers: { byName: { anthropic: "internal" } } }),
    );
    const switched = await runPai(["chat", "--no-tools", "-m", "anthropic:claude-x"], {
      home: s.home,
      env,
      stdin: "and now?\n",
    });
    assert.equal(switched.code, 7, switched.stderr);
    assert.match(switched.stderr, /Not sent: a message of this session's history holds data labelled private/);
    assert.equal(other.chatRequests.length, 0);
    assert.ok(!JSON.stringify(other.requests).includes(SECRET));
  } finally {
    await other.close();
    await s.close();
    w.cleanup();
  }
});

Deno.test("pai models lists what each provider set up here offers, where it runs, and the aliases", async () => {
  const s = await openaiSession({ models: ["m", "m2"] });
  const ollama = FakeModelServer.start({ models: ["llama3.2"], ollama: true });
  const env = { ...s.env, OLLAMA_HOST: ollama.url };
  try {
    Deno.writeTextFileSync(`${s.home.dir}/config.json`, JSON.stringify({ aliases: { small: "ollama:llama3.2" } }));
    const all = await runPai(["models"], { home: s.home, env });
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /^PROVIDER +WHERE +MODEL\n/);
    assert.match(all.stdout, /\nopenai +local +m \(session\)\nopenai +local +m2\n/);
    assert.match(all.stdout, /\nanthropic +- +\(Cannot use anthropic: ANTHROPIC_API_KEY is not set\)\n/);
    assert.match(all.stdout, /\nollama +local +llama3\.2:latest\n/);
    assert.match(all.stdout, /Aliases \(config\.json\):\n {2}small +ollama:llama3\.2\n/);
    const one = JSON.parse((await runPai(["models", "ollama", "--json"], { home: s.home, env })).stdout);
    assert.deepEqual(one.providers.map((p: { provider: string; models: string[] }) => [p.provider, p.models]), [
      ["ollama", ["llama3.2:latest"]],
    ]);
    const bad = await runPai(["models", "olama"], { home: s.home, env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Unknown provider "olama"/);
  } finally {
    await ollama.close();
    await s.close();
  }
});

Deno.test("sessions: named at init, listed, resumed with --session or --continue, renamed and deleted", async () => {
  const s = await openaiSession({}, ["--name", "work"]);
  try {
    s.server.enqueue({ text: "Noted: work." }, { text: "Noted: home." }, { text: "You said work." });
    const chat = (text: string) => runPai(["chat", "--no-tools"], { home: s.home, env: s.env, stdin: `${text}\n` });
    assert.equal((await chat("this is work")).code, 0);
    const home = await runPai(["init", "openai", "--model", "m", "--name", "home"], { home: s.home, env: s.env });
    assert.equal(home.code, 0, home.stderr);
    assert.equal((await chat("this is home")).code, 0);
    const taken = await runPai(["init", "openai", "--model", "m", "--name", "home"], { home: s.home, env: s.env });
    assert.equal(taken.code, 2);
    assert.match(taken.stderr, /--name "home": a session has that name already/);

    const listed = await runPai(["sessions", "--json"], { home: s.home, env: s.env });
    const rows = JSON.parse(listed.stdout) as { name: string; current: boolean; messages: number }[];
    assert.deepEqual(rows.map((r) => [r.name, r.current, r.messages]), [["home", true, 2], ["work", false, 2]]);
    // Resuming "work": it becomes the current session, and its conversation goes on.
    const resumed = await runPai(["chat", "--no-tools", "--session", "work"], {
      home: s.home,
      env: s.env,
      stdin: "what did I say?\n",
    });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /^Resuming session work \(openai, m\)\.\n/);
    assert.match(JSON.stringify(s.server.chatRequests[2].body), /this is work.*what did I say\?/);
    assert.ok(!JSON.stringify(s.server.chatRequests[2].body).includes("this is home"));
    assert.match((await runPai(["status"], { home: s.home, env: s.env })).stdout, /name +work/);

    assert.equal((await runPai(["sessions", "rename", "work", "office"], { home: s.home, env: s.env })).code, 0);
    const shown = JSON.parse(
      (await runPai(["sessions", "show", "office", "--json"], { home: s.home, env: s.env })).stdout,
    );
    assert.equal(shown.messages, 4);
    const removed = await runPai(["sessions", "rm", "home"], { home: s.home, env: s.env });
    assert.match(removed.stdout, /Deleted session home and its 2 messages/);
    // --continue: the session used last.
    s.server.enqueue({ text: "Still office." });
    const cont = await runPai(["prompt", "-c", "hello"], { home: s.home, env: s.env });
    assert.equal(cont.code, 0, cont.stderr);
    const none = await runPai(["prompt", "--session", "nope", "hi"], { home: s.home, env: s.env });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--session "nope": no such session\n"pai sessions" lists them/);
  } finally {
    await s.close();
  }
});

Deno.test("pai history shows a conversation as text, Markdown or JSON, the last -n messages, of any session", async () => {
  const s = await openaiSession({}, ["--name", "notes"]);
  const w = await makeWorkspace();
  try {
    Deno.writeTextFileSync(`${w.ws}/todo.md`, "- renew passport\n");
    s.server.enqueue(
      { text: "Let me look.", toolCalls: [{ name: "fs_read", arguments: '{"path":"todo.md"}' }] },
      { text: "Renew your passport." },
      { text: "You are welcome." },
    );
    const chat = await runPai(["chat"], {
      home: s.home,
      env: s.env,
      cwd: w.ws,
      stdin: "what is on my list?\nthanks\n",
    });
    assert.equal(chat.code, 0, chat.stderr);
    const text = await runPai(["history"], { home: s.home, env: s.env });
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      /^you \(chat\): what is on my list\?\nassistant \(openai:m\): Let me look\.\n {2}⚙ fs_read \{"path":"todo\.md"\}\n\n {2}\[result of call_\d+: \d+ characters, internal\]\nassistant \(openai:m\): Renew your passport\.\n\nyou \(chat\): thanks\nassistant \(openai:m\): You are welcome\.\n\n$/,
    );
    const last = await runPai(["history", "-n", "2", "--format", "markdown", "--session", "notes"], {
      home: s.home,
      env: s.env,
    });
    assert.equal(
      last.stdout,
      "(4 earlier messages not shown)\n\n**You** (chat)\n\nthanks\n\n**Assistant** (openai:m)\n\nYou are welcome.\n\n",
    );
    const json = JSON.parse((await runPai(["history", "--format", "json"], { home: s.home, env: s.env })).stdout);
    assert.deepEqual(json.messages.map((m: { role: string }) => m.role), [
      "user",
      "assistant",
      "tool",
      "assistant",
      "user",
      "assistant",
    ]);
    const none = await runPai(["history", "--session", "nope"], { home: s.home, env: s.env });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--session "nope": no such session/);
  } finally {
    await s.close();
    w.cleanup();
  }
});

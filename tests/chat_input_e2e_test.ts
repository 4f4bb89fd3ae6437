/**
 * End to end in a real terminal, and piped: what a user types into `pai chat` is what is sent (pastes whole, blocks,
 * new lines), slash commands are never sent, Ctrl+C clears a line, and keys typed ahead never answer a question.
 */
import assert from "node:assert/strict";
import { FakeModelServer } from "./fakes/fake_model_server.ts";
import { openaiSession, storedHistory, TEST_OPENAI_KEY } from "./helpers/session.ts";
import { TerminalSession } from "./helpers/terminal.ts";
import { QUESTION_GUARD_MS } from "../src/cli/terminal_input.ts";
import { makePaiHome, runPai } from "./helpers/run_pai.ts";
import { call, makeWorkspace, privateHrFile, SECRET, sentToModel } from "./helpers/workspace.ts";

const PROMPT = "you› ";
const PASTE = (text: string) => `\x1b[200~${text}\x1b[201~`;

/** Ends a chat as a user does, with Ctrl+D at the next prompt after `at`; it must exit 0. */
async function endChat(term: TerminalSession, at: number): Promise<void> {
  await term.waitFor(PROMPT, at);
  await term.type("\x04");
  assert.equal(await term.exit(), 0, term.screen);
}

/** The user's text in the last request the model server got. */
function lastUserText(s: Awaited<ReturnType<typeof openaiSession>>): string {
  const messages = s.server.chatRequests.at(-1)!.body!.messages as { role: string; content: string }[];
  return messages.filter((m) => m.role === "user").at(-1)!.content;
}

Deno.test('in a terminal, a pasted text is sent whole, and Alt+Enter, \\ and a """ block make messages of lines', async () => {
  const s = await openaiSession();
  try {
    s.server.enqueue({ text: "got the paste" }, { text: "got the lines" }, { text: "got the block" });
    const term = new TerminalSession(["chat"], s.home, s.env);
    let at = await term.waitFor(PROMPT);
    // The terminal sends a pasted text's line breaks as CR, the key Enter sends: without bracketed paste, the first
    // line alone would be sent and each other line would be a message of its own.
    await term.type(`${PASTE("line one\rline two\rline three")}\r`);
    at = await term.waitFor("got the paste", at);
    assert.equal(lastUserText(s), "line one\nline two\nline three");
    at = await term.waitFor(PROMPT, at);
    await term.type("first\x1b\rsecond\\\rthird\r");
    at = await term.waitFor("got the lines", at);
    assert.equal(lastUserText(s), "first\nsecond\nthird");
    at = await term.waitFor(PROMPT, at);
    await term.type('"""\r  indented\r\rlast\r"""\r');
    at = await term.waitFor("got the block", at);
    assert.equal(lastUserText(s), "  indented\n\nlast");
    await endChat(term, at);
    assert.equal(s.server.chatRequests.length, 3);
  } finally {
    await s.close();
  }
});

Deno.test("in a terminal, Ctrl+C clears the line; on an empty line it warns, and a second one ends the chat", async () => {
  const s = await openaiSession();
  try {
    s.server.enqueue({ text: "only this" });
    const term = new TerminalSession(["chat"], s.home, s.env);
    let at = await term.waitFor(PROMPT);
    await term.type("typed by mistake\x03");
    at = await term.waitFor(PROMPT, at);
    await term.type("the real one\r");
    at = await term.waitFor("only this", at);
    assert.equal(lastUserText(s), "the real one");
    at = await term.waitFor(PROMPT, at);
    await term.type("\x03");
    at = await term.waitFor("Ctrl+C again or Ctrl+D", at);
    await term.waitFor(PROMPT, at);
    await term.type("\x03");
    // Ended by the second Ctrl+C, with stdin still open.
    const ended = await Promise.race([
      term.exit(),
      new Promise((r) => setTimeout(() => r("still running"), 10_000)),
    ]);
    assert.equal(ended, 0, term.screen);
    assert.equal(s.server.chatRequests.length, 1);
  } finally {
    await s.close();
  }
});

Deno.test("in a terminal, what is typed while an answer streams is not mixed into it, and is the next message", async () => {
  const s = await openaiSession();
  try {
    s.server.enqueue({ text: Array.from({ length: 30 }, (_, i) => `w${i} `), chunkDelayMs: 40 }, { text: "second" });
    const term = new TerminalSession(["chat"], s.home, s.env);
    let at = await term.waitFor(PROMPT);
    await term.type("long answer please\r");
    at = await term.waitFor("w2 ", at);
    await term.type("typed ahead");
    at = await term.waitFor("w29", at);
    const answer = term.screen.slice(term.screen.indexOf("w2 "), at);
    assert.ok(!answer.includes("typed ahead"), `typed text echoed into the answer:\n${answer}`);
    // Shown at the next prompt, where Enter sends it.
    at = await term.waitFor("typed ahead", at);
    await term.type("\r");
    at = await term.waitFor("second", at);
    assert.equal(lastUserText(s), "typed ahead");
    await endChat(term, at);
  } finally {
    await s.close();
  }
});

Deno.test("in a terminal, keys typed before an approval question is shown do not answer it", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    const secret = `${w.outside}/secret.txt`;
    const slowCall = {
      ...call("fs_read", { path: secret }),
      text: Array.from({ length: 20 }, () => "."),
      chunkDelayMs: 40,
    };
    // Down then Enter: "Allow once", the choice after the default "Deny" (the list wraps). Typed at the question,
    // those keys allow the call: the attack below types exactly them, only earlier.
    s.server.enqueue(slowCall, { text: "allowed when asked" });
    const asked = new TerminalSession(["chat"], s.home, s.env, w.ws);
    let at = await asked.waitFor(PROMPT);
    await asked.type("read it\r");
    at = await asked.waitForQuestion("Allow?", at);
    await asked.type("\x1b[B\r");
    at = await asked.waitFor("allowed when asked", at);
    await endChat(asked, at);
    assert.ok(sentToModel(s).includes(SECRET), "the keys typed at the question allowed the call");

    await runPai(["reset"], { home: s.home, env: s.env });
    const before = s.server.requests.length;
    s.server.enqueue(slowCall, { text: "after the question" });
    const ahead = new TerminalSession(["chat"], s.home, s.env, w.ws);
    at = await ahead.waitFor(PROMPT);
    await ahead.type("read it again\r");
    at = await ahead.waitFor("..", at);
    await ahead.type("\x1b[B\r"); // typed while the answer streams, before any question
    at = await ahead.waitForQuestion("Allow?", at);
    await ahead.waitFor("dropped", 0);
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(!ahead.screen.slice(at).includes("after the question"), "the question was answered by typed-ahead keys");
    await ahead.type("\r"); // the default: Deny
    at = await ahead.waitFor("after the question", at);
    await endChat(ahead, at);
    assert.ok(!JSON.stringify(s.server.requests.slice(before)).includes(SECRET), "denied: nothing was read");
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("slash commands are PAI's, never sent: /help, /model, /cost, /tools, /save, /clear, an unknown one, /exit", async () => {
  const s = await openaiSession({ models: ["m", "gpt-4o-mini"] });
  const w = await makeWorkspace();
  try {
    s.server.enqueue({ text: "first answer" }, { text: "from the other model" });
    const term = new TerminalSession(["chat"], s.home, s.env, w.ws);
    let at = await term.waitFor("a new conversation");
    at = await term.waitFor(PROMPT, at);
    await term.type("/help\r");
    at = await term.waitFor("/save FILE", at);
    await term.type("/nonsense here\r");
    at = await term.waitFor('Unknown command "/nonsense": nothing was sent', at);
    await term.type("hello\r");
    at = await term.waitFor("first answer", at);
    await term.type("/model openai:gpt-4o-mimi\r");
    at = await term.waitFor('openai offers no model "gpt-4o-mimi"', at);
    await term.type("/model openai:gpt-4o-mini\r");
    at = await term.waitFor("Now openai (gpt-4o-mini)", at);
    await term.type("//etc/hosts: what is it?\r");
    at = await term.waitFor("from the other model", at);
    const last = s.server.chatRequests.at(-1)!.body!;
    assert.equal(last.model, "gpt-4o-mini");
    assert.equal(lastUserText(s), "/etc/hosts: what is it?");
    assert.ok(JSON.stringify(last.messages).includes("first answer"), "the history went with the switch");
    await term.type("/cost\r");
    at = await term.waitFor("This session:", at);
    await term.type("/tools\r");
    at = await term.waitFor("fs_read", at);
    await term.type("/save chat.md\r");
    at = await term.waitFor("Saved 4 messages to chat.md", at);
    await term.type("/save chat.md\r");
    at = await term.waitFor("it exists (nothing is overwritten)", at);
    await term.type("/clear\r");
    at = await term.waitFor("Cleared 4 messages", at);
    await term.type("/exit\r");
    assert.equal(await term.exit(), 0, term.screen);
    assert.equal(s.server.chatRequests.length, 2, "no command reached the model");
    const saved = Deno.readTextFileSync(`${w.ws}/chat.md`);
    assert.match(saved, /\*\*You\*\* \(chat\)\n\nhello/);
    assert.match(saved, /from the other model/);
    assert.equal(storedHistory(s.home).length, 0);
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test('piped, a """ block is one message, a command runs, and an unknown command fails with nothing sent', async () => {
  const s = await openaiSession();
  try {
    s.server.enqueue({ text: "block received" });
    const ok = await runPai(["chat"], {
      home: s.home,
      env: s.env,
      stdin: '"""\ndef f():\n    return 1\n"""\n/cost\n',
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(lastUserText(s), "def f():\n    return 1");
    assert.match(ok.stdout, /block received[\s\S]*This session: \d+ tokens in/);
    const bad = await runPai(["chat"], { home: s.home, env: s.env, stdin: "/modle gpt-4o\nhello\n" });
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /Unknown command "\/modle": nothing was sent/);
    const open = await runPai(["chat"], { home: s.home, env: s.env, stdin: '"""\nnever closed\n' });
    assert.equal(open.code, 2, open.stderr);
    assert.match(open.stderr, /ended inside a """ block/);
    assert.equal(s.server.chatRequests.length, 1);
  } finally {
    await s.close();
  }
});

Deno.test("/save of a conversation that held private data keeps its label: a later remote run does not get it", async () => {
  const local = FakeModelServer.start({ models: ["llama3.2"], ollama: true });
  const remote = FakeModelServer.start({ models: ["m"] });
  const home = makePaiHome();
  const w = await makeWorkspace();
  const env = { OLLAMA_HOST: local.url, OPENAI_API_KEY: TEST_OPENAI_KEY, OPENAI_BASE_URL: `${remote.url}/v1` };
  try {
    assert.equal((await runPai(["init", "ollama", "--model", "llama3.2"], { home, env })).code, 0);
    await privateHrFile(w, { home, env });
    local.enqueue({ text: `It lists ${SECRET}.` });
    const chat = await runPai(["chat", "--resource", "hr"], {
      home,
      env,
      cwd: w.ws,
      stdin: "what is in it?\n/save chat.md\n",
    });
    assert.equal(chat.code, 0, chat.stderr);
    assert.match(chat.stdout, /Saved 2 messages to chat\.md \(labelled private\)/);
    assert.ok(Deno.readTextFileSync(`${w.ws}/chat.md`).includes(SECRET));
    // A remote session's agent reads the saved file: labelled private, its content is not sent.
    assert.equal((await runPai(["init", "openai", "--model", "m", "--locality", "remote"], { home, env })).code, 0);
    remote.enqueue(call("fs_read", { path: "chat.md" }), { text: "done" });
    const agent = await runPai(["agent", "read chat.md"], { home, env, cwd: w.ws });
    assert.ok(
      !JSON.stringify(remote.requests).includes(SECRET),
      `the remote server got the saved chat: ${agent.stderr}`,
    );
    assert.match(agent.stderr, /private/);
  } finally {
    w.cleanup();
    home.cleanup();
    await local.close();
    await remote.close();
  }
});

Deno.test("in a terminal, a paste that arrives in pieces, with pauses, is one message: its lines never act as Enter", async () => {
  const s = await openaiSession();
  try {
    s.server.enqueue({ text: "got it" });
    const term = new TerminalSession(["chat"], s.home, s.env);
    let at = await term.waitFor(PROMPT);
    // Over SSH a long paste comes in pieces: a pause longer than an escape sequence's wait is no end of the paste.
    await term.type("\x1b[200~first line\r");
    await new Promise((r) => setTimeout(r, 300));
    await term.type("/clear\r// a comment\r");
    await new Promise((r) => setTimeout(r, 300));
    await term.type("last line\x1b[201~");
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(s.server.chatRequests.length, 0, "a pasted line was sent on its own");
    await term.type("\r");
    at = await term.waitFor("got it", at);
    assert.equal(lastUserText(s), "first line\n/clear\n// a comment\nlast line");
    await endChat(term, at);
    assert.equal(s.server.chatRequests.length, 1);
  } finally {
    await s.close();
  }
});

Deno.test("a question takes no key in its first moment, nor letters: typing as if at the prompt never answers it", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    const secret = `${w.outside}/secret.txt`;
    // For pai agent (no chat reader of its own) and in a chat: "always" + Enter would pick "Always allow (saved)"
    // by the select's type-to-search, and Up + Enter right as the question appears would pick "Always allow" too.
    for (const args of [["agent", "read it"], ["chat"]]) {
      s.server.enqueue(call("fs_read", { path: secret }), { text: "after the question" });
      const term = new TerminalSession(args, s.home, s.env, w.ws);
      let at = 0;
      if (args[0] === "chat") {
        at = await term.waitFor(PROMPT);
        await term.type("read it\r");
      }
      at = await term.waitFor("Allow?", at);
      await term.type("\x1b[A\r"); // at once: Up from "Deny" is "Always allow", and Enter would pick it
      await new Promise((r) => setTimeout(r, QUESTION_GUARD_MS + 200));
      // Letters and digits jump to a choice in the select ("a" to "Allow once", "1" to the first): they are dropped,
      // and the Enter after them takes the default, Deny.
      await term.type("always1\r");
      at = await term.waitFor("after the question", at);
      if (args[0] === "chat") await endChat(term, at);
      else assert.equal(await term.exit(), 0, term.screen);
    }
    const approvals = await runPai(["policy", "approvals", "--json"], { home: s.home, env: s.env });
    assert.ok(!approvals.stdout.includes("secret.txt"), approvals.stdout);
    assert.ok(!sentToModel(s).includes(SECRET), "a question was answered by keys not meant for it");
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("/save writes only inside the workspace, never in .git, .pai, a .env file or a folder of secrets", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    Deno.mkdirSync(`${w.ws}/.git/hooks`, { recursive: true });
    s.server.enqueue({ text: "ssh-ed25519 AAAA attacker" });
    const cases = [".git/hooks/pre-commit", ".pai/policy.json", ".env", `${w.outside}/x.md`, "/dev/stdout"];
    const run = await runPai(["chat"], {
      home: s.home,
      env: s.env,
      cwd: w.ws,
      stdin: `hello\n${cases.map((c) => `/save ${c}`).join("\n")}\n`,
    });
    assert.equal(run.code, 2, run.stderr);
    assert.match(
      run.stderr,
      /Cannot save the conversation to "\.git\/hooks\/pre-commit": it is in a \.git or \.pai folder/,
    );
    assert.throws(() => Deno.statSync(`${w.ws}/.git/hooks/pre-commit`));
    for (const c of cases.slice(1)) {
      const one = await runPai(["chat"], { home: s.home, env: s.env, cwd: w.ws, stdin: `/save ${c}\n` });
      assert.equal(one.code, 2, one.stderr);
      assert.match(one.stderr, /Cannot save the conversation to/);
      assert.ok(!one.stderr.includes("--allow-all"), one.stderr);
    }
    assert.throws(() => Deno.statSync(`${w.ws}/.env`));
    assert.throws(() => Deno.statSync(`${w.outside}/x.md`));
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("in a terminal, Ctrl+C typed with the Enter that sends a message stops that answer, and the chat goes on", async () => {
  const s = await openaiSession();
  try {
    s.server.enqueue({ text: "next" });
    const term = new TerminalSession(["chat"], s.home, s.env);
    let at = await term.waitFor(PROMPT);
    await term.type("tell me\r\x03"); // one burst: read together, before the request is even sent
    at = await term.waitFor("[interrupted]", at);
    at = await term.waitFor(PROMPT, at);
    assert.ok(!term.screen.includes("Ctrl+C again"), "the Ctrl+C was taken for one at the prompt");
    await term.type("and now\r");
    at = await term.waitFor("next", at);
    await endChat(term, at);
    assert.equal(s.server.chatRequests.length, 1, "the stopped message was sent");
  } finally {
    await s.close();
  }
});

/**
 * End to end: a session with models for roles. Data labelled above what the remote main model may receive goes to
 * the local model instead (an attached resource, a tool result, the history after it), said on stderr and recorded,
 * while the remote server never sees it; the planner plans agent runs and the summariser writes summaries, each
 * through its own server; the roles are pinned and shown; a local model that is not local is refused.
 */
import assert from "node:assert/strict";
import { eventOf } from "../src/audit/events.ts";
import { openDatabase } from "../src/store/db.ts";
import { FakeModelServer } from "./fakes/fake_model_server.ts";
import { makePaiHome, paiCommand, type PaiHome, runPai } from "./helpers/run_pai.ts";
import { call, makeWorkspace, privateHrFile, SECRET } from "./helpers/workspace.ts";

interface Roles {
  remote: FakeModelServer;
  local: FakeModelServer;
  home: PaiHome;
  env: Record<string, string>;
  close(): Promise<void>;
}

/** A remote openai main model and a local Ollama model, both fakes; `init` flags may add roles. */
async function withRoles(initFlags: string[] = [], servers: FakeModelServer[] = []): Promise<Roles> {
  const remote = FakeModelServer.start({ models: ["m"] });
  const local = FakeModelServer.start({ models: ["llama3.2"], ollama: true });
  const home = makePaiHome();
  const env = {
    OPENAI_API_KEY: "sk-test-openai-0123456789abcdef",
    OPENAI_BASE_URL: `${remote.url}/v1`,
    OLLAMA_HOST: local.url,
  };
  const init = await runPai(
    ["init", "openai", "--model", "m", "--locality", "remote", "--local-model", "ollama:llama3.2", ...initFlags],
    { home, env: { ...env, ...extraEnv(servers) } },
  );
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stdout, /local model \(data the main model may not receive\): ollama:llama3\.2:latest at /);
  return {
    remote,
    local,
    home,
    env: { ...env, ...extraEnv(servers) },
    close: async () => {
      for (const s of [remote, local, ...servers]) await s.close();
      home.cleanup();
    },
  };
}

/** The variables that point the other role servers' providers to them (planner: anthropic, summariser: lmstudio). */
function extraEnv(servers: FakeModelServer[]): Record<string, string> {
  const [planner, summarizer] = servers;
  return {
    ...(planner ? { ANTHROPIC_API_KEY: "sk-ant-test-0123456789abcdef", ANTHROPIC_BASE_URL: planner.url } : {}),
    ...(summarizer ? { LMSTUDIO_BASE_URL: `${summarizer.url}/v1` } : {}),
  };
}

function routeEvents(home: PaiHome) {
  const db = openDatabase(home.dir);
  try {
    return db.prepare("SELECT * FROM audit_log WHERE kind IN ('policy_decision', 'request') ORDER BY id").all()
      .map((r) => eventOf(r)!);
  } finally {
    db.close();
  }
}

Deno.test("private data goes to the local model: an attached resource, a tool result and the history after it", async () => {
  const s = await withRoles();
  const w = await makeWorkspace();
  try {
    await privateHrFile(w, { home: s.home, env: s.env });

    // An attached private resource: the whole request goes to the local model, said once on stderr.
    s.local.enqueue({ text: "It lists salaries." });
    const prompt = await runPai(["prompt", "--resource", "hr", "What is in it?"], {
      home: s.home,
      env: s.env,
      cwd: w.ws,
    });
    assert.equal(prompt.code, 0, prompt.stderr);
    assert.equal(prompt.stdout, "It lists salaries.\n");
    assert.match(
      prompt.stderr,
      /pai: this request holds data labelled private, which openai:m \(remote\) may not receive: sent to ollama:llama3\.2:latest \(local\) instead\n/,
    );
    assert.equal(s.remote.chatRequests.length, 0);
    assert.ok(JSON.stringify(s.local.chatRequests[0].body).includes(SECRET));

    // An agent: the first request (nothing private yet) goes to the remote model; the result of reading the private
    // file makes the next request local, and the remote model never sees the file.
    s.remote.enqueue(call("fs_read", { path: "hr.txt" }));
    s.local.enqueue({ text: "Read it: salaries." });
    const agent = await runPai(["agent", "--json", "read hr.txt"], { home: s.home, env: s.env, cwd: w.ws });
    assert.equal(agent.code, 0, agent.stderr);
    const run = JSON.parse(agent.stdout);
    assert.equal(run.text, "Read it: salaries.");
    assert.equal(run.routedTo, "ollama:llama3.2:latest (local)");
    assert.equal(s.remote.chatRequests.length, 1);
    assert.ok(!JSON.stringify(s.remote.requests).includes(SECRET), "the remote server never saw the file");

    // In a chat, the turn that reads the file goes local after the read, and so does the next turn: its history
    // holds the result (an agent run starts afresh, a chat carries its history).
    s.remote.enqueue(call("fs_read", { path: "hr.txt" }));
    s.local.enqueue({ text: "Read it." }, { text: "Still local." });
    const chat = await runPai(["chat"], { home: s.home, env: s.env, cwd: w.ws, stdin: "read hr.txt\nand now?\n" });
    assert.equal(chat.code, 0, chat.stderr);
    assert.match(chat.stdout, /Read it\.\n.*Still local\./s);
    assert.equal(s.remote.chatRequests.length, 2);
    assert.equal(s.local.chatRequests.length, 4);
    assert.ok(!JSON.stringify(s.remote.requests).includes(SECRET), "the remote server never saw the file");

    // Recorded: each routing decision, and each request row says where it went.
    const events = routeEvents(s.home);
    const routes = events.filter((e) => e.kind === "policy_decision" && e.check === "route");
    assert.equal(routes.length, 4);
    const requests = events.filter((e) => e.kind === "request");
    const where = ["local", "remote", "local", "remote", "local", "local"];
    assert.deepEqual(requests.map((r) => r.kind === "request" && r.locality), where);
    assert.deepEqual(requests.map((r) => r.model), where.map((l) => l === "local" ? "llama3.2:latest" : "m"));
    const traced = await runPai(["audit", "where", `${w.ws}/hr.txt`, "--json"], { home: s.home, env: s.env });
    const flows: { locality: string }[] = JSON.parse(traced.stdout).flows;
    assert.ok(flows.length >= 4 && flows.every((f) => f.locality === "local"), traced.stdout);

    // The local model's usage is its own in pai status.
    const status = await runPai(["status"], { home: s.home, env: s.env });
    assert.match(status.stdout, /local +ollama:llama3\.2:latest at .*\(local\): the local model/);
    assert.match(status.stdout, / {2}ollama:llama3\.2:latest +\d+ in, \d+ out/);
  } finally {
    await s.close();
    w.cleanup();
  }
});

Deno.test("the planner plans agent runs and the summariser writes summaries, each on its own server", async () => {
  const planner = FakeModelServer.start({ models: ["claude-3-5-haiku-latest"] });
  const summarizer = FakeModelServer.start({ models: ["qwen"] });
  const s = await withRoles(
    ["--planner", "anthropic:claude-3-5-haiku-latest", "--summarizer", "lmstudio:qwen"],
    [planner, summarizer],
  );
  try {
    planner.enqueue({ text: "1. List the folder with fs_list. 2. Answer." });
    s.remote.enqueue(call("fs_list", { path: "." }), { text: "There is nothing much." });
    const agent = await runPai(["agent", "what is here?"], { home: s.home, env: s.env });
    assert.equal(agent.code, 0, agent.stderr);
    assert.match(agent.stderr, /pai: anthropic:claude-3-5-haiku-latest \(local\) is planning the run/);
    assert.equal(planner.chatRequests.length, 1);
    assert.equal(planner.chatRequests[0].path, "/v1/messages");
    assert.match(String(planner.chatRequests[0].body!.system), /^You plan work that another model will carry out/);
    const first = JSON.stringify(s.remote.chatRequests[0].body);
    assert.match(
      first,
      /what is here\?\\n\\n<plan by=\\"anthropic:claude-3-5-haiku-latest \(local\)\\" trust=\\"untrusted\\">\\n1\. List the folder/,
    );

    // A chat long enough to be summarised: the summariser writes the summaries, the main model answers.
    Deno.writeTextFileSync(
      `${s.home.dir}/config.json`,
      JSON.stringify({ maxTokens: 100, models: { m: { contextWindow: 1200 } } }),
    );
    const lines = Array.from({ length: 12 }, (_, i) => `Question ${i}: `.padEnd(240, `words about item ${i} `));
    const chat = await runPai(["chat", "--no-tools"], { home: s.home, env: s.env, stdin: `${lines.join("\n")}\n` });
    assert.equal(chat.code, 0, chat.stderr);
    assert.ok(summarizer.chatRequests.length >= 1, "the summariser wrote the summaries");
    assert.ok(summarizer.chatRequests.every((r) => JSON.stringify(r.body).includes("Summarise the conversation")));
    assert.ok(!s.remote.chatRequests.some((r) => JSON.stringify(r.body).includes("Summarise the conversation")));
    const status = await runPai(["status", "--json"], { home: s.home, env: s.env });
    const roles = JSON.parse(status.stdout).session.roles;
    assert.deepEqual(Object.keys(roles).sort(), ["local", "planner", "summarizer"]);
    assert.equal(roles.summarizer.model, "qwen");
  } finally {
    await s.close();
  }
});

Deno.test("a role's model is held to its pin; a local model that is not local is refused at init", async () => {
  const s = await withRoles();
  try {
    const moved = await runPai(["prompt", "hi"], {
      home: s.home,
      env: { ...s.env, OLLAMA_HOST: "http://127.0.0.1:9" },
    });
    assert.equal(moved.code, 3, moved.stderr);
    assert.match(
      moved.stderr,
      /The session's local model \(ollama:llama3\.2:latest\) was pinned to http:\/\/127\.0\.0\.1:\d+\/v1 \(local\), but this environment points it to http:\/\/127\.0\.0\.1:9\/v1 \(local\): nothing was sent/,
    );
    assert.equal(s.remote.chatRequests.length + s.local.chatRequests.length, 0);
    // The main endpoint moved: the new session the hint offers is made as this one was, locality and roles included.
    const drift = await runPai(["prompt", "hi"], {
      home: s.home,
      env: { ...s.env, OPENAI_BASE_URL: "http://127.0.0.1:9/v1" },
    });
    assert.equal(drift.code, 3, drift.stderr);
    assert.match(drift.stderr, /pai init openai --model m --locality remote --local-model ollama:llama3\.2:latest\n/);

    const remoteLocal = await runPai(
      ["init", "ollama", "--model", "llama3.2", "--local-model", "openai:gpt-4o-mini"],
      { home: s.home, env: { ...s.env, OPENAI_BASE_URL: "https://api.openai.com/v1" } },
    );
    assert.equal(remoteLocal.code, 2, remoteLocal.stderr);
    assert.match(
      remoteLocal.stderr,
      /--local-model openai:gpt-4o-mini: openai runs remotely here: the local model must run on this machine/,
    );
    const bad = await runPai(["init", "ollama", "--model", "llama3.2", "--planner", "llama3.2"], {
      home: s.home,
      env: s.env,
    });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--planner "llama3\.2": it names no provider/);
  } finally {
    await s.close();
  }
});

Deno.test("a role at the main model's endpoint runs where the user said it does: --locality remote holds for it", async () => {
  const s = await withRoles(["--planner", "openai:m"]);
  try {
    const status = await runPai(["status", "--json"], { home: s.home, env: s.env });
    assert.equal(JSON.parse(status.stdout).session.roles.planner.pinned.locality, "remote");
    const refused = await runPai(
      ["init", "openai", "--model", "m", "--locality", "remote", "--local-model", "openai:m"],
      { home: s.home, env: s.env },
    );
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(
      refused.stderr,
      /--local-model openai:m: it runs at http:\/\/127\.0\.0\.1:\d+\/v1, the main model's endpoint, which --locality remote makes remote/,
    );
    const compatible = await runPai(["init", "openai", "--model", "m", "--planner", "openai-compatible:x"], {
      home: s.home,
      env: s.env,
    });
    assert.match(compatible.stderr, /--planner openai-compatible:x: openai-compatible cannot take a role/);
  } finally {
    await s.close();
  }
});

Deno.test("labels are judged when each task starts: a file labelled while the assistant runs goes local", async () => {
  const s = await withRoles();
  const w = await makeWorkspace();
  try {
    Deno.writeTextFileSync(`${s.home.dir}/config.json`, JSON.stringify({ assistant: { pollSeconds: 0.05 } }));
    Deno.writeTextFileSync(`${w.ws}/pay.txt`, `pay: ${SECRET}\n`);
    const child = paiCommand(["assistant", "run", "--allow-read", w.ws], { home: s.home, env: s.env, cwd: w.ws })
      .spawn();
    child.stdin.close();
    const output = child.output();
    await new Promise((r) => setTimeout(r, 1500)); // started, with no label on pay.txt
    const add = await runPai([
      "resource",
      "add",
      "pay",
      "--kind",
      "file",
      "--uri",
      `${w.ws}/pay.txt`,
      "--label",
      "private",
    ], {
      home: s.home,
      env: s.env,
    });
    assert.equal(add.code, 0, add.stderr);
    s.remote.enqueue(call("fs_read", { path: "pay.txt" }));
    s.local.enqueue({ text: "Read it." });
    assert.equal((await runPai(["task", "add", "read pay.txt"], { home: s.home, env: s.env })).code, 0);
    const end = Date.now() + 15_000;
    while (s.local.chatRequests.length < 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGTERM");
    const out = await output;
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.equal(s.local.chatRequests.length, 1, new TextDecoder().decode(out.stdout));
    assert.ok(!JSON.stringify(s.remote.requests).includes(SECRET), "the remote server never saw the file");
  } finally {
    await s.close();
    w.cleanup();
  }
});

Deno.test("a hard link to a private file, found by a folder tool, carries the private label", async () => {
  for (const local of [true, false]) {
    const s = await withRoles();
    const w = await makeWorkspace();
    try {
      if (!local) {
        // The same session without a local model: init again with none.
        const init = await runPai(["init", "openai", "--model", "m", "--locality", "remote"], {
          home: s.home,
          env: s.env,
        });
        assert.equal(init.code, 0, init.stderr);
      }
      await privateHrFile(w, { home: s.home, env: s.env });
      Deno.mkdirSync(`${w.ws}/sub`);
      Deno.linkSync(`${w.ws}/hr.txt`, `${w.ws}/sub/notes.txt`);
      s.remote.enqueue(call("fs_search", { pattern: "salaries", path: "sub" }), { text: "Nothing found." });
      s.local.enqueue({ text: "Found it." });
      const run = await runPai(["agent", "search sub"], { home: s.home, env: s.env, cwd: w.ws });
      assert.equal(run.code, 0, run.stderr);
      assert.ok(!JSON.stringify(s.remote.requests).includes(SECRET), `remote saw it (local model: ${local})`);
      if (local) assert.equal(s.local.chatRequests.length, 1, "routed to the local model");
      else assert.match(JSON.stringify(s.remote.chatRequests[1].body), /PAI withheld this result/);
    } finally {
      await s.close();
      w.cleanup();
    }
  }
});

Deno.test("with a local model, a folder tool skips what the remote model may not receive until the run holds it", async () => {
  const s = await withRoles();
  const w = await makeWorkspace();
  try {
    await privateHrFile(w, { home: s.home, env: s.env });
    Deno.writeTextFileSync(`${w.ws}/todo.txt`, "buy milk\n");
    // A probe for the private file's content finds nothing, as a probe for anything else would: it is not opened.
    s.remote.enqueue(call("fs_search", { pattern: SECRET.slice(0, 8) }), { text: "Not there." });
    const run = await runPai(["agent", "--json", "probe"], { home: s.home, env: s.env, cwd: w.ws });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).routedTo, null);
    assert.equal(s.local.chatRequests.length, 0);
    assert.deepEqual(JSON.parse(run.stdout).steps[0].result.matches, []);
  } finally {
    await s.close();
    w.cleanup();
  }
});

Deno.test("--dry-run names where a routed request would go, and sends nothing", async () => {
  const s = await withRoles();
  const w = await makeWorkspace();
  try {
    await privateHrFile(w, { home: s.home, env: s.env });
    const dry = await runPai(["prompt", "--dry-run", "--resource", "hr", "what is it"], { home: s.home, env: s.env });
    assert.equal(dry.code, 0, dry.stderr);
    const shown = JSON.parse(dry.stdout);
    assert.deepEqual([shown.provider, shown.locality, shown.routed], ["ollama", "local", true]);
    assert.equal(s.remote.chatRequests.length + s.local.chatRequests.length, 0);
    const plain = JSON.parse((await runPai(["prompt", "--dry-run", "hi"], { home: s.home, env: s.env })).stdout);
    assert.deepEqual([plain.provider, plain.locality, plain.routed], ["openai", "remote", false]);
  } finally {
    await s.close();
    w.cleanup();
  }
});

Deno.test("a file written by a run that held private data keeps its label: a later remote run does not get it", async () => {
  const s = await withRoles();
  const w = await makeWorkspace();
  try {
    await privateHrFile(w, { home: s.home, env: s.env });
    // The remote model reads the file; the run goes local, and the local model copies it into summary.md.
    s.remote.enqueue(call("fs_read", { path: "hr.txt" }));
    // (Each server numbers its calls from call_0: the local one's gets its own id, as a real provider's would.)
    s.local.enqueue(call("fs_write", { path: "summary.md", content: `copied: ${SECRET}` }, "w1"), {
      text: "Wrote it.",
    });
    const first = await runPai(["agent", "summarise hr.txt into summary.md"], { home: s.home, env: s.env, cwd: w.ws });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(Deno.readTextFileSync(`${w.ws}/summary.md`), `copied: ${SECRET}`);
    // A new run, its context clean, reads summary.md: that result is private, so it goes local as well.
    s.remote.enqueue(call("fs_read", { path: "summary.md" }));
    s.local.enqueue({ text: "It is a copy." });
    const second = await runPai(["agent", "--json", "read summary.md"], { home: s.home, env: s.env, cwd: w.ws });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(JSON.parse(second.stdout).routedTo, "ollama:llama3.2:latest (local)");
    assert.ok(!JSON.stringify(s.remote.requests).includes(SECRET), "the remote server never saw the data");
    // Changed by the user since, the file is judged by the policy again.
    Deno.writeTextFileSync(`${w.ws}/summary.md`, "my own words\n");
    s.remote.enqueue(call("fs_read", { path: "summary.md" }), { text: "Your words." });
    const third = await runPai(["agent", "--json", "read summary.md"], { home: s.home, env: s.env, cwd: w.ws });
    assert.equal(JSON.parse(third.stdout).routedTo, null, third.stdout);
  } finally {
    await s.close();
    w.cleanup();
  }
});

/**
 * End to end: `pai ask`, a quick prompt with no session. With a session it uses the session's model and writes no
 * history; with none, the default provider; `--model` picks another; it reads stdin, and like every prompt it is
 * scanned, budgeted and audited.
 */
import assert from "node:assert/strict";
import { eventOf } from "../src/audit/events.ts";
import { openDatabase } from "../src/store/db.ts";
import { FakeModelServer } from "./fakes/fake_model_server.ts";
import { makePaiHome, type PaiHome, runPai } from "./helpers/run_pai.ts";
import { openaiSession, storedHistory } from "./helpers/session.ts";

const KEY = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXyZ";

/** Every audit row's kind, session and mode, in order. */
function auditRows(home: PaiHome): { kind: string; session: string | null; mode: string | null }[] {
  const db = openDatabase(home.dir);
  try {
    return db.prepare("SELECT kind, session_id, mode FROM audit_log ORDER BY id").all()
      .map((r) => ({ kind: String(r.kind), session: r.session_id as string | null, mode: r.mode as string | null }));
  } finally {
    db.close();
  }
}

Deno.test("pai ask with a session: the session's model, no tools, no history; scanned and audited", async () => {
  const s = await openaiSession({}, ["--locality", "remote"]);
  try {
    s.server.enqueue({ text: "Canberra." });
    const asked = await runPai(["ask", "capital", "of", "Australia?"], { home: s.home, env: s.env });
    assert.equal(asked.code, 0, asked.stderr);
    assert.equal(asked.stdout, "Canberra.\n");
    assert.equal(asked.stderr, "");
    const body = s.server.chatRequests[0].body!;
    assert.equal(body.model, "m", "the session's model");
    assert.equal(body.tools, undefined, "no tools are offered");
    const messages = body.messages as { role: string; content: string }[];
    assert.deepEqual(messages.filter((m) => m.role !== "system").map((m) => m.content), ["capital of Australia?"]);
    assert.deepEqual(storedHistory(s.home), [], "no history is written");

    // A chat turn first: ask carries none of the session's history.
    s.server.enqueue({ text: "Noted." }, { text: "Blue." });
    assert.equal((await runPai(["prompt", "my name is Ann"], { home: s.home, env: s.env })).code, 0);
    const second = await runPai(["ask", "sky colour?"], { home: s.home, env: s.env });
    assert.equal(second.code, 0, second.stderr);
    const sent = JSON.stringify(s.server.chatRequests[2].body);
    assert.ok(!sent.includes("my name is Ann"), "the session's history is not sent");
    assert.equal(storedHistory(s.home).length, 2, "only the prompt's turn is in the history");

    // Scanned as every prompt: a secret blocks it, nothing is sent.
    const blocked = await runPai(["ask", `deploy with ${KEY}`], { home: s.home, env: s.env });
    assert.equal(blocked.code, 7, blocked.stderr);
    assert.match(blocked.stderr, /Not sent: the prompt contains a secret \(openai_key\)/);
    assert.equal(s.server.chatRequests.length, 3);

    // Audited: prompt, request and response rows of prompt mode, under the ask's own id (not the session's).
    const rows = auditRows(s.home).filter((r) => r.session?.startsWith("ask-"));
    assert.deepEqual(
      rows.filter((r) => ["prompt", "request", "response"].includes(r.kind)).map((r) => r.kind),
      ["prompt", "request", "response", "prompt", "request", "response", "prompt"],
    );
    assert.ok(rows.every((r) => r.mode === "prompt"));
    assert.equal(new Set(rows.map((r) => r.session)).size, 3, "each ask has its own id");
    const verify = await runPai(["audit", "verify"], { home: s.home, env: s.env });
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  } finally {
    await s.close();
  }
});

Deno.test("pai ask with no session: the default provider, stdin attached, --model for another provider", async () => {
  const server = FakeModelServer.start({ models: ["gpt-4o-mini"] });
  const home = makePaiHome();
  const env = {
    OPENAI_API_KEY: "sk-test-openai-0123456789abcdef",
    OPENAI_BASE_URL: `${server.url}/v1`,
    ANTHROPIC_API_KEY: "sk-ant-test-0123456789abcdef",
    ANTHROPIC_BASE_URL: server.url,
  };
  try {
    server.enqueue({ text: "It says hello." });
    const piped = await runPai(["ask", "What does this say?"], { home, env, stdin: "hello\n" });
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout, "It says hello.\n");
    assert.match(piped.stderr, /^No session: using openai with model "gpt-4o-mini"\.\n$/);
    const first = server.chatRequests[0];
    assert.equal(first.path, "/v1/chat/completions");
    assert.equal(first.body!.model, "gpt-4o-mini");
    assert.match(JSON.stringify(first.body), /What does this say\?\\n\\n<stdin>\\nhello\\n<\/stdin>/);

    server.enqueue({ text: "Bonjour." });
    const other = await runPai(["ask", "--model", "anthropic:claude-3-5-haiku-latest", "hello in French"], {
      home,
      env,
    });
    assert.equal(other.code, 0, other.stderr);
    assert.equal(other.stdout, "Bonjour.\n");
    assert.equal(server.chatRequests[1].path, "/v1/messages");
    assert.equal(server.chatRequests[1].body!.model, "claude-3-5-haiku-latest");

    const status = await runPai(["status", "--json"], { home, env });
    assert.deepEqual(JSON.parse(status.stdout), { session: null }, "ask started no session");

    const bad = await runPai(["ask", "--model", "ollama:", "hi"], { home, env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--model "ollama:": "ollama:" names no model\nWrite PROVIDER:MODEL/);
    assert.equal(server.chatRequests.length, 2, "nothing sent for a bad --model");
  } finally {
    await server.close();
    home.cleanup();
  }
});

Deno.test("pai ask is budgeted: a daily budget it would pass refuses it before anything is sent", async () => {
  const s = await openaiSession();
  try {
    assert.equal((await runPai(["budget", "set", "--daily-tokens", "100"], { home: s.home, env: s.env })).code, 0);
    const refused = await runPai(["ask", "hello"], { home: s.home, env: s.env });
    assert.equal(refused.code, 8, refused.stderr);
    assert.match(refused.stderr, /Not sent: the daily-tokens budget could be passed/);
    assert.equal(s.server.chatRequests.length, 0);
    const db = openDatabase(s.home.dir);
    try {
      const budget = db.prepare("SELECT * FROM audit_log WHERE kind = 'budget'").all().map((r) => eventOf(r)!);
      assert.equal(budget.length, 1);
      assert.ok(budget[0].sessionId?.startsWith("ask-"));
    } finally {
      db.close();
    }
  } finally {
    await s.close();
  }
});

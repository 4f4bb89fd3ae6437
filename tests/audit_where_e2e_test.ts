/**
 * End to end: "where did my data go?" A file's content leaves PAI through a chat whose tool read it (and the next
 * chat turn that sends that result again from the history), a prompt that attaches it as a resource, and an agent
 * run whose tool read it. `pai audit where` must name exactly the requests the fake model server received with the
 * content in them — no more, no fewer — by the file, by the resource, and by a text from it.
 */
import assert from "node:assert/strict";
import { openDatabase } from "../src/store/db.ts";
import { runPai, type RunResult } from "./helpers/run_pai.ts";
import { openaiSession } from "./helpers/session.ts";
import { call, makeWorkspace } from "./helpers/workspace.ts";

/** The file's words the server must see, and the email the policy redacts for a remote provider. */
const MARKER = "blood pressure 128 over 84";
const EMAIL = "ann.doctor@example.com";

/** A piece of data that left, as `--json` prints it (the parts the test reads). */
interface Flow {
  requestId: number;
  mode: string;
  provider: string;
  locality: string;
  via: string;
  earlier: boolean;
  sent: string;
  sources: string[];
  origin?: { id: number; kind: string; tool?: string };
}

interface Answer {
  asked: { kind: string; name: string };
  flows: Flow[];
  requests: number;
}

Deno.test("pai audit where names every request that carried a file: chat, its next turn, --resource, agent", async () => {
  // Remote, as a cloud model is (a loopback server is taken as local): personal data goes redacted.
  const s = await openaiSession({}, ["--locality", "remote"]);
  const w = await makeWorkspace();
  const pai = (args: string[], stdin?: string): Promise<RunResult> =>
    runPai(args, { home: s.home, env: s.env, cwd: w.ws, ...(stdin ? { stdin } : {}) });
  const where = async (...args: string[]): Promise<Answer> => {
    const run = await pai(["audit", "where", ...args, "--json"]);
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout) as Answer;
  };
  try {
    const health = `${w.ws}/health.md`;
    Deno.writeTextFileSync(health, `Last visit: ${MARKER}. Doctor: ${EMAIL}\n`);
    Deno.writeTextFileSync(`${w.ws}/todo.md`, "- buy bread\n");
    const added = await pai(["resource", "add", "health", "--kind", "file", "--uri", health, "--label", "internal"]);
    assert.equal(added.code, 0, added.stderr);

    // 1. A chat whose tool reads the file, then a chat turn that only talks (the result goes again, as history).
    s.server.enqueue(call("fs_read", { path: "health.md" }), { text: "Your pressure is fine." });
    assert.equal((await pai(["chat"], "how was my last visit?\n")).code, 0);
    s.server.enqueue({ text: "Yes." });
    assert.equal((await pai(["chat"], "anything else?\n")).code, 0);
    // 2. A one-off question in a side session's prompt mode, with nothing from the file: never listed.
    s.server.enqueue({ text: "Bread." });
    assert.equal((await pai(["prompt", "what should I buy?"])).code, 0);
    // 3. The file attached as a resource.
    s.server.enqueue({ text: "Summary." });
    const attached = await pai(["prompt", "--resource", "health", "summarise it"]);
    assert.equal(attached.code, 0, attached.stderr);
    // 4. An agent run whose tool reads another file, then this one.
    s.server.enqueue(call("fs_read", { path: "todo.md" }), call("fs_read", { path: "health.md" }), { text: "Done." });
    const agent = await pai(["agent", "--allow-read", w.ws, "check my notes"]);
    assert.equal(agent.code, 0, agent.stderr);

    // What the server really received: the requests with the file's words in them, in order.
    const requests = s.server.chatRequests;
    const carrying = requests.map((r, i) => JSON.stringify(r.body).includes(MARKER) ? i : -1).filter((i) => i >= 0);
    // chat turn 1 (the round after the tool), chat turn 2, the --resource prompt, the agent's last round.
    assert.deepEqual(carrying, [1, 2, 4, 7]);
    // The email went to the remote provider redacted: never as written.
    assert.ok(!JSON.stringify(requests).includes(EMAIL));

    const byPath = await where("health.md");
    assert.equal(byPath.asked.kind, "path");
    assert.equal(byPath.asked.name, health);
    // One request row per request the server got with the content, and nothing else.
    assert.equal(byPath.requests, carrying.length);
    assert.equal(new Set(byPath.flows.map((f) => f.requestId)).size, carrying.length);
    const shown = byPath.flows.map((f) => [f.mode, f.via, f.earlier, f.sent, f.origin?.tool ?? f.origin?.kind]);
    assert.deepEqual(shown, [
      // Newest first: the agent's last round carries both reads' results; only health.md's matches.
      ["agent", "tool_result", false, "redacted", "fs_read"],
      ["prompt", "attachment", false, "redacted", "prompt"],
      ["chat", "tool_result", true, "redacted", "fs_read"],
      ["chat", "tool_result", false, "redacted", "fs_read"],
    ]);
    for (const f of byPath.flows) {
      assert.equal(f.provider, "openai");
      assert.equal(f.locality, "remote");
      assert.ok(f.sources.includes(health), JSON.stringify(f));
    }
    // The chat turn that sent the result again names the same tool_result row as the turn that got it.
    const chats = byPath.flows.filter((f) => f.mode === "chat");
    assert.equal(chats[0].origin?.id, chats[1].origin?.id);
    assert.equal(chats[0].origin?.kind, "tool_result");
    // The agent read the same content again: its request names its own read's row, recorded later.
    assert.ok(byPath.flows[0].origin!.id > chats[0].origin!.id);

    // By the resource: the attachment (resource:health) and every read of the file it is registered at.
    const byResource = await where("health");
    assert.equal(byResource.asked.kind, "resource");
    assert.equal(byResource.requests, carrying.length);
    assert.ok(byResource.flows.some((f) => f.sources.includes("resource:health")));

    // By a text of the file: found in the rows that recorded it, then in every request that carried those rows.
    const byText = await where(MARKER);
    assert.equal(byText.asked.kind, "text");
    assert.deepEqual(
      [...new Set(byText.flows.map((f) => f.requestId))].sort(),
      [...new Set(byPath.flows.map((f) => f.requestId))].sort(),
    );

    // The other file went only in the agent's two later rounds; the side question's text only in its own request.
    const todo = await where("todo.md");
    assert.equal(todo.requests, 2);
    assert.ok(todo.flows.every((f) => f.mode === "agent" && f.sent === "as_written"));
    const side = await where("what should I buy");
    assert.equal(side.requests, 1);
    assert.equal(side.flows[0].via, "input");

    // In a terminal's words: what was asked, where it went, through what; a path never carried says so.
    const text = await pai(["audit", "where", "health.md"]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`Data from ${health} left PAI in 4 requests \\(4 to a remote provider\\)`));
    assert.match(text.stdout, /fs_read's result \(row \d+\), again from the history/);
    assert.match(text.stdout, /attachment resource:health/);
    const never = await pai(["audit", "where", "./nothing-here.txt"]);
    assert.equal(never.code, 0, never.stderr);
    assert.match(never.stdout, /No request carried data from .*nothing-here\.txt/);

    // The history is held to the rows: clearing where a result came from, so that the next turns that send it again
    // would not say, is found and named.
    assert.equal((await pai(["audit", "verify"])).code, 0);
    const history = (change: string) => {
      const db = openDatabase(s.home.dir);
      try {
        db.exec(change);
      } finally {
        db.close();
      }
    };
    history("CREATE TABLE kept AS SELECT id, sources, audit_hash FROM messages");
    const changes = [
      "UPDATE messages SET sources = NULL WHERE role = 'tool'",
      "UPDATE messages SET audit_hash = NULL, sources = NULL WHERE role = 'tool'",
      // A hash that names no row, as if pruned (nothing was).
      "UPDATE messages SET audit_hash = 'f' || substr(audit_hash, 2), sources = NULL WHERE role = 'tool'",
      // The first input of the session, the attachment's input, an answer.
      "UPDATE messages SET audit_hash = NULL WHERE id = (SELECT min(id) FROM messages WHERE role = 'user')",
      "UPDATE messages SET sources = NULL WHERE role = 'user' AND sources IS NOT NULL",
      "UPDATE messages SET audit_hash = NULL WHERE role = 'assistant'",
    ];
    for (const change of changes) {
      history(change);
      const tampered = await pai(["audit", "verify", "--json"]);
      assert.equal(tampered.code, 1, change);
      assert.equal(JSON.parse(tampered.stdout).break.reason, "history mismatch", change);
      history(
        "UPDATE messages SET sources = (SELECT sources FROM kept WHERE kept.id = messages.id), " +
          "audit_hash = (SELECT audit_hash FROM kept WHERE kept.id = messages.id)",
      );
    }
    history("DROP TABLE kept");
    // The index where reads is checked by verify: removing an entry (to hide a flow) is found and named.
    assert.equal((await pai(["audit", "verify"])).code, 0);
    const db = openDatabase(s.home.dir);
    try {
      db.prepare("DELETE FROM audit_carried WHERE audit_id = ?").run(byPath.flows[0].requestId);
    } finally {
      db.close();
    }
    assert.equal((await where("health.md")).requests, carrying.length - 1);
    const verify = await pai(["audit", "verify"]);
    assert.notEqual(verify.code, 0);
    assert.match(verify.stdout + verify.stderr, new RegExp(`index .*request row ${byPath.flows[0].requestId}`));
  } finally {
    w.cleanup();
    await s.close();
  }
});

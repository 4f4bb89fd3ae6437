/**
 * End to end: assistant mode through the real `pai` processes and the fake model server. Two tasks where the second
 * needs what the first remembered, and `pai reset` forgetting it; a scheduled task running on time; SIGTERM
 * mid-task and a restart that resumes it; an assistant killed mid-task and its task resumed, then failed; two
 * assistants on one queue never running a task twice.
 */
import assert from "node:assert/strict";
import { eventOf, type TaskEvent } from "../src/audit/events.ts";
import { openDatabase } from "../src/store/db.ts";
import type { Task } from "../src/store/tasks.ts";
import type { RecordedRequest } from "./fakes/fake_model_server.ts";
import { paiCommand, type PaiHome, runPai } from "./helpers/run_pai.ts";
import { openaiSession, type Setup } from "./helpers/session.ts";
import { call, makeWorkspace } from "./helpers/workspace.ts";

/** An assistant that looks for work every 50 ms and holds a task for 1 s without renewal. */
function quickAssistant(home: PaiHome, extra: Record<string, unknown> = {}): void {
  Deno.writeTextFileSync(
    `${home.dir}/config.json`,
    JSON.stringify({ assistant: { pollSeconds: 0.05, leaseSeconds: 1, ...extra } }),
  );
}

async function taskList(s: Setup): Promise<Task[]> {
  const listed = await runPai(["task", "list", "--json"], { home: s.home, env: s.env });
  assert.equal(listed.code, 0, listed.stderr);
  return JSON.parse(listed.stdout);
}

function taskEvents(s: Setup): TaskEvent[] {
  const db = openDatabase(s.home.dir);
  try {
    return db.prepare("SELECT * FROM audit_log WHERE kind = 'task' ORDER BY id").all().map((r) =>
      eventOf(r) as TaskEvent
    );
  } finally {
    db.close();
  }
}

/** The text of a chat request's last user message: the task, with what the context put before it. */
function userText(request: RecordedRequest): string {
  const messages = request.body!.messages as { role: string; content: string }[];
  return messages.filter((m) => m.role === "user").at(-1)!.content;
}

/** Starts `pai assistant run` in the background; its output is read when it ends. */
function startAssistant(s: Setup, args: string[] = [], cwd?: string) {
  const child = paiCommand(["assistant", "run", ...args], { home: s.home, env: s.env, cwd }).spawn();
  child.stdin.close();
  const output = child.output().then((out) => ({
    code: out.code,
    signal: out.signal,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  }));
  return { child, output };
}

/** Waits until `ready()` holds, checking every 25 ms, for at most `ms`. */
async function until(ready: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

Deno.test("the second task uses what the first saved to working memory; pai reset forgets it", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    Deno.writeTextFileSync(`${w.ws}/hr.txt`, "Ann's badge number is 4471\n");
    const add = await runPai([
      "resource",
      "add",
      "hr",
      "--kind",
      "file",
      "--uri",
      `${w.ws}/hr.txt`,
      "--label",
      "private",
    ], {
      home: s.home,
      env: s.env,
    });
    assert.equal(add.code, 0, add.stderr);
    for (const text of ["Look up Ann's badge number in hr.txt and remember it", "What is Ann's badge number?"]) {
      assert.equal((await runPai(["task", "add", text], { home: s.home, env: s.env })).code, 0);
    }
    s.server.enqueue(
      call("fs_read", { path: "hr.txt" }),
      call("memory_save", { text: "Ann's badge number is 4471" }),
      { text: "Saved it." },
      { text: "It is 4471." },
    );
    const run = await runPai(["assistant", "run", "--once", "--allow-read", w.ws], {
      home: s.home,
      env: s.env,
      cwd: w.ws,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /task 1 done .*: Saved it\./);
    assert.match(run.stdout, /task 2 done .*: It is 4471\./);
    // The second task's request carries the memory, as untrusted working memory before the task's text.
    const second = userText(s.server.chatRequests[3]);
    assert.match(
      second,
      /<working_memory of="earlier tasks" trust="untrusted">\n\[memory 1, [\d-]+\] Ann's badge number is 4471\n<\/working_memory>\n\nWhat is Ann's badge number\?/,
    );
    // The memory carries the label and the source of the data the run had read.
    const shown = await runPai(["memory", "show", "1", "--json"], { home: s.home, env: s.env });
    const memory = JSON.parse(shown.stdout);
    assert.equal(memory.label, "private");
    assert.deepEqual(memory.sources, [`${w.ws}/hr.txt`]);
    // Where did the file's data go? Also in the request that carried the memory.
    const where = await runPai(["audit", "where", `${w.ws}/hr.txt`, "--json"], { home: s.home, env: s.env });
    assert.equal(where.code, 0, where.stderr);
    const flows: { requestId: number; via: string }[] = JSON.parse(where.stdout).flows;
    assert.ok(flows.some((f) => f.via === "memory"), where.stdout);
    const text = await runPai(["audit", "where", `${w.ws}/hr.txt`], { home: s.home, env: s.env });
    assert.match(text.stdout, /the assistant's working memory; request row \d+/);

    const reset = await runPai(["reset"], { home: s.home, env: s.env });
    assert.match(reset.stdout, /1 memories of the assistant's working memory/);
    const none = await runPai(["memory", "list"], { home: s.home, env: s.env });
    assert.match(none.stdout, /remembers nothing/);
    assert.equal((await runPai(["task", "add", "What is Ann's badge number?"], { home: s.home, env: s.env })).code, 0);
    s.server.enqueue({ text: "I do not know." });
    assert.equal((await runPai(["assistant", "run", "--once"], { home: s.home, env: s.env, cwd: w.ws })).code, 0);
    assert.ok(!JSON.stringify(s.server.chatRequests[4].body).includes("4471"), "the forgotten memory is not sent");
  } finally {
    await s.close();
    w.cleanup();
  }
});

/** The local times (epoch ms) the audit log recorded each "started" (or "resumed") task row at. */
function startTimes(s: Setup): number[] {
  const db = openDatabase(s.home.dir);
  try {
    return db.prepare(
      `SELECT ts FROM audit_log WHERE kind = 'task' AND json_extract(detail, '$.action') IN ('started', 'resumed')
       ORDER BY id`,
    ).all().map((r) => Date.parse(String(r.ts)));
  } finally {
    db.close();
  }
}

Deno.test("a task for later waits for its time, one that repeats runs again on time; SIGTERM while idle ends cleanly", async () => {
  const s = await openaiSession();
  try {
    quickAssistant(s.home);
    const at = new Date(Date.now() + 1500);
    const later = await runPai(["task", "add", "later", "--at", at.toISOString()], { home: s.home, env: s.env });
    assert.equal(later.code, 0, later.stderr);
    const drained = await runPai(["assistant", "run", "--once"], { home: s.home, env: s.env });
    assert.match(drained.stdout, /assistant stopped: 0 done/, "a task not yet due is not run by --once");
    assert.equal((await runPai(["task", "add", "tick", "--every", "1s"], { home: s.home, env: s.env })).code, 0);
    const assistant = startAssistant(s);
    await until(() => startTimes(s).length >= 4, 15_000, "four runs");
    assistant.child.kill("SIGTERM");
    const out = await assistant.output;
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /stopping after the step under way/);
    assert.match(out.stdout, /assistant stopped: \d+ done, 0 failed, 0 to resume/);
    const list = await taskList(s);
    const [first, tick] = list;
    assert.equal(first.status, "done");
    assert.ok(Date.parse(first.finishedAt!) >= at.getTime(), "the task for later ran no earlier than its time");
    assert.equal(tick.status, "queued", "a repeating task waits for its next time");
    assert.ok(tick.runs >= 2);
    // Each run of "tick" starts at least its interval after the one before ended, and not much later.
    const tickStarts = taskEvents(s).filter((e) => e.taskId === tick.id && e.action === "started").length;
    assert.equal(tickStarts, tick.runs + (tick.attempts ? 1 : 0));
    const db = openDatabase(s.home.dir);
    const rows = db.prepare(
      `SELECT ts, json_extract(detail, '$.action') AS action FROM audit_log WHERE kind = 'task'
         AND json_extract(detail, '$.taskId') = ? AND json_extract(detail, '$.action') IN ('started', 'done')
       ORDER BY id`,
    ).all(tick.id).map((r) => ({ at: Date.parse(String(r.ts)), action: String(r.action) }));
    db.close();
    for (let i = 2; i < rows.length; i += 2) {
      const gap = rows[i].at - rows[i - 1].at;
      assert.ok(gap >= 1000 && gap < 4000, `run ${i / 2} started ${gap} ms after the last one ended`);
    }
  } finally {
    await s.close();
  }
});

Deno.test("SIGTERM mid-task finishes the step under way, gives the task back, and the next start resumes it", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    quickAssistant(s.home);
    Deno.writeTextFileSync(`${w.ws}/a.txt`, "alpha\n");
    assert.equal((await runPai(["task", "add", "read a.txt, then again"], { home: s.home, env: s.env })).code, 0);
    s.server.enqueue(
      call("fs_read", { path: "a.txt" }),
      // The second answer streams slowly: SIGTERM arrives while it does.
      {
        text: "Reading it once more, as asked.",
        chunkDelayMs: 250,
        toolCalls: [{ name: "fs_read", arguments: '{"path":"a.txt"}' }],
      },
    );
    const assistant = startAssistant(s, ["--allow-read", w.ws], w.ws);
    await until(() => s.server.chatRequests.length === 2, 10_000, "the second request");
    await new Promise((r) => setTimeout(r, 200));
    assistant.child.kill("SIGTERM");
    const out = await assistant.output;
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /task 1 stopped after 1 steps: it will be resumed at the next start/);
    assert.equal(s.server.chatRequests.length, 2, "no request after the stop");
    const [stopped] = await taskList(s);
    assert.equal(stopped.status, "queued");
    assert.equal(stopped.progress.length, 1);
    assert.deepEqual(stopped.progress, ["fs_read: ok"], "PAI's own note: no text of the model's or the tool's");
    // The call the second answer asked for did not run: its result says so, and only one read was granted.
    const db = openDatabase(s.home.dir);
    const results = db.prepare("SELECT payload FROM audit_log WHERE kind = 'tool_result' ORDER BY id").all();
    const grants = db.prepare("SELECT count(*) AS n FROM audit_log WHERE kind = 'grant'").get();
    db.close();
    assert.equal(results.length, 2);
    assert.match(String(results[1].payload), /Not run: the run was stopped before this call/);
    assert.equal(Number(grants?.n), 1);

    s.server.enqueue({ text: "Done: it says alpha." });
    const resumed = await runPai(["assistant", "run", "--once", "--allow-read", w.ws], {
      home: s.home,
      env: s.env,
      cwd: w.ws,
    });
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /task 1 resumed: read a\.txt, then again/);
    assert.match(resumed.stdout, /task 1 done .*: Done: it says alpha\./);
    assert.match(
      userText(s.server.chatRequests[2]),
      /read a\.txt, then again\n\n\(An earlier attempt at this task was interrupted after these tool calls:\n- fs_read: ok\nIf this conversation holds that attempt, do not repeat what it did; finish the rest\.\)$/,
    );
    assert.deepEqual(taskEvents(s).map((e) => e.action), ["added", "started", "released", "resumed", "done"]);
  } finally {
    await s.close();
    w.cleanup();
  }
});

Deno.test("an assistant killed mid-task leaves its lease to run out: the task is resumed, then failed after its attempts", async () => {
  const s = await openaiSession();
  try {
    quickAssistant(s.home, { attempts: 2 });
    assert.equal((await runPai(["task", "add", "write a long essay"], { home: s.home, env: s.env })).code, 0);
    for (let attempt = 1; attempt <= 2; attempt++) {
      s.server.enqueue({ text: "word ".repeat(40), chunkDelayMs: 100 });
      const assistant = startAssistant(s);
      await until(() => s.server.chatRequests.length === attempt, 10_000, `attempt ${attempt}'s request`);
      assistant.child.kill("SIGKILL");
      await assistant.output;
      const [held] = await taskList(s);
      assert.equal(held.status, "running", "a killed holder says nothing: its lease says it held the task");
      assert.equal(held.attempts, attempt);
      // Until the lease runs out, no other assistant takes it.
      const early = await runPai(["assistant", "run", "--once"], { home: s.home, env: s.env });
      assert.match(early.stdout, /assistant stopped: 0 done, 0 failed/);
      await new Promise((r) => setTimeout(r, 1100));
      if (attempt === 2) break;
    }
    const last = await runPai(["assistant", "run", "--once"], { home: s.home, env: s.env });
    assert.match(last.stdout, /task 1 failed: interrupted 2 times/);
    const [failed] = await taskList(s);
    assert.equal(failed.status, "failed");
    assert.equal(s.server.chatRequests.length, 2, "a task past its attempts is not run again");
    assert.deepEqual(taskEvents(s).map((e) => e.action), ["added", "started", "resumed", "failed"]);
  } finally {
    await s.close();
  }
});

Deno.test("two assistants on one queue never run a task twice", async () => {
  const s = await openaiSession();
  try {
    quickAssistant(s.home);
    const count = 10;
    for (let i = 1; i <= count; i++) {
      assert.equal((await runPai(["task", "add", `job number ${i}`], { home: s.home, env: s.env })).code, 0);
    }
    // Every answer echoes the task and takes a little while, so that both assistants are at work at once.
    for (let i = 0; i < count; i++) s.server.enqueue({ text: ["working ", "on ", "it"], chunkDelayMs: 80 });
    const [a, b] = [startAssistant(s, ["--once"]), startAssistant(s, ["--once"])];
    const [outA, outB] = [await a.output, await b.output];
    assert.equal(outA.code, 0, outA.stderr);
    assert.equal(outB.code, 0, outB.stderr);
    const doneBy = (out: string) => [...out.matchAll(/task (\d+) done/g)].map((m) => Number(m[1]));
    assert.ok(doneBy(outA.stdout).length && doneBy(outB.stdout).length, "both assistants took tasks");
    const done = [...doneBy(outA.stdout), ...doneBy(outB.stdout)];
    assert.deepEqual(done.sort((x, y) => x - y), Array.from({ length: count }, (_, i) => i + 1));
    const sent = s.server.chatRequests.map((r) => userText(r).match(/job number (\d+)/)![1]);
    assert.equal(sent.length, count, "one request per task");
    assert.equal(new Set(sent).size, count);
    const started = taskEvents(s).filter((e) => e.action === "started").map((e) => e.taskId);
    assert.equal(new Set(started).size, count);
    assert.equal(started.length, count);
    assert.ok((await taskList(s)).every((t) => t.status === "done"));
  } finally {
    await s.close();
  }
});

Deno.test("a task's own token budget is enforced before anything is sent; the task fails naming it", async () => {
  const s = await openaiSession();
  try {
    quickAssistant(s.home);
    const add = await runPai(["task", "add", "summarise everything", "--max-tokens", "1000"], {
      home: s.home,
      env: s.env,
    });
    assert.equal(add.code, 0, add.stderr);
    const run = await runPai(["assistant", "run", "--once"], { home: s.home, env: s.env });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /task 1 failed: Not sent: task 1's budget of 1,000 tokens could be passed: 0 used/);
    assert.equal(s.server.chatRequests.length, 0);
    const [task] = await taskList(s);
    assert.equal(task.status, "failed");
    const db = openDatabase(s.home.dir);
    const refusal = db.prepare("SELECT detail FROM audit_log WHERE kind = 'budget'").get();
    db.close();
    assert.match(String(refusal?.detail), /"budget":"task-1-tokens","unit":"tokens","limit":1000/);
  } finally {
    await s.close();
  }
});

Deno.test("an unattended run gets nothing for being in its folder: what is not pre-granted is denied, nobody asked", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    quickAssistant(s.home);
    Deno.writeTextFileSync(`${w.ws}/notes.txt`, "private notes\n");
    assert.equal((await runPai(["task", "add", "read notes.txt"], { home: s.home, env: s.env })).code, 0);
    s.server.enqueue(call("fs_read", { path: "notes.txt" }), { text: "I could not read it." });
    const run = await runPai(["assistant", "run", "--once"], { home: s.home, env: s.env, cwd: w.ws });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /task 1: fs_read \{"path":"notes\.txt"\} → ✗ permission_denied: .*could not be asked/);
    assert.ok(!JSON.stringify(s.server.requests).includes("private notes"));
  } finally {
    await s.close();
    w.cleanup();
  }
});

Deno.test("a task cancelled while it runs is not reported done; what it spent is counted", async () => {
  const s = await openaiSession();
  try {
    quickAssistant(s.home);
    assert.equal((await runPai(["task", "add", "a long answer"], { home: s.home, env: s.env })).code, 0);
    s.server.enqueue({ text: "word ".repeat(20), chunkDelayMs: 60, usage: { input: 30, output: 20 } });
    const assistant = startAssistant(s, ["--once"]);
    await until(() => s.server.chatRequests.length === 1, 10_000, "the request");
    const cancel = await runPai(["task", "cancel", "1"], { home: s.home, env: s.env });
    assert.match(cancel.stdout, /Cancelled task 1: its assistant stops after the step under way/);
    const out = await assistant.output;
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /task 1 was cancelled or taken by another assistant/);
    assert.doesNotMatch(out.stdout, /task 1 done/);
    assert.match(
      out.stdout,
      /assistant stopped: 0 done, 0 failed, 0 to resume, 1 cancelled or taken by another assistant/,
    );
    const [task] = await taskList(s);
    assert.equal(task.status, "cancelled");
    assert.equal(task.inputTokens + task.outputTokens, 50);
    assert.ok(!taskEvents(s).some((e) => e.action === "done"));
  } finally {
    await s.close();
  }
});

Deno.test("pai assistant is a conversation in assistant mode: its tools include working memory, chat's do not", async () => {
  const s = await openaiSession();
  try {
    s.server.enqueue(call("memory_save", { text: "The user likes green tea" }), { text: "Noted." }, { text: "Hi." });
    const talk = await runPai(["assistant"], { home: s.home, env: s.env, stdin: "remember that I like green tea\n" });
    assert.equal(talk.code, 0, talk.stderr);
    assert.equal(talk.stdout, "Noted.\n");
    const offered = (r: number) =>
      (s.server.chatRequests[r].body!.tools as { function: { name: string } }[])
        .map((t) => t.function.name);
    assert.ok(offered(0).includes("memory_save") && offered(0).includes("fs_write"));
    const memories = await runPai(["memory", "list", "--json"], { home: s.home, env: s.env });
    assert.deepEqual(JSON.parse(memories.stdout).map((m: { text: string }) => m.text), ["The user likes green tea"]);
    assert.equal((await runPai(["chat"], { home: s.home, env: s.env, stdin: "hello\n" })).code, 0);
    assert.ok(!offered(2).includes("memory_save"), "chat has no working memory");
    const tools = await runPai(["tools", "list"], { home: s.home, env: s.env });
    assert.match(tools.stdout, /memory_save +assistant +/);
  } finally {
    await s.close();
  }
});

Deno.test("a second signal stops the step under way too: the answer is cut where it is, and the task is given back", async () => {
  const s = await openaiSession();
  try {
    quickAssistant(s.home);
    assert.equal((await runPai(["task", "add", "write at length"], { home: s.home, env: s.env })).code, 0);
    s.server.enqueue({ text: "word ".repeat(200), chunkDelayMs: 50 });
    const assistant = startAssistant(s);
    await until(() => s.server.chatRequests.length === 1, 10_000, "the request");
    const started = Date.now();
    assistant.child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 200));
    assistant.child.kill("SIGTERM");
    const out = await assistant.output;
    assert.equal(out.code, 0, out.stderr);
    assert.ok(Date.now() - started < 5_000, "it did not wait for the 10 s answer");
    assert.match(out.stdout, /task 1 stopped after 0 steps: it will be resumed at the next start/);
    const [task] = await taskList(s);
    assert.equal(task.status, "queued");
  } finally {
    await s.close();
  }
});

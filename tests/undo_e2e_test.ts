/**
 * End to end: `pai undo`. An agent run's file changes are put back as they were (content and mode), a file it
 * created is removed, and a file changed since, or reached through a folder that became a link, stops the undo
 * before anything is restored.
 */
import assert from "node:assert/strict";
import { eventOf } from "../src/audit/events.ts";
import { openDatabase } from "../src/store/db.ts";
import { openaiSession, type Setup } from "./helpers/session.ts";
import { runPai } from "./helpers/run_pai.ts";
import { call, makeWorkspace, type Workspace } from "./helpers/workspace.ts";

/** Runs `pai agent` in the workspace with the model's calls queued. */
async function agentRun(s: Setup, w: Workspace, ...calls: ReturnType<typeof call>[]) {
  s.server.enqueue(...calls.map((c, i) => ({ toolCalls: c.toolCalls!.map((t) => ({ ...t, id: `c${i}` })) })), {
    text: "done",
  });
  const run = await runPai(["agent", "change the files"], { home: s.home, env: s.env, cwd: w.ws });
  assert.equal(run.code, 0, run.stderr);
  return run;
}

Deno.test("pai undo puts back what an agent run edited and wrote, removes what it created, and records it", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    Deno.writeTextFileSync(`${w.ws}/plan.md`, "ship on Friday\n");
    Deno.writeTextFileSync(`${w.ws}/run.sh`, "echo old\n");
    Deno.chmodSync(`${w.ws}/run.sh`, 0o755);
    const run = await agentRun(
      s,
      w,
      call("fs_edit", { path: "plan.md", old: "Friday", new: "Monday" }),
      call("fs_write", { path: "run.sh", content: "echo new\n" }),
      call("fs_write", { path: "notes/new.md", content: "created\n" }),
      call("fs_edit", { path: "plan.md", old: "Monday", new: "Tuesday" }),
    );
    assert.equal(Deno.readTextFileSync(`${w.ws}/plan.md`), "ship on Tuesday\n");
    const id = run.stderr.match(/Changed 3 file\(s\): "pai undo (\w+)" puts them back/)?.[1];
    assert.ok(id, run.stderr);

    const listed = JSON.parse((await runPai(["undo", "--list", "--json"], { home: s.home, env: s.env })).stdout);
    assert.deepEqual(listed.map((r: { id: string; files: number }) => [r.id, r.files]), [[id, 3]]);
    assert.deepEqual(listed[0].paths, [`${w.ws}/plan.md`, `${w.ws}/run.sh`, `${w.ws}/notes/new.md`]);

    const undo = await runPai(["undo"], { home: s.home, env: s.env });
    assert.equal(undo.code, 0, undo.stderr);
    assert.match(undo.stdout, new RegExp(`Undid run ${id} \\(agent`));
    // Back to before the run's first change, not its second.
    assert.equal(Deno.readTextFileSync(`${w.ws}/plan.md`), "ship on Friday\n");
    assert.equal(Deno.readTextFileSync(`${w.ws}/run.sh`), "echo old\n");
    assert.equal(Deno.statSync(`${w.ws}/run.sh`).mode! & 0o777, 0o755);
    assert.throws(() => Deno.statSync(`${w.ws}/notes/new.md`));
    assert.match(undo.stdout, /removed .*notes\/new\.md \(the run had created it\)/);

    const db = openDatabase(s.home.dir);
    try {
      const events = db.prepare("SELECT * FROM audit_log WHERE kind = 'user_change'").all().map(eventOf);
      const undone = events.find((e) => e?.kind === "user_change" && e.change === "undone");
      assert.ok(undone && undone.kind === "user_change" && undone.change === "undone" && undone.restored.length === 2);
    } finally {
      db.close();
    }
    const again = await runPai(["undo"], { home: s.home, env: s.env });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /Nothing to undo/);
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("pai undo refuses, restoring nothing, when a file was changed since the run", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    Deno.writeTextFileSync(`${w.ws}/a.txt`, "a before\n");
    Deno.writeTextFileSync(`${w.ws}/b.txt`, "b before\n");
    await agentRun(
      s,
      w,
      call("fs_write", { path: "a.txt", content: "a by the run\n" }),
      call("fs_write", { path: "b.txt", content: "b by the run\n" }),
    );
    // The user works on b.txt after the run: undo must not throw that away.
    Deno.writeTextFileSync(`${w.ws}/b.txt`, "b by the user\n");
    const undo = await runPai(["undo"], { home: s.home, env: s.env });
    assert.equal(undo.code, 1, undo.stderr);
    assert.match(undo.stderr, /Cannot undo run \w+: ".*\/b\.txt" was changed since the run\. Nothing was restored/);
    assert.equal(Deno.readTextFileSync(`${w.ws}/b.txt`), "b by the user\n");
    assert.equal(Deno.readTextFileSync(`${w.ws}/a.txt`), "a by the run\n", "all or nothing: a.txt not restored");
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("pai undo does not write or remove through a folder that became a link since the run", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    Deno.mkdirSync(`${w.ws}/sub`);
    Deno.writeTextFileSync(`${w.ws}/sub/f.txt`, "before\n");
    await agentRun(s, w, call("fs_write", { path: "sub/f.txt", content: "by the run\n" }));
    // The folder is swapped for a link to another one holding a file with the very content the run left: without
    // the folder check, undo would overwrite the other folder's file.
    Deno.renameSync(`${w.ws}/sub`, `${w.ws}/sub.moved`);
    Deno.writeTextFileSync(`${w.outside}/f.txt`, "by the run\n");
    Deno.symlinkSync(w.outside, `${w.ws}/sub`);
    const undo = await runPai(["undo"], { home: s.home, env: s.env });
    assert.equal(undo.code, 1, undo.stderr);
    assert.match(undo.stderr, /the folder of ".*\/sub\/f\.txt" is now a link to another place/);
    assert.equal(Deno.readTextFileSync(`${w.outside}/f.txt`), "by the run\n");
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("pai undo RUN undoes an older run by its id, and refuses an unknown or undone one", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    await agentRun(s, w, call("fs_write", { path: "one.txt", content: "1\n" }));
    await agentRun(s, w, call("fs_write", { path: "two.txt", content: "2\n" }));
    const runs = JSON.parse((await runPai(["undo", "--list", "--json"], { home: s.home, env: s.env })).stdout);
    const older = runs[1].id as string;
    const undo = await runPai(["undo", older.slice(0, 6)], { home: s.home, env: s.env });
    assert.equal(undo.code, 0, undo.stderr);
    assert.throws(() => Deno.statSync(`${w.ws}/one.txt`));
    assert.equal(Deno.readTextFileSync(`${w.ws}/two.txt`), "2\n");
    assert.match((await runPai(["undo", older], { home: s.home, env: s.env })).stderr, /already undone/);
    assert.match((await runPai(["undo", "zzzz"], { home: s.home, env: s.env })).stderr, /No run "zzzz" to undo/);
    const listed = await runPai(["undo", "--list"], { home: s.home, env: s.env });
    assert.match(listed.stdout, new RegExp(`${older}.*agent\\s+undone\\s+.*one\\.txt`));
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("pai undo makes no folder through a link, and leaves alone what now stands where the run left nothing", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    Deno.mkdirSync(`${w.ws}/data/conf/autostart`, { recursive: true });
    Deno.writeTextFileSync(`${w.ws}/data/conf/autostart/app.desktop`, "before\n");
    await agentRun(s, w, call("fs_write", { path: "data/conf/autostart/app.desktop", content: "by the run\n" }));
    // The folder tree is gone, and its parent is now a link to another place with no such folders in it.
    Deno.removeSync(`${w.ws}/data`, { recursive: true });
    Deno.mkdirSync(`${w.ws}/data`);
    Deno.symlinkSync(w.outside, `${w.ws}/data/conf`);
    const through = await runPai(["undo"], { home: s.home, env: s.env });
    assert.equal(through.code, 1, through.stderr);
    assert.throws(() => Deno.statSync(`${w.outside}/autostart`), "undo made folders through the link");

    // A run created a file and nothing is left of it... but the user made a folder there since: undo leaves it.
    Deno.writeTextFileSync(`${w.ws}/tmp.txt`, "x\n");
    await agentRun(s, w, call("fs_write", { path: "new.txt", content: "created\n" }));
    Deno.removeSync(`${w.ws}/new.txt`);
    Deno.mkdirSync(`${w.ws}/new.txt`);
    const runs = JSON.parse((await runPai(["undo", "--list", "--json"], { home: s.home, env: s.env })).stdout);
    const undo = await runPai(["undo", runs[0].id], { home: s.home, env: s.env });
    assert.equal(undo.code, 1, undo.stderr);
    assert.match(undo.stderr, /new\.txt" was changed since the run/);
    assert.ok(Deno.statSync(`${w.ws}/new.txt`).isDirectory);
  } finally {
    w.cleanup();
    await s.close();
  }
});

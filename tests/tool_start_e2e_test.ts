/**
 * When a tool's process starts, and when it may act. PAI's own tools are started as soon as their grant is decided, so
 * that Deno's start-up overlaps PAI's last checks and the grant's durable row; they act only on their request, which
 * they get after that row. A program registered at run time could act as its module loads: it starts only after the
 * row. A grant that cannot be recorded leaves no process and nothing done.
 */
import assert from "node:assert/strict";
import { startToolProcess } from "../src/sandbox/run_tool.ts";
import type { ToolRecord } from "../src/tools/tool_manager.ts";
import { testGrant } from "./helpers/grant.ts";
import { ROOT } from "./helpers/run_pai.ts";
import { COUNT_WORDS, countWordsSpec, testRegistry, testToolManager } from "./helpers/tool_manager.ts";
import { makeWorkspace } from "./helpers/workspace.ts";

/** The command lines of this machine's processes that run `program` (read from `/proc`). */
function processesRunning(program: string): string[] {
  const found: string[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const argv = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).split("\0");
      if (argv.includes(program)) found.push(argv.join(" "));
    } catch { /* gone meanwhile */ }
  }
  return found;
}

const FS_WRITE = `${ROOT}tools/fs_write.ts`;

Deno.test("a started tool waits for its request: it has not acted half a second on, and once stopped it never does", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "pai_start_" }));
  try {
    const target = `${root}/out.txt`;
    const grant = testGrant({ read: [target], write: [target] });
    const request = { path: target, content: "written", pinned: { [target]: "absent" } };

    const idle = startToolProcess(FS_WRITE, grant);
    // Long enough for Deno to have started it and loaded the tool: a tool that acted on its own would have by now.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(processesRunning(FS_WRITE).length, 1, "the tool's process is up, waiting");
    assert.throws(() => Deno.statSync(target), Deno.errors.NotFound);
    await idle.stop();
    assert.deepEqual(processesRunning(FS_WRITE), [], "stopped means gone");
    assert.throws(() => Deno.statSync(target), Deno.errors.NotFound);
    await assert.rejects(idle.run(request), /one request/);

    // The same grant and request, given: it writes. What stopped the first was only that it never got its request.
    const given = startToolProcess(FS_WRITE, grant);
    assert.deepEqual(await given.run(request), { ok: true, result: { path: target, bytes: 7 } });
    assert.equal(Deno.readTextFileSync(target), "written");
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("a built-in tool is up while its grant row is written; a program registered at run time starts only after it", async () => {
  const w = await makeWorkspace();
  try {
    Deno.writeTextFileSync(`${w.ws}/notes.txt`, "one two three\n");
    const registry = testRegistry();
    await registry.register(countWordsSpec());
    const atGrant: Record<string, number> = {};
    const record = (r: ToolRecord) => {
      if (r.kind === "grant") {
        const program = r.tool === "fs_read" ? `${ROOT}tools/fs_read.ts` : COUNT_WORDS;
        atGrant[r.tool] = processesRunning(program).length;
      }
      return Promise.resolve();
    };
    const { manager } = testToolManager({ registry, workspace: w.ws, record });

    const read = await manager.execute({ id: "c1", name: "fs_read", arguments: JSON.stringify({ path: "notes.txt" }) });
    assert.equal(read.ok, true, read.summary);
    const counted = await manager.execute({
      id: "c2",
      name: "word_count",
      arguments: JSON.stringify({ path: "notes.txt" }),
    });
    assert.deepEqual(counted.outcome, { ok: true, result: { words: 3 } });
    assert.deepEqual(atGrant, { fs_read: 1, word_count: 0 });
  } finally {
    w.cleanup();
  }
});

Deno.test("a grant row that cannot be written: the started tool never gets its request, is gone, and wrote nothing", async () => {
  const w = await makeWorkspace();
  try {
    let upAtGrant = 0;
    const record = (r: ToolRecord) => {
      if (r.kind !== "grant") return Promise.resolve();
      upAtGrant = processesRunning(FS_WRITE).length;
      return Promise.reject(new Error("disk full"));
    };
    const { manager } = testToolManager({ registry: testRegistry(), workspace: w.ws, record });
    const call = { id: "c1", name: "fs_write", arguments: JSON.stringify({ path: "new.txt", content: "x" }) };
    // The setup that would let it write: an allowed call (agent mode writes in the workspace), its process started.
    const plan = await manager.plan(call);
    assert.ok(!("error" in plan) && plan.decision.kind === "allow", JSON.stringify(plan));
    await assert.rejects(manager.execute(call), /disk full/);
    assert.equal(upAtGrant, 1, "its process was up, waiting, when the row failed");
    assert.deepEqual(processesRunning(FS_WRITE), []);
    assert.throws(() => Deno.statSync(`${w.ws}/new.txt`), Deno.errors.NotFound);
  } finally {
    w.cleanup();
  }
});

Deno.test("a folder swapped for a link while the grant row is written is found: the call is refused, the target untouched", async () => {
  const w = await makeWorkspace();
  try {
    Deno.mkdirSync(`${w.ws}/d`);
    Deno.writeTextFileSync(`${w.ws}/d/f.txt`, "mine\n");
    Deno.writeTextFileSync(`${w.outside}/f.txt`, "victim\n");
    const kinds: string[] = [];
    // The swap lands in the row's durable write (an fsync, of no fixed length): the moment a check before it missed.
    const record = (r: ToolRecord) => {
      kinds.push(r.kind);
      if (r.kind === "grant") {
        Deno.renameSync(`${w.ws}/d`, `${w.ws}/d.old`);
        Deno.symlinkSync(w.outside, `${w.ws}/d`);
      }
      return Promise.resolve();
    };
    const { manager } = testToolManager({ registry: testRegistry(), workspace: w.ws, record });
    const done = await manager.execute({
      id: "c1",
      name: "fs_write",
      arguments: JSON.stringify({ path: "d/f.txt", content: "OVERWRITTEN" }),
    });
    assert.equal(!done.outcome.ok && done.outcome.error.type, "permission_denied", done.summary);
    assert.deepEqual(kinds.slice(-3), ["grant", "denial", "tool_result"]);
    assert.equal(Deno.readTextFileSync(`${w.outside}/f.txt`), "victim\n");
    assert.deepEqual(processesRunning(FS_WRITE), []);
  } finally {
    w.cleanup();
  }
});

Deno.test("a tool ends when PAI does, however PAI ends (its time limit was PAI's): killed, it leaves no tool running", async () => {
  const program = `${ROOT}tests/fixtures/wait_a_minute.ts`;
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "pai_parent_" }));
  try {
    // A stand-in for PAI: it runs the tool as PAI does, and is killed with SIGKILL (no handler, no cleanup of its own).
    const standIn = `${root}/pai.ts`;
    Deno.writeTextFileSync(
      standIn,
      `import { runToolProcess } from ${JSON.stringify(`${ROOT}src/sandbox/run_tool.ts`)};
import { testGrant } from ${JSON.stringify(`${ROOT}tests/helpers/grant.ts`)};
await runToolProcess(${JSON.stringify(program)}, {}, testGrant({ timeoutMs: 120_000 }));`,
    );
    for (const signal of ["SIGKILL", "SIGTERM"] as const) {
      const pai = new Deno.Command(Deno.execPath(), { args: ["run", "--allow-all", standIn], stdout: "null" }).spawn();
      const until = async (done: () => boolean, what: string) => {
        for (let waited = 0; !done(); waited += 50) {
          if (waited > 10_000) throw new Error(`${what} (after ${signal})`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      };
      await until(() => processesRunning(program).length === 1, "the tool never started");
      // Up and waiting for its minute: what stays running if nothing ties it to PAI.
      await new Promise((resolve) => setTimeout(resolve, 300));
      pai.kill(signal);
      await pai.status;
      await until(() => processesRunning(program).length === 0, "the tool outlived PAI");
    }
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

/**
 * The sandbox against real tool processes: limits (time, output, memory),
 * the cleared environment, and regression tests for each fact in
 * ../shared/DENO_SANDBOX.md, so that a Deno upgrade that changes one fails CI
 * instead of silently widening what a tool may do.
 */
import assert from "node:assert/strict";
import { grantFlags } from "../src/sandbox/flags.ts";
import { runToolProcess } from "../src/sandbox/run_tool.ts";
import { testGrant } from "./helpers/grant.ts";
import { ROOT } from "./helpers/run_pai.ts";

const fixture = (name: string) => `${ROOT}tests/fixtures/${name}`;
const tool = (name: string) => `${ROOT}tools/${name}`;

const grant = testGrant;

async function tempRoot(): Promise<string> {
  return await Deno.realPath(await Deno.makeTempDir({ prefix: "pai_sandbox_" }));
}

/** Runs a script with exactly these flags, returning its exit code and output. */
async function denoRun(flags: string[], script: string, cwd = "/"): Promise<{ code: number; out: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, script],
    cwd,
    clearEnv: true,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const d = new TextDecoder();
  return { code: out.code, out: d.decode(out.stdout) + d.decode(out.stderr) };
}

Deno.test("a tool that loops forever and ignores SIGTERM is killed at its time limit", async () => {
  const r = await runToolProcess(fixture("loop_forever.ts"), {}, grant({ timeoutMs: 500 }), { killGraceMs: 200 });
  assert.deepEqual(r, {
    ok: false,
    error: { type: "timeout", message: "The tool ran longer than 500 ms and was stopped" },
  });
});

Deno.test("a tool that prints 100 MB is stopped at its output cap", async () => {
  const r = await runToolProcess(fixture("print_100mb.ts"), {}, grant({ outputBytes: 1024 * 1024 }));
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.error.type, "too_large");
});

Deno.test("a tool that allocates without bound is stopped by its heap cap", async () => {
  const r = await runToolProcess(fixture("eat_memory.ts"), {}, grant({ memoryMb: 32 }));
  // The cap is why it stopped (V8's heap limit: exit 133), not some other crash.
  assert.equal(!r.ok && r.error.type, "crashed");
  assert.match(!r.ok ? r.error.message : "", /ran out of memory \(cap 32 MiB\)/);
});

Deno.test("a tool cannot read PAI's environment: it is cleared, and env access is not granted", async () => {
  Deno.env.set("OPENAI_API_KEY", "sk-must-not-leak-000000000000");
  try {
    const r = await runToolProcess(fixture("read_env.ts"), {}, grant());
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.type, "permission_denied");
    assert.ok(!JSON.stringify(r).includes("sk-must-not-leak"));
  } finally {
    Deno.env.delete("OPENAI_API_KEY");
  }
});

Deno.test("a tool's Deno does not look for a newer release (it would ask dl.deno.land whatever the grant)", async () => {
  const r = await runToolProcess(
    fixture("read_one_env.ts"),
    { name: "DENO_NO_UPDATE_CHECK" },
    grant({ envNames: ["DENO_NO_UPDATE_CHECK"] }),
  );
  assert.deepEqual(r, { ok: true, result: { value: "1" } });
});

Deno.test("fact 1: an existing symlink escapes a path grant, so PAI grants real paths", async () => {
  const root = await tempRoot();
  try {
    Deno.mkdirSync(`${root}/ws`);
    Deno.mkdirSync(`${root}/outside`);
    Deno.writeTextFileSync(`${root}/outside/x`, "outside secret");
    Deno.symlinkSync(`${root}/outside/x`, `${root}/ws/link`);
    // Deno's behaviour (the fact): the link is readable by path under a grant of ws alone.
    const leaky = await runToolProcess(
      fixture("read_path.ts"),
      { path: `${root}/ws/link` },
      grant({ read: [`${root}/ws`] }),
    );
    assert.equal(leaky.ok, true, "if this fails, Deno now checks link targets: revisit DENO_SANDBOX.md");
    // PAI's fs_read checks the file it opened: Deno refuses to look at it outside the grant.
    const checked = await runToolProcess(
      tool("fs_read.ts"),
      { path: `${root}/ws/link` },
      grant({ read: [`${root}/ws`] }),
    );
    assert.equal(!checked.ok && checked.error.type, "permission_denied", JSON.stringify(checked));
    // PAI's folder tools never follow links inside a granted folder.
    const listed = await runToolProcess(
      tool("fs_search.ts"),
      { pattern: "secret", path: `${root}/ws` },
      grant({ read: [`${root}/ws`] }),
    );
    assert.deepEqual(listed, { ok: true, result: { root: `${root}/ws`, matches: [], truncated: false } });
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("fact 12: a path swapped for a link after the check is followed by path; PAI's tools check what they open", async () => {
  const root = await tempRoot();
  try {
    Deno.mkdirSync(`${root}/ws/docs`, { recursive: true });
    Deno.mkdirSync(`${root}/outside`);
    Deno.writeTextFileSync(`${root}/ws/docs/x`, "decoy");
    Deno.writeTextFileSync(`${root}/outside/x`, "outside secret");
    const decided = Deno.statSync(`${root}/ws/docs/x`);
    const pinned = { [`${root}/ws/docs/x`]: `${decided.dev}:${decided.ino}` };
    // After the decision, the folder becomes a link to another one.
    Deno.renameSync(`${root}/ws/docs`, `${root}/ws/docs.old`);
    Deno.symlinkSync(`${root}/outside`, `${root}/ws/docs`);
    const g = grant({ read: [`${root}/ws/docs/x`] });
    const naive = await runToolProcess(fixture("read_path.ts"), { path: `${root}/ws/docs/x` }, g);
    assert.deepEqual(naive, { ok: true, result: "outside secret" }, "the fact: Deno checks the path string");
    const r = await runToolProcess(tool("fs_read.ts"), { path: `${root}/ws/docs/x`, pinned }, g);
    assert.equal(!r.ok && r.error.type, "permission_denied", JSON.stringify(r));
    assert.ok(!JSON.stringify(r).includes("outside secret"));
    // Another file renamed into place (same path, no link): the identity differs, so it is refused too.
    Deno.removeSync(`${root}/ws/docs`);
    Deno.mkdirSync(`${root}/ws/docs`);
    Deno.writeTextFileSync(`${root}/ws/docs/x`, "another file");
    const swapped = await runToolProcess(tool("fs_read.ts"), { path: `${root}/ws/docs/x`, pinned }, g);
    assert.match(JSON.stringify(swapped), /was replaced after PAI checked it/);
    // A new file is created only where nothing is: a link planted at the path is not followed.
    Deno.symlinkSync(`${root}/outside/planted`, `${root}/ws/new.txt`);
    const w = await runToolProcess(
      tool("fs_write.ts"),
      { path: `${root}/ws/new.txt`, content: "x", pinned: { [`${root}/ws/new.txt`]: "absent" } },
      grant({ write: [`${root}/ws/new.txt`] }),
    );
    assert.equal(w.ok, false, JSON.stringify(w));
    assert.throws(() => Deno.statSync(`${root}/outside/planted`));
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("fact 12: a hard link is a second name that passes every path check; fs_search skips protected ones", async () => {
  const root = await tempRoot();
  try {
    Deno.mkdirSync(`${root}/ws`);
    Deno.mkdirSync(`${root}/aws`);
    Deno.writeTextFileSync(`${root}/aws/credentials`, "aws_secret_access_key = hard-linked-secret");
    Deno.linkSync(`${root}/aws/credentials`, `${root}/ws/notes.txt`);
    const g = grant({ read: [`${root}/ws`] });
    const naive = await runToolProcess(fixture("read_path.ts"), { path: `${root}/ws/notes.txt` }, g);
    assert.equal(naive.ok, true, "the fact: a hard link inside a grant is readable");
    const info = Deno.statSync(`${root}/aws/credentials`);
    for (const forbidden of [[`${info.dev}:${info.ino}`], "all" as const]) {
      const r = await runToolProcess(tool("fs_search.ts"), { pattern: "secret", path: `${root}/ws`, forbidden }, g);
      assert.deepEqual(r, { ok: true, result: { root: `${root}/ws`, matches: [], truncated: false } });
    }
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("fact 2: the static import graph is not permission-checked, so only PAI's own programs run as main", async () => {
  const r = await denoRun(["--no-prompt", "--no-config"], fixture("static_import.ts"));
  assert.equal(r.code, 0);
  assert.match(r.out, /not for tools/);
});

Deno.test("fact 3: a net grant for localhost does not cover 127.0.0.1, and the reverse", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => new Response("hi"));
  try {
    const port = server.addr.port;
    const byName = await runToolProcess(
      tool("http_request.ts"),
      { method: "GET", url: `http://127.0.0.1:${port}/` },
      grant({ net: [`localhost:${port}`] }),
    );
    assert.equal(!byName.ok && byName.error.type, "permission_denied");
    const byIp = await runToolProcess(
      tool("http_request.ts"),
      { method: "GET", url: `http://127.0.0.1:${port}/` },
      grant({ net: [`127.0.0.1:${port}`] }),
    );
    assert.equal(byIp.ok, true);
  } finally {
    await server.shutdown();
  }
});

Deno.test("fact 5: a comma in a path over-grants, so grantFlags refuses it", async () => {
  const root = await tempRoot();
  try {
    Deno.mkdirSync(`${root}/a`);
    Deno.mkdirSync(`${root}/outside`);
    Deno.writeTextFileSync(`${root}/outside/x`, "x");
    Deno.writeTextFileSync(`${root}/read.ts`, `console.log(Deno.readTextFileSync("${root}/outside/x"));`);
    const r = await denoRun(["--no-prompt", `--allow-read=${root}/a,${root}/outside`], `${root}/read.ts`);
    assert.equal(r.code, 0, "the comma granted a second folder (the fact)");
    assert.throws(() => grantFlags(grant({ read: [`${root}/a,${root}/outside`] })), /comma/);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("fact 6: /proc/self/environ stays closed even with --allow-read=/proc (and PAI never grants /proc)", async () => {
  const root = await tempRoot();
  try {
    Deno.writeTextFileSync(`${root}/environ.ts`, `console.log(Deno.readTextFileSync("/proc/self/environ"));`);
    const r = await denoRun(["--no-prompt", "--allow-read=/proc"], `${root}/environ.ts`);
    assert.notEqual(r.code, 0);
    assert.match(r.out, /NotCapable|Requires/);
    assert.throws(() => grantFlags(grant({ read: ["/proc"] })), /\/proc/);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("fact 7: with --no-prompt a denied operation fails with NotCapable instead of asking", async () => {
  const r = await runToolProcess(tool("fs_read.ts"), { path: "/etc/hostname" }, grant());
  assert.equal(!r.ok && r.error.type, "permission_denied");
  assert.match(!r.ok ? r.error.message : "", /Requires read access/);
});

Deno.test("folder tools never list or read .env files inside a granted folder", async () => {
  const root = await tempRoot();
  try {
    Deno.writeTextFileSync(`${root}/.env`, "TOKEN=do-not-read");
    Deno.writeTextFileSync(`${root}/.env.local`, "TOKEN=do-not-read");
    Deno.writeTextFileSync(`${root}/notes.md`, "TOKEN is explained here");
    const search = await runToolProcess(
      tool("fs_search.ts"),
      { pattern: "TOKEN", path: root },
      grant({ read: [root] }),
    );
    assert.deepEqual(search.ok && (search.result as { matches: { file: string }[] }).matches.map((m) => m.file), [
      "notes.md",
    ]);
    const list = await runToolProcess(tool("fs_list.ts"), { path: root }, grant({ read: [root] }));
    assert.deepEqual(list.ok && (list.result as { entries: { path: string }[] }).entries.map((e) => e.path), [
      "notes.md",
    ]);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

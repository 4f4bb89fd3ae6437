/** End to end: state files, concurrency, and the output forms of a prompt. */
import assert from "node:assert/strict";
import { firstBrokenRow } from "../src/audit/log.ts";
import { openDatabase } from "../src/store/db.ts";
import { openaiSession } from "./helpers/session.ts";
import { MAIN, makePaiHome, paiEnv, runPai } from "./helpers/run_pai.ts";

Deno.test("state is private: the folder is 0700 and the database 0600", async () => {
  const s = await openaiSession();
  try {
    await runPai(["prompt", "hi"], { home: s.home, env: s.env });
    assert.equal(Deno.statSync(s.home.dir).mode! & 0o777, 0o700);
    for (const entry of Deno.readDirSync(s.home.dir)) {
      assert.equal(
        Deno.statSync(`${s.home.dir}/${entry.name}`).mode! & 0o077,
        0,
        `${entry.name} is readable by others`,
      );
    }
  } finally {
    await s.close();
  }
});

Deno.test("a corrupt config.json is reported with its path and line, and left untouched", async () => {
  const s = await openaiSession();
  try {
    const path = `${s.home.dir}/config.json`;
    // Comments and trailing commas are JSONC, as in policy.json; a missing comma is not.
    const broken = '{\n  "maxRetries": 1,\n  "localHosts": ["a" "b"]\n}\n';
    Deno.writeTextFileSync(path, broken);
    for (const command of [["prompt", "hi"], ["status"], ["chat"]]) {
      const out = await runPai(command, { home: s.home, env: s.env });
      assert.equal(out.code, 3, command.join(" "));
      assert.match(out.stderr, new RegExp(`^pai: Cannot use "${path}": line 3, column 22: invalid JSON`));
      assert.match(out.stderr, /PAI never rewrites a file it cannot parse/);
    }
    Deno.writeTextFileSync(path, '{ "maxRetries": "three" }');
    const typed = await runPai(["prompt", "hi"], { home: s.home, env: s.env });
    assert.equal(typed.code, 3);
    assert.match(typed.stderr, /at "maxRetries": /);
    assert.equal(Deno.readTextFileSync(path), '{ "maxRetries": "three" }');
    assert.equal(s.server.chatRequests.length, 0, "nothing was sent with a broken config");
  } finally {
    await s.close();
  }
});

Deno.test("a corrupt database is reported with its path and never overwritten", async () => {
  const home = makePaiHome();
  try {
    const path = `${home.dir}/pai.db`;
    const junk = "this is not a database, but it is the user's file\n".repeat(100);
    Deno.writeTextFileSync(path, junk);
    const out = await runPai(["status"], { home });
    assert.equal(out.code, 3);
    assert.match(out.stderr, new RegExp(`^pai: Cannot open the state database "${path}": file is not a database`));
    assert.match(out.stderr, /never overwrites it/);
    assert.equal(Deno.readTextFileSync(path), junk);
  } finally {
    home.cleanup();
  }
});

Deno.test("several pai processes at once keep the database and the audit chain intact", async () => {
  const s = await openaiSession();
  try {
    const runs = await Promise.all(
      Array.from({ length: 6 }, (_, i) => runPai(["prompt", `parallel ${i}`], { home: s.home, env: s.env })),
    );
    for (const run of runs) assert.equal(run.code, 0, run.stderr);
    const db = openDatabase(s.home.dir);
    try {
      assert.equal(db.prepare("PRAGMA integrity_check").get()?.integrity_check, "ok");
      assert.equal(await firstBrokenRow(db), undefined);
      // The runs' constraints rows are left out: processes that start at once may each record theirs.
      const kinds = db.prepare(
        `SELECT kind, count(*) AS n FROM audit_log
          WHERE coalesce(json_extract(detail, '$.action'), '') != 'constraints' GROUP BY kind ORDER BY kind`,
      ).all();
      assert.deepEqual(kinds.map((k) => [k.kind, k.n]), [["prompt", 6], ["request", 6], ["response", 6], [
        "session",
        1,
      ]]);
      const row = db.prepare("SELECT os_user, provider, model FROM audit_log WHERE kind = 'response' LIMIT 1").get();
      assert.deepEqual({ ...row }, { os_user: "pai-tester", provider: "openai", model: "m" });
      // Tampering with any row breaks the chain from there.
      db.exec("UPDATE audit_log SET payload = 'forged' WHERE id = 3");
      assert.equal(await firstBrokenRow(db), 3);
    } finally {
      db.close();
    }
  } finally {
    await s.close();
  }
});

Deno.test("--json prints one object; --no-stream asks for a whole answer; piped stdin is attached", async () => {
  const s = await openaiSession();
  try {
    s.server.enqueue({ text: "a whole answer", usage: { input: 5, output: 3 } });
    const out = await runPai(["prompt", "--json", "--no-stream", "Summarise"], {
      home: s.home,
      env: s.env,
      stdin: "line one\nline two\n",
    });
    assert.equal(out.code, 0, out.stderr);
    const result = JSON.parse(out.stdout);
    assert.equal(result.text, "a whole answer");
    assert.equal(result.provider, "openai");
    assert.equal(result.model, "m");
    assert.deepEqual(result.usage, { inputTokens: 5, outputTokens: 3 });
    assert.match(result.sessionId, /^[0-9a-f-]{36}$/);
    const body = s.server.chatRequests[0].body!;
    assert.notEqual(body.stream, true);
    const user = (body.messages as { role: string; content: string }[]).at(-1)!;
    assert.equal(user.content, "Summarise\n\n<stdin>\nline one\nline two\n</stdin>");

    const onlyStdin = await runPai(["prompt"], { home: s.home, env: s.env, stdin: "just this" });
    assert.equal(onlyStdin.stdout, "echo: just this\n");
    const nothing = await runPai(["prompt"], { home: s.home, env: s.env });
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /Nothing to send/);
  } finally {
    await s.close();
  }
});

Deno.test("piped stdin longer than one read arrives whole; more than 8 MiB is refused with nothing sent", async () => {
  const s = await openaiSession();
  try {
    const long = Array.from({ length: 30_000 }, (_, i) => `line ${i}`).join("\n"); // ~260 KB: several reads
    // A model with a window that takes it (an unknown one is assumed to read 8,192 tokens).
    Deno.writeTextFileSync(
      `${s.home.dir}/config.json`,
      JSON.stringify({ models: { m: { contextWindow: 1_000_000 } } }),
    );
    const out = await runPai(["prompt", "--json", "Count"], { home: s.home, env: s.env, stdin: long });
    assert.equal(out.code, 0, out.stderr);
    const user = (s.server.chatRequests[0].body!.messages as { role: string; content: string }[]).at(-1)!;
    assert.equal(user.content, `Count\n\n<stdin>\n${long}\n</stdin>`);

    const huge = "x".repeat(8 * 1024 * 1024 + 1);
    const refused = await runPai(["prompt", "Count"], { home: s.home, env: s.env, stdin: huge });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /Cannot attach stdin: it is larger than 8 MiB/);
    assert.equal(s.server.chatRequests.length, 1, "nothing more was sent");
  } finally {
    await s.close();
  }
});

Deno.test("a provider with no system role gets the system prompt folded into the first user turn", async () => {
  const s = await openaiSession({}, ["--system-role", "fold"]);
  try {
    await runPai(["chat"], { home: s.home, env: s.env, stdin: "one\ntwo\n" });
    const messages = s.server.chatRequests[1].body!.messages as { role: string; content: string }[];
    assert.ok(messages.every((m) => m.role !== "system"));
    assert.match(messages[0].content, /^<instructions>\nYou are PAI[^]*<\/instructions>\n\none$/);
    assert.equal(messages[2].content, "two");
    const normal = await openaiSession();
    try {
      await runPai(["prompt", "x"], { home: normal.home, env: normal.env });
      const sent = normal.server.chatRequests[0].body!.messages as { role: string }[];
      assert.equal(sent[0].role, "system");
    } finally {
      await normal.close();
    }
  } finally {
    await s.close();
  }
});

Deno.test("the alternate invocation `deno run src/main.ts --help` works, and --version prints the version", async () => {
  const home = makePaiHome();
  try {
    const help = await new Deno.Command(Deno.execPath(), {
      args: ["run", MAIN, "--help"],
      clearEnv: true,
      env: paiEnv(home),
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(help.code, 0, new TextDecoder().decode(help.stderr));
    const text = new TextDecoder().decode(help.stdout);
    for (const command of ["init", "prompt", "chat", "status", "reset", "providers"]) {
      assert.match(text, new RegExp(`\\n  ${command} `));
    }
    const version = await runPai(["--version"], { home });
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  } finally {
    home.cleanup();
  }
});

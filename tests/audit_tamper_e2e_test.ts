/**
 * End to end: `pai audit verify` against logs written by real `pai` runs and then tampered with, `pai audit
 * prune`, and `audit.content: "hash"`.
 */
import assert from "node:assert/strict";
import { openDatabase } from "../src/store/db.ts";
import { openaiSession, type Setup } from "./helpers/session.ts";
import { makePaiHome, type PaiHome, runPai } from "./helpers/run_pai.ts";
import { TerminalSession } from "./helpers/terminal.ts";

/** A session with a few prompts answered: a log of a dozen rows or so. */
async function sessionWithLog(prompts = 3): Promise<Setup> {
  const s = await openaiSession();
  for (let i = 0; i < prompts; i++) {
    const out = await runPai(["prompt", `question ${i}`], { home: s.home, env: s.env });
    assert.equal(out.code, 0, out.stderr);
  }
  return s;
}

/** A copy of a PAI home (no process has it open: its WAL is checkpointed), to tamper with. */
function copyHome(from: PaiHome): PaiHome {
  const home = makePaiHome();
  for (const entry of Deno.readDirSync(from.dir)) {
    if (entry.isFile) Deno.copyFileSync(`${from.dir}/${entry.name}`, `${home.dir}/${entry.name}`);
  }
  return home;
}

function withDb(home: PaiHome, work: (db: ReturnType<typeof openDatabase>) => void): void {
  const db = openDatabase(home.dir);
  try {
    work(db);
  } finally {
    db.close();
  }
}

function rowCount(home: PaiHome): number {
  let n = 0;
  withDb(home, (db) => n = Number(db.prepare("SELECT count(*) AS n FROM audit_log").get()!.n));
  return n;
}

Deno.test("pai audit verify passes a log written by real runs, and names each tamper's first bad row and why", async () => {
  const s = await sessionWithLog();
  const homes: PaiHome[] = [];
  try {
    const intact = await runPai(["audit", "verify"], { home: s.home, env: s.env });
    assert.equal(intact.code, 0, intact.stderr);
    const rows = rowCount(s.home);
    assert.ok(rows >= 7, `only ${rows} rows`);
    assert.equal(
      intact.stdout.split("\n")[0],
      `The audit log is intact: ${rows} rows (1–${rows}), chained from the first row written.`,
    );
    assert.match(intact.stdout, new RegExp(`The head file names row ${rows}, the last row, with its hash`));

    const detailed = (db: ReturnType<typeof openDatabase>) =>
      Number(db.prepare("SELECT min(id) AS id FROM audit_log WHERE kind = 'response'").get()!.id);
    const cases: { name: string; tamper: (db: ReturnType<typeof openDatabase>) => void; expect: RegExp }[] = [
      {
        name: "an edited payload",
        tamper: (db) => db.exec("UPDATE audit_log SET payload = 'I never asked that' WHERE id = 3"),
        expect:
          /^pai: The audit log is broken at row 3 \(edited\): row 3's content is not the one it was written with$/m,
      },
      {
        name: "an edited detail",
        tamper: (db) => {
          const id = detailed(db);
          db.prepare("UPDATE audit_log SET detail = replace(detail, 'toolCalls', 'toolcalls') WHERE id = ?").run(id);
        },
        expect:
          /^pai: The audit log is broken at row \d+ \(edited\): row \d+'s fields are not the ones it was written with$/m,
      },
      {
        name: "a row deleted from the middle",
        tamper: (db) => db.exec("DELETE FROM audit_log WHERE id = 4"),
        expect: /^pai: The audit log is broken at row 4 \(missing\): row 4 was deleted: row 3 is followed by row 5$/m,
      },
      {
        name: "two rows swapped",
        tamper: (db) =>
          db.exec(`UPDATE audit_log SET id = 1000 WHERE id = 4; UPDATE audit_log SET id = 4 WHERE id = 5;
                   UPDATE audit_log SET id = 5 WHERE id = 1000`),
        expect:
          /^pai: The audit log is broken at row 4 \(reordered\): row 4 follows row 5, not row 3: rows were moved$/m,
      },
      {
        name: "the last rows deleted",
        tamper: (db) => db.prepare("DELETE FROM audit_log WHERE id > ?").run(rows - 2),
        expect: new RegExp(
          `^pai: The audit log is broken at row ${rows - 1} \\(cut tail\\): the head file names row ${rows}, ` +
            `but the log ends at row ${rows - 2}: rows ${rows - 1}–${rows} were deleted`,
          "m",
        ),
      },
    ];
    for (const c of cases) {
      const home = copyHome(s.home);
      homes.push(home);
      withDb(home, c.tamper);
      const out = await runPai(["audit", "verify"], { home, env: s.env });
      assert.equal(out.code, 1, `${c.name}: ${out.stdout}${out.stderr}`);
      assert.match(out.stderr, c.expect, c.name);
      assert.equal(out.stdout, "", c.name);
      const json = await runPai(["audit", "verify", "--json"], { home, env: s.env });
      assert.equal(json.code, 1);
      const report = JSON.parse(json.stdout);
      assert.equal(report.ok, false);
      assert.equal(report.head.state, "broken");
      assert.ok(["edited", "missing", "reordered", "cut tail"].includes(report.break.reason), c.name);
    }
    // What to do is said: rows before the break are intact, and what to keep.
    const edited = await runPai(["audit", "verify"], { home: homes[0], env: s.env });
    assert.match(
      edited.stderr,
      /^Rows 1–2 are intact\. Only "pai audit prune" removes rows; nothing changes a row\. Copy pai\.db and audit-head\.json aside/m,
    );
  } finally {
    for (const home of homes) home.cleanup();
    await s.close();
  }
});

Deno.test("pai audit verify names a database replaced by another valid log as a head mismatch", async () => {
  const s = await sessionWithLog(1);
  const other = await sessionWithLog(3);
  try {
    Deno.copyFileSync(`${other.home.dir}/pai.db`, `${s.home.dir}/pai.db`);
    const out = await runPai(["audit", "verify", "--json"], { home: s.home, env: s.env });
    assert.equal(out.code, 1, out.stderr);
    const report = JSON.parse(out.stdout);
    assert.equal(report.break.reason, "head mismatch");
    assert.match(out.stderr, /the database was replaced, or rewritten from row \d+ on/);
    assert.match(
      out.stderr,
      /If you put back an older pai\.db on purpose .*move audit-head\.json aside and start a new one with "pai audit verify --new-head"/,
    );
    // The next run's rows do not hide it: the head file keeps naming the old log's row. (The session in the
    // database put in place is the other one's, pinned to its server.)
    const more = await runPai(["prompt", "more"], { home: s.home, env: other.env });
    assert.equal(more.code, 0, more.stderr);
    assert.equal((await runPai(["audit", "verify"], { home: s.home, env: s.env })).code, 1);
    // Moving the head file aside and starting a new one, as the hint says, accepts the database as it is now; the
    // log records when.
    Deno.renameSync(`${s.home.dir}/audit-head.json`, `${s.home.dir}/audit-head.json.old`);
    assert.equal((await runPai(["audit", "verify"], { home: s.home, env: s.env })).code, 1, "not without the user");
    const accepted = await runPai(["audit", "verify", "--new-head"], { home: s.home, env: s.env });
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.match(accepted.stdout, /^Started a new head file, recorded in row \d+.*\nThe audit log is intact/s);
  } finally {
    await other.close();
    await s.close();
  }
});

Deno.test("an empty log verifies; a cut tail hidden by deleting the head file is found, until the user starts a new one", async () => {
  const home = makePaiHome();
  try {
    const empty = await runPai(["audit", "verify"], { home });
    assert.equal(empty.code, 0, empty.stderr);
    assert.equal(empty.stdout, "The audit log is empty: nothing to verify.\n");
  } finally {
    home.cleanup();
  }
  const s = await sessionWithLog(1);
  try {
    // The attack: cut the last rows, make the ids run on as if they never were, delete the head file, and let an
    // ordinary run write the next rows (the run that would create a head file naming the cut log).
    const rows = rowCount(s.home);
    withDb(s.home, (db) => {
      db.prepare("DELETE FROM audit_log WHERE id > ?").run(rows - 2);
      db.prepare("DELETE FROM audit_carried WHERE audit_id > ?").run(rows - 2);
      db.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit_log'").run(rows - 2);
    });
    Deno.removeSync(`${s.home.dir}/audit-head.json`);
    s.server.enqueue({ text: "ok" });
    assert.equal((await runPai(["prompt", "hello"], { home: s.home, env: s.env })).code, 0);
    const out = await runPai(["audit", "verify", "--json"], { home: s.home, env: s.env });
    assert.equal(out.code, 1, out.stdout);
    assert.equal(JSON.parse(out.stdout).break.reason, "head mismatch");
    const text = await runPai(["audit", "verify"], { home: s.home, env: s.env });
    assert.match(text.stderr, /there is no head file .* it was deleted/);
    assert.match(text.stderr, /pai audit verify --new-head/);
    // The history still names the rows cut: no new head file over that. Once the history is cleared (the user who
    // knows why: an older pai.db put back), the user starts a new one; the log records when.
    const refused = await runPai(["audit", "verify", "--new-head"], { home: s.home, env: s.env });
    assert.equal(refused.code, 2);
    assert.match(
      refused.stderr,
      /not intact, head file aside: history message \d+ .* names a row that is not in the log/,
    );
    assert.equal((await runPai(["reset"], { home: s.home, env: s.env })).code, 0);
    const started = await runPai(["audit", "verify", "--new-head"], { home: s.home, env: s.env });
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, /^Started a new head file, recorded in row \d+/);
    const listed = await runPai(["audit", "list", "--kind", "user_change"], { home: s.home, env: s.env });
    assert.match(listed.stdout, /new head file started at .*audit-head\.json \(there was none\)/);
    const again = await runPai(["audit", "verify", "--new-head"], { home: s.home, env: s.env });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /nothing to start/);
  } finally {
    await s.close();
  }
});

Deno.test("pai audit prune asks for --yes without a terminal, removes the oldest rows, and verify accepts the anchor", async () => {
  const s = await sessionWithLog(2);
  try {
    const before = rowCount(s.home);
    await new Promise((r) => setTimeout(r, 5)); // the cut falls strictly between two rows' times
    const cut = new Date().toISOString();
    assert.equal((await runPai(["prompt", "kept"], { home: s.home, env: s.env })).code, 0);
    const total = rowCount(s.home);

    const bad = await runPai(["audit", "prune", "--before", "last tuesday"], { home: s.home, env: s.env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^pai: Invalid --before "last tuesday": expected a day \(2026-01-31/);

    const asked = await runPai(["audit", "prune", "--before", cut], { home: s.home, env: s.env });
    assert.equal(asked.code, 2, asked.stderr);
    assert.match(asked.stderr, new RegExp(`deletes ${before} audit rows \\(1–${before}, .*add --yes`));
    assert.equal(rowCount(s.home), total, "nothing deleted");

    const done = await runPai(["audit", "prune", "--before", cut, "--yes"], { home: s.home, env: s.env });
    assert.equal(done.code, 0, done.stderr);
    assert.equal(
      done.stdout,
      `Deleted ${before} audit rows (1–${before}). Row ${total + 1} records the prune; the chain starts again at ` +
        `row ${before + 1}, and "pai audit verify" accepts it.\n`,
    );
    const verified = await runPai(["audit", "verify"], { home: s.home, env: s.env });
    assert.equal(verified.code, 0, verified.stderr);
    assert.match(
      verified.stdout,
      new RegExp(`chained from row ${before + 1}, where the prune recorded in row ${total + 1}`),
    );
    withDb(s.home, (db) => {
      const prune = db.prepare("SELECT detail FROM audit_log WHERE kind = 'prune'").get()!;
      assert.deepEqual(Object.keys(JSON.parse(String(prune.detail))), [
        "before",
        "rowsRemoved",
        "firstRemovedId",
        "lastRemovedId",
        "firstKeptId",
        "lastRemovedHash",
      ]);
    });
    const nothing = await runPai(["audit", "prune", "--before", cut, "--yes"], { home: s.home, env: s.env });
    assert.match(nothing.stdout, /^Nothing to prune: no audit row was written before /);

    // A row deleted any other way is still found, and prune refuses to re-anchor over it.
    withDb(s.home, (db) => db.prepare("DELETE FROM audit_log WHERE id = ?").run(before + 2));
    const broken = await runPai(["audit", "verify"], { home: s.home, env: s.env });
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, new RegExp(`broken at row ${before + 2} \\(missing\\)`));
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const refused = await runPai(["audit", "prune", "--before", future, "--yes"], { home: s.home, env: s.env });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^pai: Cannot prune the audit log: it is broken at row \d+ \(missing\)/);
  } finally {
    await s.close();
  }
});

Deno.test("pai audit prune in a terminal asks first, and no (the default) deletes nothing", async () => {
  const s = await sessionWithLog(1);
  try {
    const total = rowCount(s.home);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const declined = new TerminalSession(["audit", "prune", "--before", future], s.home, s.env);
    await declined.waitFor(`Delete ${total} audit rows`);
    await declined.type("\r");
    assert.equal(await declined.exit(), 0);
    assert.match(declined.screen, /Nothing was deleted\./);
    assert.equal(rowCount(s.home), total);

    const agreed = new TerminalSession(["audit", "prune", "--before", future], s.home, s.env);
    await agreed.waitFor("cannot be restored");
    await agreed.type("y\r");
    assert.equal(await agreed.exit(), 0);
    assert.match(agreed.screen, new RegExp(`Deleted ${total} audit rows`));
    assert.equal(rowCount(s.home), 1, "only the prune row");
    assert.equal((await runPai(["audit", "verify"], { home: s.home, env: s.env })).code, 0);
  } finally {
    await s.close();
  }
});

Deno.test('with audit.content "hash" a prompt leaves no text of it in the audit log, and the log verifies', async () => {
  const s = await openaiSession();
  try {
    Deno.writeTextFileSync(`${s.home.dir}/config.json`, '{ "audit": { "content": "hash" } }\n');
    const text = "zebra quartz 4711 is my locker code";
    const out = await runPai(["prompt", text], { home: s.home, env: s.env });
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /zebra quartz 4711/, "the fake model echoes it back");
    withDb(s.home, (db) => {
      const rows = db.prepare("SELECT * FROM audit_log").all();
      assert.ok(rows.some((r) => r.kind === "prompt" && r.payload === null));
      assert.equal(JSON.stringify(rows).includes("zebra"), false, "no row holds the prompt or the echo");
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'audit%'").all();
      for (const { name } of tables) {
        const all = JSON.stringify(db.prepare(`SELECT * FROM "${String(name)}"`).all());
        assert.equal(all.includes("zebra"), false, `table ${String(name)} holds it`);
      }
    });
    const verified = await runPai(["audit", "verify"], { home: s.home, env: s.env });
    assert.equal(verified.code, 0, verified.stderr);

    Deno.writeTextFileSync(`${s.home.dir}/config.json`, '{ "audit": { "content": "everything" } }\n');
    const refused = await runPai(["prompt", "hi"], { home: s.home, env: s.env });
    assert.equal(refused.code, 3);
    assert.match(refused.stderr, /audit\.content/);
  } finally {
    await s.close();
  }
});

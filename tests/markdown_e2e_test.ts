/**
 * End to end: answers are rendered as Markdown in a terminal (with colours allowed), plain when piped, with --raw or
 * TERM=dumb; a usage line follows each answer in a terminal, with --usage when piped, and not when config.json says so.
 */
import assert from "node:assert/strict";
import { openaiSession } from "./helpers/session.ts";
import { runPai } from "./helpers/run_pai.ts";
import { TerminalSession } from "./helpers/terminal.ts";

const ANSWER = "# Plan\n- **ship** it\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nSee [docs](https://example.com).\n";

Deno.test("in a terminal an answer is rendered as Markdown, and a usage line follows it", async () => {
  const s = await openaiSession();
  try {
    s.server.enqueue({ text: ANSWER, usage: { input: 1234, output: 56 } });
    // NO_COLOR empty is NO_COLOR unset (no-color.org): colours, so Markdown.
    const term = new TerminalSession(["prompt", "plan it"], s.home, { ...s.env, NO_COLOR: "" });
    await term.waitFor("1,234 in · 56 out");
    assert.equal(await term.exit(), 0, term.screen);
    const screen = term.screen;
    assert.ok(screen.includes("\x1b[1m\x1b[4mPlan"), "the heading is bold and underlined");
    assert.ok(screen.includes("•"), "the list has bullets");
    assert.ok(screen.includes("docs\x1b[24m \x1b[2m(https://example.com)"), "a link is its text and its URL");
    assert.ok(!screen.includes("| a | b |"), "the table was drawn, not shown raw");
    assert.ok(!screen.includes("\x1b]8;"), "no OSC 8 link");
  } finally {
    await s.close();
  }
});

Deno.test("plain Markdown when piped, with --raw, with NO_COLOR and with TERM=dumb; --usage prints the usage piped", async () => {
  const s = await openaiSession();
  try {
    s.server.enqueue({ text: ANSWER }, { text: ANSWER, usage: { input: 10, output: 20 } });
    const piped = await runPai(["prompt", "plan it"], { home: s.home, env: { ...s.env, NO_COLOR: "" } });
    assert.equal(piped.stdout, ANSWER);
    assert.ok(!piped.stderr.includes(" in · "), "no usage line when piped");
    const usage = await runPai(["prompt", "--usage", "plan it"], { home: s.home, env: s.env });
    assert.equal(usage.stdout, ANSWER);
    assert.match(usage.stderr, /↳ 10 in · 20 out/);
    for (
      const [args, env] of [[["--raw"], { NO_COLOR: "" }], [[], { NO_COLOR: "1" }], [[], {
        NO_COLOR: "",
        TERM: "dumb",
      }]] as const
    ) {
      s.server.enqueue({ text: ANSWER });
      const term = new TerminalSession(["prompt", ...args, "plan it"], s.home, { ...s.env, ...env });
      await term.waitFor("See [docs](https://example.com).");
      assert.equal(await term.exit(), 0, term.screen);
      assert.ok(term.screen.includes("| a | b |"), `${JSON.stringify(env)} ${args}: the answer was rendered`);
    }
  } finally {
    await s.close();
  }
});

Deno.test("config.json's usageLine: false turns the usage line off in a terminal", async () => {
  const s = await openaiSession();
  try {
    Deno.writeTextFileSync(`${s.home.dir}/config.json`, '{ "usageLine": false }\n');
    s.server.enqueue({ text: "short answer", usage: { input: 7, output: 3 } });
    const term = new TerminalSession(["prompt", "hi"], s.home, s.env);
    await term.waitFor("short answer");
    assert.equal(await term.exit(), 0, term.screen);
    assert.ok(!term.screen.includes("7 in · 3 out"), term.screen);
  } finally {
    await s.close();
  }
});

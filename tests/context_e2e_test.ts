/**
 * End to end: the context manager through the real `pai` process. A long chat stays within the model's window
 * by summaries the user can see and reset; an input too large for the window is refused before anything is
 * sent; the history keeps tool calls and results, so the next chat knows what the tools returned.
 */
import assert from "node:assert/strict";
import { loadTokenCounter } from "../src/context/tokens.ts";
import { runPai } from "./helpers/run_pai.ts";
import { openaiSession, type Setup } from "./helpers/session.ts";
import { call, makeWorkspace } from "./helpers/workspace.ts";

/** Sets the model's window (and the answer's room) in the test home's config.json. */
function smallWindow(s: Setup, contextWindow: number, maxTokens = 100): void {
  Deno.writeTextFileSync(
    `${s.home.dir}/config.json`,
    JSON.stringify({ maxTokens, models: { m: { contextWindow } } }),
  );
}

/** The tokens of a request's messages, counted with the model's tokenizer as the test sees them. */
async function tokens(body: Record<string, unknown> | undefined): Promise<number> {
  const counter = await loadTokenCounter("openai", "gpt-4o");
  return ((body?.messages ?? []) as { content: unknown }[])
    .reduce((n, m) => n + counter.count(typeof m.content === "string" ? m.content : JSON.stringify(m.content)) + 4, 0);
}

Deno.test("a long chat stays within the window: older turns are summarised, shown by pai summary, cleared by pai reset", async () => {
  const s = await openaiSession();
  try {
    smallWindow(s, 1200);
    const lines = Array.from({ length: 40 }, (_, i) => `Question ${i}: `.padEnd(240, `words about item ${i} `));
    const chat = await runPai(["chat", "--no-tools"], { home: s.home, env: s.env, stdin: `${lines.join("\n")}\n` });
    assert.equal(chat.code, 0, chat.stderr);
    assert.match(chat.stderr, /summarising older turns to stay within the model's context window/);
    const summaries = s.server.chatRequests.filter((r) =>
      JSON.stringify(r.body).includes("Summarise the conversation")
    );
    const turns = s.server.chatRequests.filter((r) => !summaries.includes(r));
    assert.equal(turns.length, 40, "every line was answered");
    assert.ok(summaries.length >= 2, `${summaries.length} summaries`);
    // Every request fits the window of 1,200 with the answer's 100: under the trigger, 75 % of the window.
    const largest = Math.max(...await Promise.all(turns.map((r) => tokens(r.body))));
    assert.ok(largest <= 900, `the largest request had ${largest} tokens`);
    const last = JSON.stringify(turns.at(-1)!.body);
    assert.match(last, /<conversation_summary of=\\"the earlier turns\\" trust=\\"untrusted\\">\\nSummary \d+:/);
    assert.doesNotMatch(last, /Question 0:/, "the oldest turns went into the summary");
    assert.match(last, /Question 39:/);

    const status = JSON.parse((await runPai(["status", "--json"], { home: s.home, env: s.env })).stdout);
    // Each time the history outgrew the window it was summarised once, in one or more requests (chunks that fit).
    assert.ok(status.session.summary.made >= 2 && status.session.summary.made <= summaries.length);
    const shown = await runPai(["summary"], { home: s.home, env: s.env });
    assert.match(shown.stdout, /^Summary of the older turns \(made \d+ time\(s\).*labelled public/);
    assert.match(shown.stdout, /\n {2}│ Summary \d+: the user asked numbered questions/);
    const reset = await runPai(["reset"], { home: s.home, env: s.env });
    assert.match(reset.stdout, /Cleared \d+ messages, the summary of older turns and 0 approval\(s\)/);
    assert.match((await runPai(["summary"], { home: s.home, env: s.env })).stdout, /^No summary/);
  } finally {
    await s.close();
  }
});

Deno.test("an input that cannot fit the window is refused before sending, with its size, the window and what to do", async () => {
  const s = await openaiSession();
  try {
    smallWindow(s, 128_000, 4096);
    const piped = "The quarterly figures, line by line, with their notes.\n".repeat(75_000); // 4.1 MB
    const result = await runPai(["prompt", "Summarise this"], { home: s.home, env: s.env, stdin: piped });
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr,
      /Not sent: the input is about [\d,]+ tokens, and m's window of 128000 tokens leaves \d+/,
    );
    assert.match(result.stderr, /"models": \{"MODEL": \{"contextWindow": N\}\}/);
    assert.equal(s.server.chatRequests.length, 0, "nothing was sent");
  } finally {
    await s.close();
  }
});

Deno.test("the history keeps tool calls and their results: the next chat knows what the tool returned", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    Deno.writeTextFileSync(`${w.ws}/todo.md`, "- renew the passport (MARKER-41)\n");
    s.server.enqueue(call("fs_read", { path: "todo.md" }), { text: "You must renew your passport." });
    const first = await runPai(["chat"], { home: s.home, env: s.env, cwd: w.ws, stdin: "what is on my list?\n" });
    assert.equal(first.code, 0, first.stderr);
    const second = await runPai(["chat"], { home: s.home, env: s.env, cwd: w.ws, stdin: "and which marker?\n" });
    assert.equal(second.code, 0, second.stderr);
    const sent = s.server.chatRequests.at(-1)!.body!.messages as {
      role: string;
      content: unknown;
      tool_calls?: unknown;
    }[];
    assert.deepEqual(sent.map((m) => m.role), ["system", "user", "assistant", "tool", "assistant", "user"]);
    assert.match(JSON.stringify(sent[2].tool_calls), /fs_read/);
    assert.match(String(sent[3].content), /MARKER-41/);
    assert.equal(sent[4].content, "You must renew your passport.");
  } finally {
    w.cleanup();
    await s.close();
  }
});

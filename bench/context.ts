/**
 * The context manager's figures: how long assembling a chat request takes with 10, 1,000 and 100,000 stored
 * messages (it must not grow with the part of the history that is not sent), and a 1,000-turn piped chat kept
 * under the window (the largest request, the summaries made). Summaries are written by a stand-in that answers
 * at once, so the figures are PAI's own work, not a model's. `deno run -A bench/context.ts`.
 */
import { BYTES, ContextManager, type Summarise } from "../src/context/context_manager.ts";
import { loadTokenCounter } from "../src/context/tokens.ts";
import type { ChatMessage } from "../src/core/types.ts";
import { openDatabase } from "../src/store/db.ts";
import { appendMessages, type StoredMessage } from "../src/store/messages.ts";
import { createSession } from "../src/store/sessions.ts";
import { median } from "./measure.ts";

const RUNS = Number(Deno.env.get("BENCH_RUNS") ?? 21);
const WINDOW = 128_000;
const counter = await loadTokenCounter("openai", "gpt-4o");
const standIn: Summarise = (messages) =>
  Promise.resolve({ text: `A summary of ${messages.length} messages. `.repeat(20) });

/** A varied turn: a question and a paragraph of answer, as a chat has them. */
function turnOf(i: number): [string, string] {
  return [
    `Question ${i}: how does the ${i % 7 ? "cache" : "index"} behave when item ${i} is read twice?`,
    `Answer ${i}: `.padEnd(600, `the value for ${i} is kept, then read from the cache; `),
  ];
}

function setup(messages: number) {
  const dir = Deno.makeTempDirSync({ prefix: "pai_bench_ctx_" });
  const db = openDatabase(dir);
  const session = createSession(db, {
    provider: "openai",
    model: "gpt-4o",
    baseUrl: null,
    apiKeyEnv: null,
    systemRole: "system",
    locality: "auto",
    pinned: { baseUrl: "https://api.openai.com/v1", locality: "remote" },
  });
  const rows: StoredMessage[] = [];
  for (let i = 0; i < messages / 2; i++) {
    for (const [role, content] of [["user", turnOf(i)[0]], ["assistant", turnOf(i)[1]]] as const) {
      rows.push({ role, content, mode: "chat", interrupted: false, tokens: counter.count(content) + 4 });
    }
  }
  appendMessages(db, session.id, rows);
  const manager = () =>
    new ContextManager(db, session, { mode: "chat", context: "history" }, {
      window: WINDOW,
      output: 4096,
      model: "gpt-4o",
      provider: "openai (remote)",
      mayReceive: () => true,
    }, { bound: BYTES, exact: () => Promise.resolve(counter) });
  return { db, session, manager, close: () => (db.close(), Deno.removeSync(dir, { recursive: true })) };
}

console.log(`Medians of ${RUNS} runs each, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}`);
console.log("| stored messages | first request (summaries made) | a later request |");
console.log("|---|---|---|");
for (const n of [10, 1_000, 100_000]) {
  const s = setup(n);
  try {
    const fixed = { system: "You are PAI." };
    const first = performance.now();
    const context = s.manager();
    await context.start("the next question", fixed, standIn);
    const firstMs = performance.now() - first;
    const later = await median(() => s.manager().start("the next question", fixed, standIn), RUNS);
    console.log(
      `| ${n.toLocaleString("en")} | ${firstMs.toFixed(1)} ms (${context.stats.summaries}) | ${later.toFixed(2)} ms |`,
    );
  } finally {
    s.close();
  }
}

// A 1,000-turn piped chat: each turn's request built, then the turn stored, as `pai chat` does.
{
  const s = setup(0);
  try {
    let largest = 0;
    let summaries = 0;
    const fixed = { system: "You are PAI." };
    for (let i = 0; i < 1_000; i++) {
      const [question, answer] = turnOf(i);
      const context = s.manager();
      const messages: ChatMessage[] = await context.start(question, fixed, standIn);
      largest = Math.max(largest, context.stats.largestRequest);
      summaries += context.stats.summaries;
      void messages;
      appendMessages(s.db, s.session.id, [
        { role: "user", content: question, mode: "chat", interrupted: false, tokens: counter.count(question) + 4 },
        { role: "assistant", content: answer, mode: "chat", interrupted: false, tokens: counter.count(answer) + 4 },
      ]);
    }
    console.log(
      `\n1,000-turn chat, window ${WINDOW.toLocaleString("en")}: largest request ${
        largest.toLocaleString("en")
      } tokens ` +
        `(${(largest / WINDOW * 100).toFixed(1)} % of the window), ${summaries} summaries made`,
    );
  } finally {
    s.close();
  }
}

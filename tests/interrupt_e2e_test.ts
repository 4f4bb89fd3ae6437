/** End to end: Ctrl+C during a streamed answer stops it, keeps it marked, and leaves the session usable. */
import assert from "node:assert/strict";
import { INTERRUPTED_MARK } from "../src/context/history.ts";
import { openaiSession, storedHistory } from "./helpers/session.ts";
import { paiCommand } from "./helpers/run_pai.ts";

const SLOW = { text: Array.from({ length: 200 }, (_, i) => `w${i} `), chunkDelayMs: 50 };

/** Reads the child's stdout until `text` appears, then returns what was read. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, text: string): Promise<string> {
  const decoder = new TextDecoder();
  let seen = "";
  while (!seen.includes(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stdout ended before "${text}" appeared: ${seen}`);
    seen += decoder.decode(value, { stream: true });
  }
  return seen;
}

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let rest = "";
  for (let r = await reader.read(); !r.done; r = await reader.read()) rest += decoder.decode(r.value, { stream: true });
  return rest;
}

Deno.test("Ctrl+C during pai prompt stops the answer, exits 130 and keeps what arrived", async () => {
  const s = await openaiSession();
  try {
    s.server.enqueue(SLOW);
    const child = paiCommand(["prompt", "tell me a long story"], { home: s.home, env: s.env }).spawn();
    await child.stdin.close();
    const reader = child.stdout.getReader();
    const before = await readUntil(reader, "w2 ");
    child.kill("SIGINT");
    const stdout = before + await drain(reader);
    const status = await child.status;
    assert.equal(status.code, 130);
    assert.match(stdout, /w0 w1 w2 .*\[interrupted\]\n$/s);
    assert.ok(!stdout.includes("w199"), "the stream was stopped");
    const last = storedHistory(s.home).at(-1)!;
    assert.equal(last.interrupted, true);
    assert.ok(last.content.startsWith("w0 w1 w2 "));
  } finally {
    await s.close();
  }
});

Deno.test("Ctrl+C during a chat answer stops only that answer; the next message carries it, marked", async () => {
  const s = await openaiSession();
  try {
    s.server.enqueue(SLOW, { text: "second answer" });
    const child = paiCommand(["chat"], { home: s.home, env: s.env }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode("first\n"));
    const reader = child.stdout.getReader();
    const before = await readUntil(reader, "w2 ");
    child.kill("SIGINT");
    await readUntil(reader, "[interrupted]\n");
    await writer.write(new TextEncoder().encode("second\n"));
    await writer.close();
    const rest = await drain(reader);
    assert.equal((await child.status).code, 0);
    assert.ok(before.startsWith("w0 w1 w2"));
    assert.equal(rest, "second answer\n");
    const sent = s.server.chatRequests[1].body!.messages as { role: string; content: string }[];
    const partial = sent.find((m) => m.role === "assistant")!.content;
    assert.ok(partial.startsWith("w0 w1 w2 ") && partial.endsWith(INTERRUPTED_MARK), partial);
    assert.deepEqual(storedHistory(s.home).map((m) => m.interrupted), [false, true, false, false]);
  } finally {
    await s.close();
  }
});

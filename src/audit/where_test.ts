import assert from "node:assert/strict";
import { appendAudit } from "./log.ts";
import { whereData } from "./where.ts";
import type { Database } from "../store/db.ts";
import { withDb } from "./_query_fixture.ts";
import { answerIdentity, type CarriedPiece } from "./events.ts";
import { sha256 } from "./chain.ts";

const WHO = { sessionId: "s1", mode: "agent", provider: "openai", model: "m" } as const;

/** A tool result recorded, then a request that carried it (with `sources`): the request row's id. */
async function readAndSend(db: Database, content: string, sources: string[]): Promise<number> {
  const result = await appendAudit(db, {
    ...WHO,
    kind: "tool_result",
    tool: "fs_read",
    callId: "c",
    ok: true,
    content,
    size: content.length,
  });
  const piece: CarriedPiece = {
    via: "tool_result",
    hash: result.payloadHash,
    sources,
    callId: "c",
    sent: "as_written",
  };
  return (await appendAudit(db, {
    ...WHO,
    kind: "request",
    baseUrl: "https://api.openai.com/v1",
    locality: "remote",
    carried: [piece],
  })).id;
}

const path = (paths: string[], sources: string[] = []) => ({ kind: "path" as const, paths, sources });

Deno.test("whereData() finds a file, a folder's files (not a sibling that shares its prefix), and a resource", async () => {
  await withDb(async (db) => {
    const a = await readAndSend(db, "alpha", ["/home/me/notes/a.md"]);
    const b = await readAndSend(db, "beta", ["/home/me/notes/sub/b.md", "resource:beta"]);
    await readAndSend(db, "gamma", ["/home/me/notes2/c.md"]);
    const ids = async (target: Parameters<typeof whereData>[1]) =>
      (await whereData(db, target, { limit: 50 })).flows.map((f) => f.requestId);
    assert.deepEqual(await ids(path(["/home/me/notes/a.md"])), [a]);
    assert.deepEqual(await ids(path(["/home/me/notes"])), [b, a]);
    assert.deepEqual(await ids(path(["/home/me/notes/"])), [b, a]);
    assert.deepEqual(await ids({ kind: "resource", paths: [], sources: ["resource:beta"] }), [b]);
    assert.deepEqual(await ids(path(["/home/me/none.md"])), []);
    const flow = (await whereData(db, path(["/home/me/notes/a.md"]), { limit: 50 })).flows[0];
    assert.deepEqual([flow.origin?.kind, flow.origin?.tool, flow.locality, flow.sources], [
      "tool_result",
      "fs_read",
      "remote",
      ["/home/me/notes/a.md"],
    ]);
  });
});

Deno.test("whereData() finds a text in the rows that recorded it, case aside, and only the exact text", async () => {
  await withDb(async (db) => {
    const a = await readAndSend(db, "Visit: Blood pressure 128 over 84", ["/a"]);
    await readAndSend(db, "blood test, pressure fine", ["/b"]);
    const found = await whereData(db, { kind: "text", text: "blood PRESSURE 128" }, { limit: 50 });
    assert.deepEqual(found.flows.map((f) => f.requestId), [a]);
    assert.equal(found.origins, 1);
    // Every word is in the second row, not the phrase: it did not carry this text.
    assert.equal((await whereData(db, { kind: "text", text: "pressure fine blood" }, { limit: 50 })).requests, 0);
    assert.equal((await whereData(db, { kind: "text", text: "nowhere" }, { limit: 50 })).origins, 0);
  });
});

Deno.test("whereData() counts every request and shows the newest --limit of them", async () => {
  await withDb(async (db) => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await readAndSend(db, `r${i}`, ["/f"]));
    const found = await whereData(db, path(["/f"]), { limit: 2 });
    assert.equal(found.requests, 5);
    assert.deepEqual(found.flows.map((f) => f.requestId), ids.slice(-2).reverse());
  });
});

Deno.test("whereData() finds a text in a tool result's JSON as it was written: line breaks, quotes, backslashes, any case", async () => {
  await withDb(async (db) => {
    const file = 'Visit:\tblood pressure\n128 over 84. She said "stop now". C:\\Users\\ann. ÄRZTIN Müller, σίσυφος';
    const a = await readAndSend(db, JSON.stringify({ ok: true, result: { content: file } }), ["/a"]);
    for (
      const text of ["pressure 128", 'said "stop now"', "C:\\Users\\ann", "ärztin müller", "ΣΊΣΥΦΟΣ", "visit: blood"]
    ) {
      assert.deepEqual(
        (await whereData(db, { kind: "text", text }, { limit: 50 })).flows.map((f) => f.requestId),
        [a],
        text,
      );
    }
    assert.equal((await whereData(db, { kind: "text", text: "pressure 129" }, { limit: 50 })).requests, 0);
  });
});

Deno.test("whereData() finds a text the model copied into a tool call's arguments, and only that answer", async () => {
  await withDb(async (db) => {
    /** An answer that only calls a tool (its text is empty, as every such answer's is), and a request sending it. */
    const answerAndSend = async (id: string, content: string) => {
      const toolCalls = [{ id, name: "fs_write", arguments: JSON.stringify({ path: "x", content }) }];
      await appendAudit(db, { ...WHO, kind: "response", text: "", toolCalls });
      const hash = await sha256(answerIdentity("", toolCalls));
      return (await appendAudit(db, {
        ...WHO,
        kind: "request",
        baseUrl: "https://api.openai.com/v1",
        locality: "remote",
        carried: [{ via: "answer", hash, sent: "as_written" }],
      })).id;
    };
    const copied = await answerAndSend("c9", "account 99 copied");
    await answerAndSend("c10", "something else");
    const found = await whereData(db, { kind: "text", text: "account 99" }, { limit: 50 });
    assert.deepEqual(found.flows.map((f) => [f.requestId, f.via]), [[copied, "answer"]]);
  });
});

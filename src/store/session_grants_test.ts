import assert from "node:assert/strict";
import { openDatabase } from "./db.ts";
import { listSavedGrants, revokeAllSavedGrants, revokeSavedGrant, saveGrants } from "./saved_grants.ts";
import { clearSessionGrants, listSessionGrants, revokeSessionGrant, saveSessionGrants } from "./session_grants.ts";
import { createSession } from "./sessions.ts";

function withDb(work: (db: ReturnType<typeof openDatabase>, sessions: [string, string]) => void): void {
  const dir = Deno.makeTempDirSync();
  const db = openDatabase(dir);
  const fields = {
    provider: "ollama",
    model: "m",
    baseUrl: null,
    apiKeyEnv: null,
    systemRole: "system" as const,
    locality: "auto" as const,
    pinned: { baseUrl: "http://127.0.0.1:11434/v1", locality: "local" as const },
  };
  try {
    work(db, [createSession(db, fields).id, createSession(db, fields).id]);
  } finally {
    db.close();
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("session approvals are kept per session and tool, cleared by session (reset) or all but one (init)", () => {
  withDb((db, [a, b]) => {
    saveSessionGrants(db, a, "fs_read", { read: ["/x", "/x"], write: [], net: ["h:443"] });
    saveSessionGrants(db, b, "fs_read", { read: ["/y"], write: [], net: [] });
    assert.deepEqual(listSessionGrants(db, a).map((g) => [g.tool, g.kind, g.value]), [
      ["fs_read", "read", "/x"],
      ["fs_read", "net", "h:443"],
    ]);
    assert.deepEqual(listSessionGrants(db, a, "fs_list"), []);
    const first = listSessionGrants(db, a)[0];
    assert.equal(revokeSessionGrant(db, b, first.id), undefined, "another session's approval is not revoked");
    assert.equal(revokeSessionGrant(db, a, first.id)?.value, "/x");
    assert.equal(clearSessionGrants(db, { sessionId: a }), 1);
    saveSessionGrants(db, a, "fs_read", { read: ["/z"], write: [], net: [] });
    assert.equal(clearSessionGrants(db, { keep: b }), 1);
    assert.deepEqual(listSessionGrants(db, b).map((g) => g.value), ["/y"]);
  });
});

Deno.test("saved approvals are listed with their ids and revoked one by one or all at once", () => {
  withDb((db) => {
    saveGrants(db, "fs_read", { read: ["/x"], write: [], net: [] });
    saveGrants(db, "http_request", { read: [], write: [], net: ["api.example.com:443"] });
    const [read, net] = listSavedGrants(db);
    assert.deepEqual([read.tool, read.kind, read.value], ["fs_read", "read", "/x"]);
    assert.deepEqual(listSavedGrants(db, "http_request").map((g) => g.id), [net.id]);
    assert.equal(revokeSavedGrant(db, read.id)?.value, "/x");
    assert.equal(revokeSavedGrant(db, read.id), undefined);
    assert.equal(revokeAllSavedGrants(db), 1);
    assert.deepEqual(listSavedGrants(db), []);
  });
});

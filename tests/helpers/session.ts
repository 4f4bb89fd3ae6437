/** Shared set-up for end-to-end tests: a fake server, a PAI home and a session on it. */
import assert from "node:assert/strict";
import { FakeModelServer, type FakeServerOptions } from "../fakes/fake_model_server.ts";
import { openDatabase } from "../../src/store/db.ts";
import { listMessages, type StoredMessage } from "../../src/store/messages.ts";
import { currentSession } from "../../src/store/sessions.ts";
import { makePaiHome, type PaiHome, runPai } from "./run_pai.ts";

/** A fake server with an `openai` session pointing at it. */
export interface Setup {
  server: FakeModelServer;
  home: PaiHome;
  env: Record<string, string>;
  close(): Promise<void>;
}

export const TEST_OPENAI_KEY = "sk-test-secret-0123456789abcdefXYZ";

/** Starts a fake server and inits an `openai` session on it (extra `init` flags may follow). */
export async function openaiSession(options: FakeServerOptions = {}, initFlags: string[] = []): Promise<Setup> {
  const server = FakeModelServer.start({ models: ["m"], ...options });
  const home = makePaiHome();
  const env = { OPENAI_API_KEY: TEST_OPENAI_KEY, OPENAI_BASE_URL: `${server.url}/v1` };
  const init = await runPai(["init", "openai", "--model", "m", ...initFlags], { home, env });
  assert.equal(init.code, 0, init.stderr);
  return {
    server,
    home,
    env,
    close: async () => {
      await server.close();
      home.cleanup();
    },
  };
}

/** The current session's stored history, read straight from the test's database. */
export function storedHistory(home: PaiHome): StoredMessage[] {
  const db = openDatabase(home.dir);
  try {
    const session = currentSession(db);
    return session ? listMessages(db, session.id) : [];
  } finally {
    db.close();
  }
}

/**
 * End to end: a session's endpoint (base URL and locality) is fixed when it starts. A later run whose
 * environment or config points elsewhere is refused before anything is sent, to either endpoint, and
 * leaves an audit row; `pai status` shows both; setting the environment back makes the session usable again.
 */
import assert from "node:assert/strict";
import { FakeModelServer } from "./fakes/fake_model_server.ts";
import { TEST_OPENAI_KEY } from "./helpers/session.ts";
import { makePaiHome, type PaiHome, runPai } from "./helpers/run_pai.ts";
import { type AuditEvent, eventOf } from "../src/audit/events.ts";
import { openDatabase } from "../src/store/db.ts";

const OPENAI = "https://api.openai.com/v1";

/** The session events with this action, read straight from the test's database. */
function sessionEvents<A extends Extract<AuditEvent, { kind: "session" }>["action"]>(
  home: PaiHome,
  action: A,
): Extract<AuditEvent, { kind: "session"; action: A }>[] {
  const db = openDatabase(home.dir);
  try {
    return db.prepare("SELECT * FROM audit_log WHERE kind = 'session' ORDER BY id").all().map((r) => eventOf(r))
      .filter((e): e is Extract<AuditEvent, { kind: "session"; action: A }> =>
        e?.kind === "session" && e.action === action
      );
  } finally {
    db.close();
  }
}

/** Makes the current session look like one started before endpoints were pinned. */
function forgetPin(home: PaiHome): void {
  const db = openDatabase(home.dir);
  try {
    db.exec("UPDATE sessions SET pinned_base_url = NULL, pinned_locality = NULL");
  } finally {
    db.close();
  }
}

Deno.test("a session started on loopback refuses a run whose OPENAI_BASE_URL is unset or elsewhere, sending nothing", async () => {
  const first = FakeModelServer.start({ models: ["m"] });
  const second = FakeModelServer.start({ models: ["m"] });
  const home = makePaiHome();
  const pinned = `${first.url}/v1`;
  const atFirst = { OPENAI_API_KEY: TEST_OPENAI_KEY, OPENAI_BASE_URL: pinned };
  try {
    const init = await runPai(["init", "openai", "--model", "m"], { home, env: atFirst });
    assert.equal(init.code, 0, init.stderr);
    const probes = first.requests.length;

    const unset = await runPai(["prompt", "hi"], { home, env: { OPENAI_API_KEY: TEST_OPENAI_KEY } });
    // 3 (EXIT.CONFIG): the stored session and the environment disagree; no policy rule decided it.
    assert.equal(unset.code, 3, unset.stderr);
    assert.ok(unset.stderr.includes(`"${pinned}" (local)`), unset.stderr);
    assert.ok(unset.stderr.includes(`"${OPENAI}" (remote`), unset.stderr);
    assert.ok(unset.stderr.includes("nothing was sent"), unset.stderr);
    assert.ok(unset.stderr.includes(`OPENAI_BASE_URL=${pinned}`), unset.stderr);
    assert.ok(unset.stderr.includes("pai init openai --model m"), unset.stderr);
    assert.equal(unset.stdout, "");

    const atSecond = { ...atFirst, OPENAI_BASE_URL: `${second.url}/v1` };
    for (const [args, stdin] of [[["prompt", "hi"]], [["chat"], "hi\n"], [["agent", "hi"]]] as [string[], string?][]) {
      const out = await runPai(args, { home, env: atSecond, stdin });
      assert.equal(out.code, 3, `${args[0]}: ${out.stderr}`);
      assert.ok(out.stderr.includes(`"${pinned}" (local)`), out.stderr);
      assert.ok(out.stderr.includes(`"${second.url}/v1" (local`), out.stderr);
      assert.ok(out.stderr.includes("pai init"), out.stderr);
      assert.ok(!out.stderr.includes(TEST_OPENAI_KEY));
    }
    assert.equal(second.requests.length, 0, "nothing reached the endpoint the environment now names");
    assert.equal(first.requests.length, probes, "nothing reached the pinned endpoint either");

    const refused = sessionEvents(home, "endpoint_refused");
    assert.equal(refused.length, 4, "each refused run leaves an audit row");
    assert.deepEqual(
      refused.map((e) => [e.expected, e.baseUrl, e.locality]),
      [
        [{ baseUrl: pinned, locality: "local" }, OPENAI, "remote"],
        ...Array(3).fill([{ baseUrl: pinned, locality: "local" }, `${second.url}/v1`, "local"]),
      ],
    );
    assert.ok(refused[0].reason.includes(pinned) && refused[0].reason.includes(OPENAI), refused[0].reason);
    assert.ok(refused.every((e) => e.provider === "openai" && e.model === "m" && e.sessionId));
    assert.ok(refused.every((e) => !JSON.stringify(e).includes(TEST_OPENAI_KEY)));

    const text = await runPai(["status"], { home, env: atSecond });
    assert.equal(text.code, 0, text.stderr);
    assert.ok(text.stdout.includes(pinned) && text.stdout.includes(`${second.url}/v1`), text.stdout);
    assert.match(text.stdout, /differs/);
    const json = JSON.parse((await runPai(["status", "--json"], { home, env: atSecond })).stdout).session;
    assert.deepEqual(json.pinned, { baseUrl: pinned, locality: "local" });
    assert.deepEqual(json.environment, { baseUrl: `${second.url}/v1`, locality: "local" });
    assert.equal(json.drift, true);

    const back = await runPai(["prompt", "hi"], { home, env: atFirst });
    assert.equal(back.code, 0, back.stderr);
    assert.equal(back.stdout, "echo: hi\n");
    assert.equal(first.chatRequests.length, 1);
    const same = JSON.parse((await runPai(["status", "--json"], { home, env: atFirst })).stdout).session;
    assert.equal(same.drift, false);
    assert.deepEqual(same.environment, same.pinned);
  } finally {
    await first.close();
    await second.close();
    home.cleanup();
  }
});

Deno.test("a change of localHosts in config.json that makes the endpoint remote is refused, sending nothing", async () => {
  const server = FakeModelServer.start({ models: ["m"] });
  const home = makePaiHome();
  // An IPv4-mapped loopback address: not loopback by PAI's rule, so local only while config.json says so.
  const port = new URL(server.url).port;
  const url = `http://[::ffff:7f00:1]:${port}/v1`;
  const env = { OPENAI_API_KEY: TEST_OPENAI_KEY, OPENAI_BASE_URL: `http://[::ffff:127.0.0.1]:${port}/v1/` };
  const config = `${home.dir}/config.json`;
  try {
    Deno.writeTextFileSync(config, JSON.stringify({ localHosts: ["::ffff:7f00:1"] }));
    const init = await runPai(["init", "openai", "--model", "m"], { home, env });
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /\(local\)/);
    const seen = server.requests.length;

    Deno.writeTextFileSync(config, JSON.stringify({ localHosts: [] }));
    const out = await runPai(["prompt", "hi"], { home, env });
    assert.equal(out.code, 3, out.stderr);
    assert.ok(out.stderr.includes(`"${url}" (local)`), out.stderr);
    assert.match(out.stderr, /remote/);
    assert.match(out.stderr, /localHosts/);
    assert.match(out.stderr, /pai init openai --model m/);
    assert.equal(server.requests.length, seen, "nothing was sent");
    assert.deepEqual(
      sessionEvents(home, "endpoint_refused").map((e) => [e.expected, e.locality]),
      [[{ baseUrl: url, locality: "local" }, "remote"]],
    );

    const status = JSON.parse((await runPai(["status", "--json"], { home, env })).stdout).session;
    assert.deepEqual(status.pinned, { baseUrl: url, locality: "local" });
    assert.deepEqual(status.environment, { baseUrl: url, locality: "remote" });
    assert.equal(status.drift, true);

    Deno.writeTextFileSync(config, JSON.stringify({ localHosts: ["::FFFF:7F00:1"] }));
    const again = JSON.parse((await runPai(["status", "--json"], { home, env })).stdout).session;
    assert.equal(again.drift, false);
  } finally {
    await server.close();
    home.cleanup();
  }
});

Deno.test("the default session PAI starts with no session is pinned too", async () => {
  const first = FakeModelServer.start({ models: ["m"] });
  const second = FakeModelServer.start({ models: ["m"] });
  const home = makePaiHome();
  const env = { OPENAI_API_KEY: TEST_OPENAI_KEY, OPENAI_BASE_URL: `${first.url}/v1` };
  try {
    const start = await runPai(["prompt", "hi"], { home, env });
    assert.equal(start.code, 0, start.stderr);
    const out = await runPai(["prompt", "hi"], { home, env: { ...env, OPENAI_BASE_URL: `${second.url}/v1` } });
    assert.equal(out.code, 3, out.stderr);
    assert.ok(out.stderr.includes(`"${first.url}/v1" (local)`), out.stderr);
    assert.match(out.stderr, /pai init openai --model gpt-4o-mini/);
    assert.equal(second.requests.length, 0);
    assert.equal(first.chatRequests.length, 1);
  } finally {
    await first.close();
    await second.close();
    home.cleanup();
  }
});

Deno.test("a session from before pinning is pinned on its next run, once, unless its start row names another endpoint", async () => {
  const first = FakeModelServer.start({ models: ["m"] });
  const second = FakeModelServer.start({ models: ["m"] });
  const home = makePaiHome();
  const pinned = `${first.url}/v1`;
  const env = { OPENAI_API_KEY: TEST_OPENAI_KEY, OPENAI_BASE_URL: pinned };
  try {
    assert.equal((await runPai(["init", "openai", "--model", "m"], { home, env })).code, 0);
    forgetPin(home);

    // Its audit start row says where it began: another endpoint is refused, and nothing gets pinned.
    const elsewhere = await runPai(["prompt", "hi"], { home, env: { ...env, OPENAI_BASE_URL: `${second.url}/v1` } });
    assert.equal(elsewhere.code, 3, elsewhere.stderr);
    assert.ok(elsewhere.stderr.includes(`"${pinned}"`), elsewhere.stderr);
    assert.equal(second.requests.length, 0);
    const unpinned = JSON.parse((await runPai(["status", "--json"], { home, env })).stdout).session;
    assert.equal(unpinned.pinned, null);

    const pins = await runPai(["prompt", "hi"], { home, env });
    assert.equal(pins.code, 0, pins.stderr);
    assert.ok(pins.stderr.includes(`pinned to "${pinned}" (local)`), pins.stderr);
    assert.deepEqual(
      sessionEvents(home, "endpoint_pinned").map((e) => [e.baseUrl, e.locality]),
      [[pinned, "local"]],
    );
    const quiet = await runPai(["prompt", "hi"], { home, env });
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(quiet.stderr, "", "the notice is printed once");
    const status = JSON.parse((await runPai(["status", "--json"], { home, env })).stdout).session;
    assert.deepEqual(status.pinned, { baseUrl: pinned, locality: "local" });
    assert.equal(first.chatRequests.length, 2);
  } finally {
    await first.close();
    await second.close();
    home.cleanup();
  }
});

Deno.test("credentials in a base URL are never stored: refused as --base-url, stripped from the pin", async () => {
  const server = FakeModelServer.start({ models: ["m"] });
  const home = makePaiHome();
  const secret = "hunter2-pass-word";
  try {
    const flagged = await runPai(
      ["init", "openai-compatible", "--model", "m", "--base-url", `http://me:${secret}@127.0.0.1:1/v1`],
      { home },
    );
    assert.equal(flagged.code, 2, flagged.stderr);
    assert.match(flagged.stderr, /PAI never stores credentials/);
    assert.ok(!flagged.stderr.includes(secret));

    const port = new URL(server.url).port;
    const env = { OPENAI_API_KEY: TEST_OPENAI_KEY, OPENAI_BASE_URL: `http://me:${secret}@127.0.0.1:${port}/v1` };
    const init = await runPai(["init", "openai", "--model", "m"], { home, env });
    assert.equal(init.code, 0, init.stderr);
    assert.ok(!init.stdout.includes(secret), init.stdout);
    const prompt = await runPai(["prompt", "hi"], { home, env });
    assert.equal(prompt.code, 0, prompt.stderr);
    const status = JSON.parse((await runPai(["status", "--json"], { home, env })).stdout).session;
    assert.deepEqual(status.pinned, { baseUrl: `http://127.0.0.1:${port}/v1`, locality: "local" });
    const db = openDatabase(home.dir);
    try {
      const rows = [
        ...db.prepare("SELECT * FROM sessions").all(),
        ...db.prepare("SELECT * FROM audit_log").all(),
      ];
      assert.ok(!JSON.stringify(rows).includes(secret), "the password is nowhere in the database");
    } finally {
      db.close();
    }
  } finally {
    await server.close();
    home.cleanup();
  }
});

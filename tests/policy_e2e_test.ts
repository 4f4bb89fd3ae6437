/** End to end: policy files, their commands, rules in force, project policies that cannot widen, safe mode. */
import assert from "node:assert/strict";
import { makePaiHome, runPai } from "./helpers/run_pai.ts";
import { openaiSession } from "./helpers/session.ts";
import { call, makeWorkspace, runMode } from "./helpers/workspace.ts";
import { FakeModelServer } from "./fakes/fake_model_server.ts";

Deno.test("pai policy init writes a commented starter file that checks, tests and shows; never overwrites", async () => {
  const home = makePaiHome();
  try {
    const init = await runPai(["policy", "init"], { home });
    assert.equal(init.code, 0, init.stderr);
    const path = `${home.dir}/policy.json`;
    assert.equal(Deno.statSync(path).mode! & 0o777, 0o600);
    assert.match(Deno.readTextFileSync(path), /^\/\/ PAI policy/);
    const again = await runPai(["policy", "init"], { home });
    assert.equal(again.code, 3);
    assert.match(again.stderr, /already exists; PAI never overwrites it/);
    assert.match((await runPai(["policy", "check"], { home })).stdout, /Policy OK: .*policy.json; 0 rules, 1 tests/);
    assert.match(
      (await runPai(["policy", "test"], { home })).stdout,
      /pass +secrets folders are never readable[^]*1 passed, 0 failed/,
    );
    const show = JSON.parse((await runPai(["policy", "show", "--json"], { home })).stdout);
    assert.deepEqual(show.sources, [path]);
    assert.equal(show.scan.secret.remote, "block");
  } finally {
    home.cleanup();
  }
});

Deno.test("a broken policy stops every command that depends on it, with file, line and column; it is left as it was", async () => {
  const s = await openaiSession();
  try {
    const path = `${s.home.dir}/policy.json`;
    const broken = '{\n  // mine\n  "safe": "no",\n  "rules": []\n}\n';
    Deno.writeTextFileSync(path, broken);
    for (const command of [["policy", "check"], ["policy", "show"], ["prompt", "hi"], ["agent", "x"], ["chat"]]) {
      const out = await runPai(command, { home: s.home, env: s.env });
      assert.equal(out.code, 3, command.join(" "));
      assert.match(
        out.stderr,
        new RegExp(`^pai: Cannot use "${path}": line 3, column 11: at "safe": `),
        command.join(" "),
      );
    }
    assert.equal(Deno.readTextFileSync(path), broken);
    assert.equal(s.server.chatRequests.length, 0);
    Deno.writeTextFileSync(path, '{ "rules": [{ "tool": "fs_raed", "action": "deny" }] }');
    const typo = await runPai(["policy", "check"], { home: s.home });
    assert.equal(typo.code, 3);
    assert.match(typo.stderr, /rule 1 names unknown tool "fs_raed"/);
  } finally {
    await s.close();
  }
});

Deno.test("pai policy explain gives the decision, the rule that made it and the exact --allow-* flags", async () => {
  const home = makePaiHome();
  const w = await makeWorkspace();
  try {
    Deno.writeTextFileSync(`${w.ws}/a.md`, "a");
    Deno.writeTextFileSync(
      `${home.dir}/policy.json`,
      JSON.stringify({
        rules: [
          { tool: "fs_read", action: "deny", paths: [`${w.outside}/**`], reason: "not that folder" },
          { tool: "http_request", action: "ask", methods: ["POST"] },
        ],
      }),
    );
    const explain = async (...args: string[]) =>
      JSON.parse((await runPai(["policy", "explain", "--json", ...args], { home, cwd: w.ws })).stdout);
    const allowed = await explain("fs_read", '{"path":"a.md"}', "--mode", "chat");
    assert.equal(allowed.decision, "allow");
    assert.ok(allowed.flags.includes(`--allow-read=${w.ws}/a.md`));
    assert.ok(allowed.flags.includes("--no-prompt"));
    const denied = await explain("fs_read", JSON.stringify({ path: `${w.outside}/secret.txt` }));
    assert.equal(denied.decision, "deny");
    assert.match(denied.reason, /denied by rule 1 of .*policy.json \(deny fs_read .*\): not that folder/);
    const asked = await explain(
      "http_request",
      '{"method":"POST","url":"https://api.example.com/v1"}',
      "--allow-net=api.example.com",
    );
    assert.equal(asked.decision, "ask");
    assert.match(asked.reason, /rule 2 .* asks/);
    const get = await explain(
      "http_request",
      '{"method":"GET","url":"https://api.example.com/v1"}',
      "--allow-net=api.example.com",
    );
    assert.equal(get.decision, "allow");
    assert.ok(get.flags.some((f: string) => f.startsWith("--deny-net=") && f.includes("10.0.0.0/8")));
    const bad = await runPai(["policy", "explain", "fs_read", '{"file":1}'], { home, cwd: w.ws });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Invalid arguments for fs_read/);
  } finally {
    w.cleanup();
    home.cleanup();
  }
});

Deno.test("rules are in force for real calls: an allow rule opens a folder, a deny rule closes the workspace", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    Deno.mkdirSync(`${w.ws}/private`);
    Deno.writeTextFileSync(`${w.ws}/private/p.md`, "p");
    Deno.writeTextFileSync(
      `${s.home.dir}/policy.json`,
      JSON.stringify({
        rules: [
          { tool: "fs_read", action: "allow", paths: [`${w.outside}/**`] },
          { tool: "*", action: "deny", paths: ["private/**"] },
        ],
      }),
    );
    const { json } = await runMode(s, w, [
      call("fs_read", { path: `${w.outside}/secret.txt` }),
      call("fs_read", { path: "private/p.md" }),
      { text: "ok" },
    ]);
    assert.equal(json.steps[0].ok, true, json.steps[0].sentToModel);
    assert.equal(json.steps[1].ok, false);
    assert.match(json.steps[1].sentToModel, /denied by rule 2/);
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("a project policy can only tighten, unless trusted; pai policy trust and --revoke", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    Deno.mkdirSync(`${w.ws}/.pai`);
    Deno.writeTextFileSync(
      `${w.ws}/.pai/policy.json`,
      JSON.stringify({
        rules: [
          { tool: "fs_read", action: "allow", paths: [`${w.outside}/**`] },
          { tool: "fs_write", action: "deny", paths: ["**"] },
        ],
        scan: { secret: { remote: "allow" } },
        safe: false,
      }),
    );
    const show = await runPai(["policy", "show"], { home: s.home, env: s.env, cwd: w.ws });
    assert.match(show.stdout, /ignored: .*rule 1 \(allow fs_read\): a project policy can only tighten/);
    assert.match(show.stdout, /ignored: .*scan.secret.remote "allow" \(looser than "block"\)/);
    const untrusted = await runMode(s, w, [
      call("fs_read", { path: `${w.outside}/secret.txt` }),
      call("fs_write", { path: "x.md", content: "x" }),
      { text: "ok" },
    ]);
    assert.match(untrusted.json.steps[0].sentToModel, /Not granted/, "the project could not widen");
    assert.match(
      untrusted.json.steps[1].sentToModel,
      /denied by rule 2 of .*\.pai\/policy.json/,
      "but it could tighten",
    );

    assert.equal((await runPai(["policy", "trust"], { home: s.home, cwd: w.ws })).code, 0);
    const trusted = await runMode(s, w, [call("fs_read", { path: `${w.outside}/secret.txt` }), { text: "ok" }]);
    assert.equal(trusted.json.steps[0].ok, true, trusted.json.steps[0].sentToModel);
    const revoke = await runPai(["policy", "trust", "--revoke"], { home: s.home, cwd: w.ws });
    assert.match(revoke.stdout, /no longer trusted/);
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("pai policy test fails with exit 1 when a case does not hold", async () => {
  const home = makePaiHome();
  try {
    Deno.writeTextFileSync(
      `${home.dir}/policy.json`,
      JSON.stringify({
        tests: [{ name: "wrong", tool: "fs_read", args: { path: "~/.aws/credentials" }, expect: "allow" }],
      }),
    );
    const out = await runPai(["policy", "test"], { home });
    assert.equal(out.code, 1);
    assert.match(out.stdout, /FAIL +wrong +expected allow, got deny/);
  } finally {
    home.cleanup();
  }
});

Deno.test("safe mode: remote providers refused; locally, no network tools and every call asks", async () => {
  // A session on an endpoint the user marked remote (a session cannot be pointed elsewhere after init, so the
  // real OpenAI URL is not used): safe mode must refuse before anything is sent.
  const s = await openaiSession({}, ["--locality", "remote"]);
  const w = await makeWorkspace();
  try {
    const remote = await runPai(["prompt", "--safe", "hi"], { home: s.home, env: s.env, cwd: w.ws });
    assert.equal(remote.code, 7);
    assert.match(remote.stderr, /Safe mode allows local providers only/);
    assert.equal(s.server.chatRequests.length, 0);
  } finally {
    w.cleanup();
    await s.close();
  }
  const local = FakeModelServer.start({ models: ["m"] });
  const home = makePaiHome();
  const w2 = await makeWorkspace();
  try {
    const env = { OLLAMA_HOST: local.url };
    await runPai(["init", "ollama", "--model", "m"], { home, env });
    Deno.writeTextFileSync(`${w2.ws}/a.md`, "a");
    local.enqueue(call("fs_read", { path: "a.md" }), { text: "done" });
    const out = await runPai(["agent", "--safe", "--json", "read"], { home, env, cwd: w2.ws });
    const json = JSON.parse(out.stdout);
    assert.match(json.steps[0].sentToModel, /safe mode: every tool call asks/);
    const offered = (local.chatRequests[0].body!.tools as { function: { name: string } }[]).map((t) => t.function.name);
    assert.ok(!offered.includes("http_request") && !offered.includes("web_fetch"));
  } finally {
    w2.cleanup();
    home.cleanup();
    await local.close();
  }
});

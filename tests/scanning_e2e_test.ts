/** End to end: what the scanners do to what leaves the machine, for remote and local providers. */
import assert from "node:assert/strict";
import { runPai } from "./helpers/run_pai.ts";
import { openaiSession } from "./helpers/session.ts";

const KEY = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXyZ";

Deno.test("remote providers: a secret blocks the prompt (nothing sent); personal data is redacted and restored for the user", async () => {
  const s = await openaiSession({}, ["--locality", "remote"]);
  try {
    const blocked = await runPai(["prompt", `deploy with ${KEY}`], { home: s.home, env: s.env });
    assert.equal(blocked.code, 7);
    assert.match(blocked.stderr, /Not sent: the prompt contains a secret \(openai_key\), .* remote providers/);
    assert.ok(!blocked.stderr.includes(KEY));
    assert.equal(s.server.chatRequests.length, 0);

    s.server.enqueue({ text: ["I wrote to [EMA", "IL_1] as asked."] });
    const redacted = await runPai(["prompt", "Write to ann.lee@example.com please"], { home: s.home, env: s.env });
    assert.equal(redacted.code, 0, redacted.stderr);
    const sent = JSON.stringify(s.server.chatRequests[0].body);
    assert.ok(!sent.includes("ann.lee@example.com"));
    assert.match(sent, /Write to \[EMAIL_1\] please/);
    assert.equal(redacted.stdout, "I wrote to ann.lee@example.com as asked.\n");
  } finally {
    await s.close();
  }
});

Deno.test("--dry-run shows exactly what would be sent to which provider, after redaction, and sends nothing", async () => {
  const s = await openaiSession({}, ["--locality", "remote"]);
  try {
    const out = await runPai(["prompt", "--dry-run", "Call +44 20 7946 0958 about GB82 WEST 1234 5698 7654 32"], {
      home: s.home,
      env: s.env,
    });
    assert.equal(out.code, 0, out.stderr);
    const shown = JSON.parse(out.stdout);
    assert.equal(shown.provider, "openai");
    assert.equal(shown.locality, "remote");
    assert.equal(shown.request.messages.at(-1).content, "Call [PHONE_1] about [IBAN_1]");
    assert.deepEqual(shown.findings.map((f: { rule: string }) => f.rule), ["phone", "iban"]);
    assert.ok(shown.request.tools.includes("fs_read"));
    assert.equal(s.server.requests.length, 1, "only init's model listing: nothing was sent");
  } finally {
    await s.close();
  }
});

Deno.test("--dry-run of a prompt the policy refuses shows the findings, never the secret, and exits 7", async () => {
  const s = await openaiSession({}, ["--locality", "remote"]);
  try {
    const out = await runPai(["prompt", "--dry-run", `deploy with ${KEY}`], { home: s.home, env: s.env });
    assert.equal(out.code, 7, out.stderr);
    const shown = JSON.parse(out.stdout);
    assert.match(shown.refused, /Not sent: the prompt contains a secret/);
    assert.ok(shown.findings.some((f: { kind: string }) => f.kind === "secret"));
    assert.ok(!out.stdout.includes(KEY), out.stdout);
    assert.match(out.stderr, /Not sent/);
    assert.equal(s.server.requests.length, 1, "only init's model listing: nothing was sent");
  } finally {
    await s.close();
  }
});

Deno.test("local providers get the prompt as written; a policy can make remote scanning warn instead", async () => {
  const s = await openaiSession();
  try {
    const local = await runPai(["prompt", `check ${KEY} for ann@example.com`], { home: s.home, env: s.env });
    assert.equal(local.code, 0, local.stderr);
    assert.ok(JSON.stringify(s.server.chatRequests[0].body).includes(KEY));
    Deno.writeTextFileSync(`${s.home.dir}/policy.json`, '{ "scan": { "personal": { "remote": "warn" } } }');
    await runPai(["init", "openai", "--model", "m", "--locality", "remote"], { home: s.home, env: s.env });
    const warned = await runPai(["prompt", "mail ann@example.com"], { home: s.home, env: s.env });
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(warned.stderr, /warning: sending personal data \(email\)/);
    assert.ok(JSON.stringify(s.server.chatRequests.at(-1)!.body).includes("ann@example.com"));
  } finally {
    await s.close();
  }
});

/** End to end against a real S3-compatible server on 127.0.0.1: an s3 resource put, listed and read by the model. */
import assert from "node:assert/strict";
import { S3_KEY, startS3 } from "./helpers/s3_server.ts";
import { runPai } from "./helpers/run_pai.ts";
import { openaiSession } from "./helpers/session.ts";
import { call, makeWorkspace, runMode, sentToModel } from "./helpers/workspace.ts";

Deno.test("s3: the model puts, lists and gets objects under a registered prefix; errors are clear", async () => {
  const s3 = await startS3("reports");
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    Object.assign(s.env, S3_KEY);
    const uri = `s3://reports/2026/?endpoint=${s3.endpoint}&region=us-east-1`;
    const add = await runPai(["resource", "add", "reports", "--kind", "s3", "--uri", uri], {
      home: s.home,
      env: s.env,
    });
    assert.equal(add.code, 0, add.stderr);
    const { json } = await runMode(s, w, [
      call("resource_update", { name: "reports", key: "q3.md", content: "# Q3\nrevenue up\n" }),
      call("resource_read", { name: "reports" }),
      call("resource_read", { name: "reports", key: "q3.md" }),
      call("resource_read", { name: "reports", key: "missing.md" }),
      call("resource_read", { name: "reports", key: "../other/x" }),
      { text: "ok" },
    ]);
    assert.deepEqual(json.steps.map((x) => x.ok), [true, true, true, false, false], JSON.stringify(json.steps));
    assert.match(json.steps[1].sentToModel, /"key":"2026\/q3.md"/);
    assert.match(json.steps[2].sentToModel, /# Q3\\nrevenue up/);
    assert.match(json.steps[3].sentToModel, /not_found/);
    assert.match(json.steps[4].sentToModel, /must stay under/);
    assert.ok(!sentToModel(s).includes("S3RVER"), "credentials never reach the model");
    // Direct use by the user goes the same sandboxed way.
    const cli = (args: string[], stdin?: string) => runPai(["resource", ...args], { home: s.home, env: s.env, stdin });
    assert.equal((await cli(["get", "reports", "q3.md"])).stdout, "# Q3\nrevenue up\n");
    assert.match((await cli(["put", "reports", "q4.md"], "# Q4\n")).stdout, /Wrote 5 bytes to reports\/q4.md/);
    assert.equal((await cli(["get", "reports"])).stdout, "2026/q3.md\n2026/q4.md\n");
    const del = await runMode(s, w, [call("resource_delete", { name: "reports", key: "q4.md" }), { text: "ok" }]);
    assert.equal(del.json.steps[0].ok, true, del.json.steps[0].sentToModel);
    assert.equal((await cli(["get", "reports"])).stdout, "2026/q3.md\n");

    const prompt = await runMode(s, w, [call("resource_update", { name: "reports", key: "x", content: "y" }), {
      text: "ok",
    }], [
      "prompt",
    ]);
    assert.equal(prompt.json.steps[0].ok, false);

    s.env.AWS_ACCESS_KEY_ID = "NOT-A-KEY";
    const wrong = await runMode(s, w, [call("resource_read", { name: "reports" }), { text: "ok" }]);
    assert.match(wrong.json.steps[0].sentToModel, /permission_denied.*InvalidAccessKeyId/);
    s.env.AWS_ACCESS_KEY_ID = S3_KEY.AWS_ACCESS_KEY_ID;
    await s3.stop();
    const down = await runMode(s, w, [call("resource_read", { name: "reports" }), { text: "ok" }]);
    assert.match(down.json.steps[0].sentToModel, /network_error|Connection refused|connect/i);
  } finally {
    await s3.stop();
    w.cleanup();
    await s.close();
  }
});

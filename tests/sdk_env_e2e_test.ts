/**
 * End to end: the SDKs take nothing from the environment by themselves. Each reads variables of its own (an admin key,
 * extra headers, a log level, an organization) that would otherwise reach every endpoint PAI talks to, not only
 * the vendor's: a local server, or a third party behind `openai-compatible`.
 */
import assert from "node:assert/strict";
import { FakeModelServer } from "./fakes/fake_model_server.ts";
import { makePaiHome, runPai } from "./helpers/run_pai.ts";

const PLANTED = {
  OPENAI_ADMIN_KEY: "sk-admin-planted-0000000000000000",
  OPENAI_CUSTOM_HEADERS: "X-Planted: openai-header-value",
  OPENAI_ORG_ID: "org-planted",
  OPENAI_PROJECT_ID: "proj_planted",
  OPENAI_LOG: "debug",
  ANTHROPIC_AUTH_TOKEN: "sk-ant-token-planted-000000000000",
  ANTHROPIC_CUSTOM_HEADERS: "X-Planted: anthropic-header-value",
  ANTHROPIC_LOG: "debug",
};

const KINDS = [
  { name: "openai-compatible", init: (url: string) => ["--base-url", `${url}/v1`], env: () => ({}) },
  { name: "ollama", init: () => [], env: (url: string) => ({ OLLAMA_HOST: url }) },
  {
    name: "anthropic",
    init: () => [],
    env: (url: string) => ({ ANTHROPIC_API_KEY: "sk-ant-test-0123456789abcdef", ANTHROPIC_BASE_URL: url }),
  },
];

for (const kind of KINDS) {
  Deno.test(`${kind.name}: the SDK's own variables (admin key, extra headers, log level, org) never reach the endpoint`, async () => {
    const server = FakeModelServer.start({ models: ["m"] });
    const home = makePaiHome();
    try {
      const env = { ...PLANTED, ...kind.env(server.url) };
      const init = await runPai(["init", kind.name, "--model", "m", ...kind.init(server.url)], { home, env });
      assert.equal(init.code, 0, init.stderr);
      const answer = await runPai(["prompt", "--no-tools", "hi"], { home, env });
      assert.equal(answer.code, 0, answer.stderr);
      assert.equal(answer.stdout, "echo: hi\n");
      assert.equal(answer.stderr, "", "no SDK debug log");
      const sent = JSON.stringify(server.chatRequests.map((r) => r.headers));
      for (const [name, value] of Object.entries(PLANTED)) {
        const planted = value.replace(/^X-Planted: /, "");
        assert.ok(!sent.includes(planted), `${name} reached the endpoint: ${sent}`);
      }
      assert.ok(!sent.toLowerCase().includes("x-planted"), sent);
    } finally {
      await server.close();
      home.cleanup();
    }
  });
}

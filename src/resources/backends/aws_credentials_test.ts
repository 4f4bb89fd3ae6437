import assert from "node:assert/strict";
import { awsCredentials } from "./aws_credentials.ts";

const env = (values: Record<string, string>) => ({ env: (name: string) => values[name] });

Deno.test("awsCredentials() takes the standard variables without a profile, and both keys or nothing", () => {
  assert.deepEqual(awsCredentials(undefined, env({ AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" })), {
    accessKeyId: "a",
    secretAccessKey: "b",
  });
  assert.deepEqual(
    awsCredentials(undefined, env({ AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b", AWS_SESSION_TOKEN: "t" })),
    { accessKeyId: "a", secretAccessKey: "b", sessionToken: "t" },
  );
  assert.equal(awsCredentials(undefined, env({ AWS_ACCESS_KEY_ID: "a" })), undefined);
});

Deno.test("awsCredentials() reads a named profile of the shared credentials file, and only that one", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const file = `${dir}/credentials`;
    Deno.writeTextFileSync(
      file,
      "[default]\naws_access_key_id = D\naws_secret_access_key = DS\n\n" +
        "[work]\naws_access_key_id=W\n  aws_secret_access_key = WS\naws_session_token = WT\n[half]\naws_access_key_id = H\n",
    );
    const options = env({ AWS_SHARED_CREDENTIALS_FILE: file, AWS_ACCESS_KEY_ID: "env" });
    assert.deepEqual(awsCredentials("work", options), { accessKeyId: "W", secretAccessKey: "WS", sessionToken: "WT" });
    assert.deepEqual(awsCredentials("default", options), { accessKeyId: "D", secretAccessKey: "DS" });
    assert.equal(awsCredentials("half", options), undefined);
    assert.equal(awsCredentials("missing", options), undefined);
    assert.equal(awsCredentials("work", env({ HOME: `${dir}/nowhere` })), undefined);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

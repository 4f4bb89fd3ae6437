import assert from "node:assert/strict";
import type { Resource } from "../../core/types.ts";
import { fakeHost } from "../_fake_host.ts";
import { parseS3Uri, S3 } from "./s3.ts";

Deno.test("parseS3Uri() reads a whole bucket, with AWS's endpoint for the default region", () => {
  assert.deepEqual(parseS3Uri("s3://my-bucket"), {
    location: { bucket: "my-bucket", prefix: "", region: "us-east-1", endpoint: "https://s3.us-east-1.amazonaws.com" },
  });
  assert.equal((parseS3Uri("s3://my-bucket/") as { location: { prefix: string } }).location.prefix, "");
});

Deno.test("parseS3Uri() keeps a prefix as written, without its leading slash, and reads the options", () => {
  assert.deepEqual(parseS3Uri("s3://my.bucket/reports/2024/?endpoint=http://127.0.0.1:9000&region=eu-west-1"), {
    location: {
      bucket: "my.bucket",
      prefix: "reports/2024/",
      region: "eu-west-1",
      endpoint: "http://127.0.0.1:9000",
    },
  });
  assert.deepEqual(parseS3Uri("s3://b12/x?profile=work&region="), {
    location: {
      bucket: "b12",
      prefix: "x",
      region: "us-east-1",
      endpoint: "https://s3.us-east-1.amazonaws.com",
      profile: "work",
    },
  });
});

Deno.test("parseS3Uri() says what is wrong with a URI that is not an S3 location", () => {
  const problems: [string, string][] = [
    ["https://my-bucket/x", 'is not an S3 location: it must start with "s3://"'],
    ["S3://my-bucket", 'is not an S3 location: it must start with "s3://"'],
    ["my-bucket/reports", 'is not an S3 location: it must start with "s3://"'],
    ["s3://", "is not an S3 location: it names no bucket"],
    ["s3:///reports", "is not an S3 location: it names no bucket"],
    [
      "s3://My_Bucket/x",
      'is not an S3 location: bucket "My_Bucket" must be 3 to 63 lowercase letters, digits, dots or hyphens',
    ],
    ["s3://ab", 'is not an S3 location: bucket "ab" must be 3 to 63 lowercase letters, digits, dots or hyphens'],
    ["s3://my-bucket/x?colour=red", 'has an unknown option "colour" (endpoint, region, profile)'],
    ["s3://my-bucket?endpoint=ftp://host", 'has an endpoint "ftp://host" that is not an http(s) URL'],
  ];
  for (const [uri, problem] of problems) assert.deepEqual(parseS3Uri(uri), { problem }, uri);
});

const KEYS = { accessKeyId: "AKIA", secretAccessKey: "shh" };

/** An s3 resource at `uri`, on a host that has credentials unless `signed` is false. */
function on(uri: string, { signed = true } = {}) {
  const resource: Resource = { name: "b", kind: "s3", label: "internal", uri };
  return { resource, host: fakeHost(signed ? { aws: KEYS } : {}) };
}

Deno.test("the s3 backend puts a key under the prefix, granted net to the endpoint only", () => {
  const put = S3.update(on("s3://my-bucket/reports?endpoint=http://127.0.0.1:9000"), { key: "a.txt", content: "x" });
  assert.ok("call" in put);
  assert.deepEqual(JSON.parse(put.call.arguments), {
    endpoint: "http://127.0.0.1:9000",
    region: "us-east-1",
    bucket: "my-bucket",
    op: "put",
    key: "reports/a.txt",
    body: "x",
    ...KEYS,
  });
  assert.deepEqual(put.grant, { read: [], write: [], net: ["127.0.0.1:9000"] });
  const list = S3.read(on("s3://my-bucket/reports/"), {});
  assert.ok("call" in list);
  assert.equal(JSON.parse(list.call.arguments).prefix, "reports/");
  assert.deepEqual(list.grant.net, ["s3.us-east-1.amazonaws.com:443"]);
});

Deno.test("the s3 backend refuses a key that climbs out, a bad uri, and missing credentials", () => {
  assert.deepEqual(S3.read(on("s3://my-bucket/r/"), { key: "../x" }), {
    refuse: 'key "../x" must stay under s3://my-bucket/r/',
  });
  assert.deepEqual(S3.delete(on("s3://my-bucket/r/"), { key: "/x" }), {
    refuse: 'key "/x" must stay under s3://my-bucket/r/',
  });
  assert.deepEqual(S3.read(on("http://my-bucket"), {}), {
    refuse: 'The uri of "b" is not an S3 location: it must start with "s3://"',
  });
  assert.deepEqual(S3.read(on("s3://my-bucket", { signed: false }), {}), {
    refuse: 'No S3 credentials for "b": set the AWS variables or its profile',
  });
});

Deno.test("an s3 definition names the flag and the problem, and needs credentials", () => {
  const env = (values: Record<string, string>) => ({ cwd: "/", env: (name: string) => values[name] });
  const input = (uri: string) => ({ kind: "s3" as const, uri, label: "internal" as const });
  assert.throws(
    () => S3.define(input("s3://My_Bucket"), env({})),
    /--uri "s3:\/\/My_Bucket" is not an S3 location: bucket/,
  );
  assert.throws(() => S3.define(input("s3://my-bucket"), env({})), /no S3 credentials/);
  assert.deepEqual(S3.define(input("s3://my-bucket?profile=work"), env({})), { uri: "s3://my-bucket?profile=work" });
  const keys = env({ AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" });
  assert.deepEqual(S3.define(input("s3://my-bucket/x/"), keys), { uri: "s3://my-bucket/x/" });
});

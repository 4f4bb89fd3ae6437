import assert from "node:assert/strict";
import { BENIGN_CORPUS } from "../../tests/adversarial/benign_corpus.ts";
import { ibanValid, luhnValid, scanText } from "./scan_rules.ts";

/** Each rule: text it must find (true positive) and look-alikes it must not (false positives). */
const CASES: { rule: string; hits: string[]; misses: string[] }[] = [
  {
    rule: "openai_key",
    hits: ["sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1w", "sk-abcdefghijklmnopqrstuvwx1234"],
    misses: ["sk-short", "task-abcdefghijklmnopqrstuvwx"],
  },
  { rule: "anthropic_key", hits: ["sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345"], misses: ["sk-ant-"] },
  {
    rule: "aws_access_key",
    hits: ["AKIAIOSFODNN7EXAMPLE", "ASIAY34FZKBOKMUTVV7A"],
    misses: ["AKIA123", "akiaiosfodnn7example"],
  },
  {
    rule: "aws_secret_key",
    hits: ["aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"],
    misses: ["aws_secret_access_key = ${AWS_SECRET}"],
  },
  {
    rule: "github_token",
    hits: [
      "ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R",
      "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789",
    ],
    misses: ["ghp_short", "github_pat"],
  },
  { rule: "google_api_key", hits: ["AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"], misses: ["AIza-not-a-key"] },
  {
    rule: "slack_token",
    hits: ["xoxb-1234567890-abcdefghij", "https://hooks.slack.com/services/T000/B000/XXXXXXXX"],
    misses: ["xoxo-hugs"],
  },
  { rule: "stripe_key", hits: ["sk_live_4eC39HqLyjWDarjtT1zdp7dc", "rk_test_abcdefghijklmnop"], misses: ["sk_live_"] },
  {
    rule: "jwt",
    hits: ["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"],
    misses: ["eyJhbGciOiJIUzI1NiJ9"],
  },
  {
    rule: "private_key",
    hits: ["-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----"],
    misses: ["-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----"],
  },
  {
    rule: "password_in_url",
    hits: ["postgres://app:s3cr3t-pw@db.internal:5432/app", "https://user:pass@example.com/x"],
    misses: ["https://example.com/a:b", "mailto:ann@example.com"],
  },
  {
    rule: "password_assignment",
    hits: ["password=hunter2hunter2", 'api_key: "zz-9f8e7d6c5b4a"'],
    misses: ["password = ${DB_PASSWORD}", "token: <your token here>", "password: short"],
  },
  {
    rule: "high_entropy",
    hits: ["token Zk9xQ2w4Rt7Yp1Ls8Dm3Nv6Bh5Jc0Gf2Ka"],
    misses: [
      "commit 3f2a9c1b7e4d6f8a0b2c4d6e8f0a1b3c5d7e9f1a",
      "CONSTANT_NAME_THAT_IS_VERY_LONG_INDEED",
      "a".repeat(40),
    ],
  },
  { rule: "email", hits: ["ann.lee+pai@example.co.uk"], misses: ["user@localhost", "@mention", "a@b"] },
  {
    rule: "card_number",
    hits: ["4111 1111 1111 1111", "5500-0000-0000-0004"],
    misses: ["4111 1111 1111 1112", "0000 0000 0000 0000", "1234567890123"],
  },
  {
    rule: "iban",
    hits: ["GB82 WEST 1234 5698 7654 32", "DE89370400440532013000"],
    misses: ["GB00 WEST 1234 5698 7654 32"],
  },
  { rule: "us_ssn", hits: ["123-45-6789"], misses: ["000-12-3456", "123-00-6789", "2026-11-24"] },
  { rule: "uk_nino", hits: ["CE 12 34 56 A", "AB123456D"], misses: ["QQ123456Z", "BG123456A"] },
  {
    rule: "phone",
    hits: ["+1 415 555 2671", "(020) 7946 0958", "+33 6 12 34 56 78"],
    misses: ["2026-11-24", "version 1.2.3", "call 555-1234", "10 20 30"],
  },
];

for (const c of CASES) {
  Deno.test(`scan rule ${c.rule} finds what it should and not its look-alikes`, () => {
    for (const text of c.hits) {
      const rules = scanText(`before ${text} after`).map((f) => f.rule.id);
      assert.ok(
        rules.includes(c.rule),
        `${c.rule} missed ${JSON.stringify(text)} (found ${rules.join(", ") || "nothing"})`,
      );
    }
    for (const text of c.misses) {
      const rules = scanText(`before ${text} after`).map((f) => f.rule.id);
      assert.ok(!rules.includes(c.rule), `${c.rule} wrongly matched ${JSON.stringify(text)}`);
    }
  });
}

Deno.test("luhnValid() and ibanValid() check the checksums", () => {
  assert.ok(luhnValid("4111111111111111") && !luhnValid("4111111111111112"));
  assert.ok(ibanValid("GB82WEST12345698765432") && !ibanValid("GB82WEST12345698765433"));
});

Deno.test("the scanners find nothing in a benign corpus (false positives: 0)", () => {
  for (const text of BENIGN_CORPUS) {
    assert.deepEqual(scanText(text).map((f) => f.rule.id), [], text);
  }
});

const hex = (text: string) =>
  Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, "0")).join("");
const base64url = (text: string) => btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
const OPENAI = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXyZ";
const AWS = "AKIAIOSFODNN7EXAMPLE";
const GITHUB = "ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R";
const PEM = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----";

/** Secrets in disguise: each must be found, named for its rule, covering the whole disguised text. */
const DISGUISED: { rule: string; encoding: string; texts: string[] }[] = [
  {
    rule: "openai_key",
    encoding: "hex",
    texts: [
      hex(OPENAI),
      hex(OPENAI).toUpperCase(),
      hex(OPENAI).match(/../g)!.join(" "),
      hex(OPENAI).match(/../g)!.join(":"),
    ],
  },
  { rule: "openai_key", encoding: "hex", texts: [hex(OPENAI).match(/../g)!.map((h) => `\\x${h}`).join("")] },
  { rule: "aws_access_key", encoding: "hex", texts: [hex(AWS)] },
  { rule: "aws_access_key", encoding: "base64", texts: [btoa(AWS), btoa(AWS).replace(/=+$/, ""), btoa(btoa(AWS))] },
  {
    rule: "openai_key",
    encoding: "base64",
    // URL-safe (the "~~" makes "-" and "_" appear), UTF-16 (PowerShell's -EncodedCommand), base64 of hex.
    texts: [btoa(OPENAI), base64url(`key=~~${OPENAI}`), btoa(OPENAI.split("").join("\0") + "\0"), btoa(hex(OPENAI))],
  },
  { rule: "github_token", encoding: "base64", texts: [btoa(`GITHUB_TOKEN=${GITHUB}`)] },
  { rule: "private_key", encoding: "base64", texts: [btoa(PEM), btoa(PEM).match(/.{1,64}/g)!.join("\n")] },
  { rule: "password_in_url", encoding: "base64", texts: [btoa("postgres://app:s3cr3t-pw@db.internal:5432/app")] },
  {
    rule: "aws_secret_key",
    encoding: "base64",
    texts: [btoa("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")],
  },
  {
    rule: "aws_access_key",
    encoding: "spaced",
    texts: [
      "AKIA IOSF ODNN 7EXA MPLE",
      "AKIA-IOSF-ODNN-7EXA-MPLE",
      "A K I A I O S F O D N N 7 E X A M P L E",
      "AKIA IOSFODNN7EXAMPLE",
    ],
  },
  {
    rule: "openai_key",
    encoding: "spaced",
    texts: [
      OPENAI.split("").join(" "),
      "sk-proj- Ab3d Ef6h Ij9k Lm2n Op5q Rs8t Uv1w",
      "sk-proj-Ab3d\u200BEf6hIj9kLm2n\u2060Op5qRs8tUv1w",
    ],
  },
  { rule: "github_token", encoding: "spaced", texts: [GITHUB.match(/.{1,4}/g)!.join(" ")] },
];

for (const d of DISGUISED) {
  Deno.test(`scan rule ${d.rule} finds its key ${d.encoding === "spaced" ? "spaced out" : `${d.encoding}-encoded`}`, () => {
    for (const disguised of d.texts) {
      const text = `deploy with ${disguised} today`;
      const f = scanText(text);
      assert.deepEqual(f.map((x) => [x.rule.id, x.encoding]), [[d.rule, d.encoding]], JSON.stringify(disguised));
      // A redaction replaces the whole disguised text: nothing of it is left to decode.
      assert.equal(f[0].value, disguised, JSON.stringify(disguised));
    }
  });
}

Deno.test("the disguise detectors leave ordinary hex, base64 and spaced text alone", () => {
  const ordinary = [
    "commit 3f2a9c1b7e4d6f8a0b2c4d6e8f0a1b3c5d7e9f1a and 3F2A9C1B7E4D6F8A0B2C4D6E8F0A1B3C",
    "uuid 123e4567-e89b-12d3-a456-426614174000 and 550E8400-E29B-41D4-A716-446655440000",
    "sha-256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    `hex of words ${hex("ordinary words, nothing more")} and a dump ${
      hex("hello world again").match(/../g)!.join(" ")
    }`,
    `base64 of words ${btoa("ordinary words here")} and ${base64url("file ~~ with nothing")}`,
    `base64 of JSON ${btoa('{"name":"pai","v":1}')}`,
    "s p a c e d o u t t e x t a s k - m e a n y t h i n g a b o u t t h e p r o j e c t",
    "W E L C O M E T O A S I A 2 0 2 5 , S E E Y O U T H E R E",
    "ASIA PACIFIC TOURS 2025. ASIA BUSINESS SUMMITS. ASIA-PACIFIC-REGION-2025.",
    "the cat sat on the mat and ask - proj - ect - ion sk-learn is fine",
    "Keep the risk-free sk - i p and task - proj - ect notes",
    "CONFIGURATION_MANAGER_FACTORY_INSTANCE_WITH_LONG_NAME and /usr/local/share/applications/firefox",
  ];
  for (const text of ordinary) {
    // (A hex dump's "20 77 6f" can look like a phone number to the phone rule: that is not this test's concern.)
    const secrets = scanText(text).filter((f) => f.encoding || f.rule.kind === "secret");
    assert.deepEqual(secrets.map((f) => f.rule.id), [], text);
  }
});

Deno.test("the scanners find nothing in the benign corpus, even hex- or base64-encoded or spaced out", () => {
  for (const text of BENIGN_CORPUS) {
    for (const variant of [text, hex(text), btoa(unescape(encodeURIComponent(text))), text.split("").join(" ")]) {
      const found = scanText(variant).filter((f) => f.encoding);
      assert.deepEqual(found.map((f) => f.rule.id), [], variant);
    }
  }
});

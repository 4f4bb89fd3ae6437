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

/**
 * The adversarial suite: every attempt must be made, be stopped for the reason it names, and leak zero bytes;
 * the benign corpus must pass the scanners untouched. The figures are checked against FIGURES.md (kept in the
 * README's security section too), and the reason each attempt was stopped is printed at the end.
 */
import assert from "node:assert/strict";
import { BENIGN_CORPUS } from "./benign_corpus.ts";
import { scanText } from "../../src/policy/scan_rules.ts";
import { ATTEMPTS } from "./attempts.ts";
import { runAttempt } from "./harness.ts";

const results: { name: string; category: string; leakedBytes: number; blocked: boolean; reason: string }[] = [];

for (const attempt of ATTEMPTS) {
  Deno.test(`adversarial [${attempt.category}] ${attempt.name}: stopped by ${attempt.stoppedBy}, nothing leaks`, async () => {
    const { run, leakedBytes, leaks, reason, problems } = await runAttempt(attempt);
    results.push({
      name: attempt.name,
      category: attempt.category,
      leakedBytes,
      blocked: leakedBytes === 0 && problems.length === 0,
      reason,
    });
    assert.equal(leakedBytes, 0, `leaked: ${leaks.join(", ")}\n${run.stdout}\n${run.stderr}`);
    assert.deepEqual(problems, [], `${run.stdout.slice(0, 2000)}\n${run.stderr.slice(0, 2000)}`);
  });
}

Deno.test("adversarial figures match tests/adversarial/FIGURES.md", () => {
  const falsePositives = BENIGN_CORPUS.filter((t) => scanText(t).length > 0).length;
  const figures = {
    attempts: ATTEMPTS.length,
    blocked: results.filter((r) => r.blocked).length,
    leakedBytes: results.reduce((n, r) => n + r.leakedBytes, 0),
    benign: BENIGN_CORPUS.length,
    falsePositives,
  };
  assert.equal(results.length, figures.attempts, "run the whole file: every attempt feeds the figures");
  // The report: why each attempt was stopped, in PAI's own words.
  console.log(
    results.map((r) => `${r.blocked ? "blocked" : "NOT BLOCKED"} [${r.category}] ${r.name}: ${r.reason.slice(0, 160)}`)
      .join("\n"),
  );
  assert.ok(figures.attempts >= 60);
  // deno fmt pads the table: compare without spaces.
  const squeeze = (text: string) => text.replace(/[ \t]+/g, "");
  const committed = squeeze(Deno.readTextFileSync(new URL("./FIGURES.md", import.meta.url)));
  const line = [figures.attempts, figures.blocked, figures.leakedBytes, figures.benign, figures.falsePositives].join(
    "|",
  );
  assert.ok(committed.includes(`|${line}|`), `FIGURES.md should contain the row: | ${line.replaceAll("|", " | ")} |`);
});

/**
 * The adversarial suite: every attempt must fail closed with zero leaked
 * bytes; the benign corpus must pass the scanners untouched. The figures are
 * checked against FIGURES.md (kept in the README's security section too).
 */
import assert from "node:assert/strict";
import { BENIGN_CORPUS } from "./benign_corpus.ts";
import { scanText } from "../../src/policy/scan_rules.ts";
import { ATTEMPTS } from "./attempts.ts";
import { runAttempt } from "./harness.ts";

const results: { name: string; category: string; leakedBytes: number; leaks: string[] }[] = [];

for (const attempt of ATTEMPTS) {
  Deno.test(`adversarial [${attempt.category}] ${attempt.name}: fails closed, nothing leaks`, async () => {
    const { run, leakedBytes, leaks } = await runAttempt(attempt);
    results.push({ name: attempt.name, category: attempt.category, leakedBytes, leaks });
    assert.equal(leakedBytes, 0, `leaked: ${leaks.join(", ")}\n${run.stdout}\n${run.stderr}`);
    assert.doesNotMatch(run.stderr, /internal error/, run.stderr);
    // The attempt really ran and was refused, not skipped.
    if (run.stdout.startsWith("{")) {
      const steps = JSON.parse(run.stdout).steps as { ok: boolean; tool: string; result: string }[];
      assert.ok(steps.length > 0, `no step ran: ${run.stdout}`);
      for (const step of steps.slice(attempt.allowedSteps ?? 0)) {
        assert.equal(step.ok, false, `${step.tool} was allowed: ${step.result}`);
      }
    } else {
      assert.ok(run.code === 7 || /\[(EMAIL|SECRET)_1\]/.test(JSON.stringify(attempt)) || run.code === 0, run.stderr);
    }
  });
}

Deno.test("adversarial figures match tests/adversarial/FIGURES.md", () => {
  const falsePositives = BENIGN_CORPUS.filter((t) => scanText(t).length > 0).length;
  const figures = {
    attempts: ATTEMPTS.length,
    blocked: results.filter((r) => r.leakedBytes === 0).length,
    leakedBytes: results.reduce((n, r) => n + r.leakedBytes, 0),
    benign: BENIGN_CORPUS.length,
    falsePositives,
  };
  assert.ok(figures.attempts >= 30);
  assert.equal(results.length, figures.attempts, "run the whole file: every attempt feeds the figures");
  // deno fmt pads the table: compare without spaces.
  const squeeze = (text: string) => text.replace(/[ \t]+/g, "");
  const committed = squeeze(Deno.readTextFileSync(new URL("./FIGURES.md", import.meta.url)));
  const line = [figures.attempts, figures.blocked, figures.leakedBytes, figures.benign, figures.falsePositives].join(
    "|",
  );
  assert.ok(committed.includes(`|${line}|`), `FIGURES.md should contain the row: | ${line.replaceAll("|", " | ")} |`);
});

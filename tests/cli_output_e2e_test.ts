/**
 * End to end: what `pai` prints for scripts. The `--json` schema the README documents (held to it here), the
 * `{"error": …}` object a failure prints, the exit codes of the README's table, and a stdout closed by its reader.
 */
import assert from "node:assert/strict";
import { EXIT } from "../src/core/errors.ts";
import { openaiSession } from "./helpers/session.ts";
import { makePaiHome, paiCommand, ROOT, runPai } from "./helpers/run_pai.ts";
import { call, makeWorkspace, runMode } from "./helpers/workspace.ts";

/** The JSON examples in the README's "## Use" section, in order: a run, then a failure. */
function documentedJson(): Record<string, unknown>[] {
  const readme = Deno.readTextFileSync(`${ROOT}/README.md`);
  const use = readme.slice(readme.indexOf("\n## Use\n"), readme.indexOf("\n## ", readme.indexOf("\n## Use\n") + 1));
  return [...use.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]));
}

/** The shape of a value: its keys, recursively (the first element of an array stands for all). */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? [shape(value[0])] : [];
  if (value === null || typeof value !== "object") return value === null ? "null-or-value" : "value";
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, shape((value as Record<string, unknown>)[k])]));
}

/** Values whose shape is a tool's own (its arguments, its result) or a grant's: not part of the run's schema. */
const OPAQUE = new Set(["arguments", "result", "permissions"]);

/** Shapes compared where both sides are objects; a documented `null` stands for any value (or `null`). */
function assertSameShape(actual: unknown, documented: unknown, path = "$"): void {
  if (documented === "null-or-value" || actual === "null-or-value") return;
  if (Array.isArray(documented)) {
    assert.ok(Array.isArray(actual), `${path} is an array`);
    if (documented.length && actual.length) assertSameShape(actual[0], documented[0], `${path}[0]`);
    return;
  }
  if (typeof documented === "object" && documented !== null && typeof actual === "object" && actual !== null) {
    assert.deepEqual(Object.keys(actual), Object.keys(documented), `the keys of ${path}`);
    for (const k of Object.keys(documented).filter((k) => !OPAQUE.has(k))) {
      assertSameShape(
        (actual as Record<string, unknown>)[k],
        (documented as Record<string, unknown>)[k],
        `${path}.${k}`,
      );
    }
  }
}

Deno.test("--json keeps each round's text apart, and gives tool arguments and results as values, as documented", async () => {
  const s = await openaiSession();
  const w = await makeWorkspace();
  try {
    Deno.writeTextFileSync(`${w.ws}/todo.md`, "- renew passport\n");
    const { run, json } = await runMode(s, w, [
      { text: "Let me look.", toolCalls: [{ name: "fs_read", arguments: JSON.stringify({ path: "todo.md" }) }] },
      call("fs_read", { path: "missing.md" }),
      { text: "Done." },
    ], ["prompt"]);
    assert.equal(run.code, 0, run.stderr);
    const out = json as unknown as Record<string, unknown> & {
      rounds: { text: string; stopReason: string }[];
      steps: Record<string, unknown>[];
    };
    assert.equal(out.text, "Let me look.\nDone.", "the rounds' texts as the terminal shows them, not run together");
    assert.deepEqual(out.rounds.map((r) => r.text), ["Let me look.", "", "Done."]);
    assert.equal(out.error, null);
    const [read, missing] = out.steps;
    assert.equal(read.round, 0);
    assert.deepEqual(read.arguments, { path: "todo.md" });
    assert.equal(read.ok, true);
    assert.equal(read.error, null);
    assert.equal(typeof read.result, "object", "the tool's result as a value");
    assert.match(JSON.stringify(read.result), /renew passport/);
    assert.match(String(read.sentToModel), /^<tool_output tool="fs_read" trust="untrusted">\n.*renew passport/s);
    assert.equal(missing.round, 1);
    assert.equal(missing.ok, false);
    assert.equal(missing.result, null);
    assert.equal((missing.error as { type: string }).type, "not_found");

    const [documentedRun, documentedFailure] = documentedJson();
    assert.ok(documentedRun && documentedFailure, "the README documents a run and a failure");
    assertSameShape(shape(out), shape(documentedRun));

    const failed = await runPai(["prompt", "--json", "--max-chain", "0", "x"], { home: s.home, env: s.env });
    assert.equal(failed.code, EXIT.USAGE);
    const error = JSON.parse(failed.stdout);
    assertSameShape(shape(error), shape(documentedFailure));
    assert.equal(error.error.exitCode, EXIT.USAGE);
    assert.match(error.error.message, /--max-chain: Expected a whole number of at least 1/);
  } finally {
    w.cleanup();
    await s.close();
  }
});

Deno.test("a failure with --json prints {error: {message, exitCode}} on stdout; the codes are the README's", async () => {
  const home = makePaiHome();
  try {
    // No session, no local Ollama, no key: nothing is set up.
    const none = await runPai(["prompt", "--json", "hi"], { home });
    assert.equal(none.code, EXIT.CONFIG, none.stderr);
    const error = JSON.parse(none.stdout).error;
    assert.equal(error.exitCode, EXIT.CONFIG);
    assert.match(error.message, /^No provider is set up/);
    assert.match(error.hint, /pai init ollama/);
    const text = await runPai(["prompt", "hi"], { home });
    assert.equal(text.code, EXIT.CONFIG);
    assert.equal(text.stdout, "", "without --json, stdout stays empty");
  } finally {
    home.cleanup();
  }
  const s = await openaiSession();
  try {
    // A model the provider does not have, found out at prompt time: the provider's 404.
    s.server.enqueue({ status: 404, errorBody: { error: { message: 'model "m" not found, try pulling it first' } } });
    const unknown = await runPai(["prompt", "--json", "hi"], { home: s.home, env: s.env });
    assert.equal(unknown.code, EXIT.PROVIDER, unknown.stderr);
    assert.equal(JSON.parse(unknown.stdout).error.exitCode, EXIT.PROVIDER);
    const status = await runPai(["status", "--json", "extra"], { home: s.home, env: s.env });
    assert.equal(JSON.parse(status.stdout).error.exitCode, EXIT.USAGE);
  } finally {
    await s.close();
  }
});

/** Runs `pai` with its stdout closed by the reader once `after` has been read (at once when absent). */
async function closedStdout(args: string[], options: Parameters<typeof paiCommand>[1], after?: string) {
  const child = paiCommand(args, options).spawn();
  await child.stdin.close();
  const reader = child.stdout.getReader();
  let seen = "";
  while (after !== undefined && !seen.includes(after)) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += new TextDecoder().decode(value);
  }
  await reader.cancel();
  const [status, stderr] = await Promise.all([child.status, new Response(child.stderr).text()]);
  return { code: status.code, stderr, seen };
}

Deno.test("a stdout closed by its reader (pai … | head) ends pai quietly with 141, as SIGPIPE ends Unix tools", async () => {
  const s = await openaiSession();
  try {
    for (const args of [["status"], ["tools", "list"], ["--help"]]) {
      const out = await closedStdout(args, { home: s.home, env: s.env });
      assert.equal(out.stderr, "", `${args.join(" ")}: nothing on stderr`);
      assert.equal(out.code, EXIT.BROKEN_PIPE, args.join(" "));
    }
    s.server.enqueue({ text: Array.from({ length: 200 }, (_, i) => `w${i}\n`), chunkDelayMs: 20 });
    const prompt = await closedStdout(["prompt", "x"], { home: s.home, env: s.env }, "w1\n");
    assert.match(prompt.seen, /^w0\nw1\n/);
    assert.equal(prompt.stderr, "");
    assert.equal(prompt.code, EXIT.BROKEN_PIPE);
    const after = await runPai(["prompt", "again"], { home: s.home, env: s.env });
    assert.equal(after.code, 0, `the session is still usable: ${after.stderr}`);
  } finally {
    await s.close();
  }
});

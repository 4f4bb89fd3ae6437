/**
 * End to end: how `pai` is told what to do. Usage errors in PAI's words (the flag or argument, the valid values,
 * the command's help, exit 2), help that shows what users type, the Unix `-` and `--`, and the one line a user gets
 * when Deno runs PAI without its permissions.
 */
import assert from "node:assert/strict";
import { EXIT } from "../src/core/errors.ts";
import { openaiSession } from "./helpers/session.ts";
import { MAIN, makePaiHome, paiEnv, runPai } from "./helpers/run_pai.ts";

/** A usage error: exit 2, a `pai: …` line, the last line pointing to this command's help, no stack. */
function assertUsageError(out: { code: number; stderr: string }, help: string): string[] {
  assert.equal(out.code, EXIT.USAGE, out.stderr);
  const lines = out.stderr.trimEnd().split("\n");
  assert.equal(lines.at(-1), `Run "${help} --help" for usage`, out.stderr);
  assert.match(lines[0], /^pai: /, out.stderr);
  assert.doesNotMatch(out.stderr, /\bat .*\.(ts|js):\d+/, "no stack trace");
  return lines;
}

Deno.test("usage errors name the flag or argument, list the valid values, point to the command's help, exit 2", async () => {
  const home = makePaiHome();
  try {
    const kind = await runPai(["resource", "add", "x", "--kind", "floppy"], { home });
    const [kindLine] = assertUsageError(kind, "pai resource add");
    assert.equal(
      kindLine,
      'pai: Invalid --kind "floppy": choose one of note, file, folder, url, s3, sqlite, postgres; did you mean "folder"?',
    );

    const alias = await runPai(["prompt", "-z", "x"], { home });
    const [aliasLine] = assertUsageError(alias, "pai prompt");
    assert.match(
      aliasLine,
      /^pai: Unknown flag "-z" for "pai prompt": its flags are --no-stream, --raw, --usage, --json, --max-chain, /,
    );
    assert.match(aliasLine, /--no-tools, --resource, --attach, --safe, --system, --template$/);

    const bogus = await runPai(["bogus"], { home });
    const [bogusLine] = assertUsageError(bogus, "pai");
    assert.match(
      bogusLine,
      /^pai: Unknown command "bogus" for "pai": its commands are init, prompt, ask, chat, agent, /,
    );
    assert.match(bogusLine, /, providers, models, sessions, history, undo, completions; did you mean tools\?$/);
    const nested = await runPai(["resource", "bogus"], { home });
    const [nestedLine] = assertUsageError(nested, "pai resource");
    assert.match(nestedLine, /^pai: Unknown command "bogus" for "pai resource": its commands are add, update, list, /);

    const flag = await runPai(["prompt", "--bogus", "x"], { home });
    const [flagLine] = assertUsageError(flag, "pai prompt");
    assert.match(flagLine, /^pai: Unknown flag "--bogus" for "pai prompt"/);

    const init = await runPai(["init"], { home });
    const initLines = assertUsageError(init, "pai init");
    assert.deepEqual(initLines.slice(0, -1), [
      "pai: Missing <provider>: One of openai, anthropic, ollama, lmstudio, openai-compatible",
      "pai: Expected a value for --model: Model to use, as the provider names it",
    ]);

    const chain = await runPai(["prompt", "--max-chain", "0", "x"], { home });
    const [chainLine] = assertUsageError(chain, "pai prompt");
    assert.equal(chainLine, 'pai: --max-chain: Expected a whole number of at least 1, got "0"');

    const extra = await runPai(["status", "extra"], { home });
    const [extraLine] = assertUsageError(extra, "pai status");
    assert.equal(extraLine, 'pai: Unexpected argument "extra": "pai status" takes none');

    // A usage error the command itself finds points to its help too.
    const nothing = await runPai(["prompt"], { home });
    assertUsageError(nothing, "pai prompt");
  } finally {
    home.cleanup();
  }
});

Deno.test("help shows what users type: --no-stream and --no-tools, an optional <text>, what --max-seconds does", async () => {
  const home = makePaiHome();
  try {
    const prompt = await runPai(["prompt", "--help"], { home });
    assert.equal(prompt.code, 0, prompt.stderr);
    const usage = prompt.stdout.split("\n")[1];
    assert.match(usage, /^ {2}pai prompt \[--no-stream\] \[--raw\] \[--usage\] \[--json\] \[--max-chain <n>\] /);
    assert.match(
      usage,
      / \[--no-tools\] \[--resource <name>\]\.\.\. \[--attach <file>\]\.\.\. \[--safe\] \[--system <text>\] \[--template <name>\] \[<text>\.\.\.\]$/,
    );
    assert.doesNotMatch(usage, /\[--stream\]|\[--tools\]|value/);
    assert.match(prompt.stdout, /\n {2}\[text\.\.\.\] +The prompt/);

    const agent = await runPai(["agent", "--help"], { home });
    assert.match(
      agent.stdout,
      /\n {2}pai agent \[--max-steps <n>\] \[--max-seconds <seconds>\] \[--no-stream\] .* <goal>\.\.\.\n/,
    );
    assert.doesNotMatch(agent.stdout, /for tool calls/);
    assert.match(agent.stdout, /--max-seconds\]\s+Stop calling tools after this many seconds/);

    const root = await runPai(["--help"], { home });
    assert.match(root.stdout, /\n {2}pai init --model <model> \[--base-url <url>\] .* <provider>\n/);
    assert.match(root.stdout, /\n {2}pai chat \[--no-stream\] /);
    assert.doesNotMatch(root.stdout, /\[--stream\]|\[--tools\]/);
    const resource = await runPai(["resource", "--help"], { home });
    assert.match(resource.stdout, /\n {2}pai resource add --kind note\|file\|folder\|url\|s3\|sqlite\|postgres /);
    assert.match(resource.stdout, /\n {2}pai resource update .*\[--default\|--no-default\] <name>\n/);
  } finally {
    home.cleanup();
  }
});

Deno.test("`-` reads the prompt from stdin and `--` ends the flags, as Unix tools do", async () => {
  const s = await openaiSession();
  try {
    const dash = await runPai(["prompt", "-"], { home: s.home, env: s.env, stdin: "data\n" });
    assert.equal(dash.code, 0, dash.stderr);
    const sent = () => (s.server.chatRequests.at(-1)!.body!.messages as { content: string }[]).at(-1)!.content;
    assert.equal(sent(), "data\n");

    const escaped = await runPai(["prompt", "--", "--help me"], { home: s.home, env: s.env });
    assert.equal(escaped.code, 0, escaped.stderr);
    assert.equal(sent(), "--help me");
    const flagLike = await runPai(["prompt", "--", "--json", "-"], { home: s.home, env: s.env, stdin: "piped" });
    assert.equal(flagLike.code, 0, flagLike.stderr);
    assert.equal(sent(), "--json\n\n<stdin>\npiped\n</stdin>", "after --, --json is text; - still means stdin");
  } finally {
    await s.close();
  }
});

Deno.test("`deno run src/main.ts` without permissions says in one line which invocation to use, and asks nothing", async () => {
  const home = makePaiHome();
  try {
    for (const flags of [[], ["--allow-read", "--allow-env"]]) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", ...flags, MAIN, "status"],
        clearEnv: true,
        env: paiEnv(home),
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, EXIT.USAGE, stderr);
      assert.equal(stderr.split("\n").length, 2, `one line: ${stderr}`);
      assert.match(
        stderr,
        /^pai: .*permissions.*: run "deno task pai status" .*, or the installed "pai" \(deno task install\)\n$/,
      );
      assert.match(stderr, flags.length ? /\(write, net, sys\)/ : /\(read, write, net, env, sys\)/);
    }
  } finally {
    home.cleanup();
  }
});

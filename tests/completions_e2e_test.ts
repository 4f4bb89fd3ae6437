/**
 * End to end: `pai completions bash|zsh|fish` prints scripts the shells accept (`bash -n`, `zsh -n`, `fish -n`) and
 * that complete commands, subcommands, flags and flag values as typed. A shell that is not installed is ignored,
 * saying so in the test's name.
 */
import assert from "node:assert/strict";
import { makePaiHome, runPai } from "./helpers/run_pai.ts";

function installed(shell: string): boolean {
  try {
    return new Deno.Command("sh", { args: ["-c", `command -v ${shell}`], stdout: "null" }).outputSync().success;
  } catch {
    return false;
  }
}

async function script(shell: string): Promise<string> {
  const home = makePaiHome();
  try {
    const run = await runPai(["completions", shell], { home, env: {} });
    assert.equal(run.code, 0, run.stderr);
    return run.stdout;
  } finally {
    home.cleanup();
  }
}

async function shellRun(shell: string, args: string[]): Promise<{ code: number; out: string }> {
  const out = await new Deno.Command(shell, { args, stdout: "piped", stderr: "piped" }).output();
  return { code: out.code, out: new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr) };
}

Deno.test("bash: the script parses, and completes commands, subcommands, flags and values", async () => {
  const path = await Deno.makeTempFile({ suffix: ".bash" });
  try {
    await Deno.writeTextFile(path, await script("bash"));
    assert.equal((await shellRun("bash", ["-n", path])).code, 0);
    const cases: [string, string][] = [
      ["pai ta", "task"],
      ["pai task a", "add"],
      ["pai history --format m", "markdown"],
      ["pai prompt --dry", "--dry-run"],
      ["pai chat -m gpt-4o --no-s", "--no-stream"],
      ["pai assistant r", "run"],
      ["pai completions --h", "--help"],
    ];
    const probe = cases.map(([line]) => {
      const words = line.split(" ").map((w) => `'${w}'`).join(" ");
      return `COMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); COMPREPLY=(); _pai; echo "\${COMPREPLY[*]}"`;
    });
    const run = await shellRun("bash", ["-c", `source '${path}'\n${probe.join("\n")}`]);
    assert.equal(run.code, 0, run.out);
    assert.deepEqual(run.out.trimEnd().split("\n"), cases.map(([, expected]) => expected));
  } finally {
    await Deno.remove(path);
  }
});

Deno.test({
  name: `zsh: the script parses${installed("zsh") ? "" : " (ignored: zsh is not installed)"}`,
  ignore: !installed("zsh"),
  fn: async () => {
    const path = await Deno.makeTempFile({ suffix: ".zsh" });
    try {
      await Deno.writeTextFile(path, await script("zsh"));
      assert.equal((await shellRun("zsh", ["-n", path])).code, 0);
      const run = await shellRun("zsh", [
        "-c",
        `autoload -U compinit && compinit -u; source '${path}'; complete -p pai`,
      ]);
      assert.match(run.out, /complete .*-F _pai pai/);
    } finally {
      await Deno.remove(path);
    }
  },
});

Deno.test({
  name: `fish: the script parses and completes${installed("fish") ? "" : " (ignored: fish is not installed)"}`,
  ignore: !installed("fish"),
  fn: async () => {
    const path = await Deno.makeTempFile({ suffix: ".fish" });
    try {
      await Deno.writeTextFile(path, await script("fish"));
      assert.equal((await shellRun("fish", ["-n", path])).code, 0);
      const run = await shellRun("fish", [
        "-c",
        `source '${path}'; complete -C 'pai task a'; complete -C 'pai history --format '; complete -C 'pai undo --l'; complete -C 'pai '`,
      ]);
      assert.ok(!run.out.includes("Missing argument"), run.out);
      assert.match(run.out, /^init\t/m, "the commands at the top level");
      assert.match(run.out, /^add\tQueue a task/m);
      assert.match(run.out, /^markdown\t/m);
      assert.match(run.out, /^--list\t/m);
    } finally {
      await Deno.remove(path);
    }
  },
});

Deno.test("pai completions refuses a shell it has no script for", async () => {
  const home = makePaiHome();
  try {
    const run = await runPai(["completions", "powershell"], { home, env: {} });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /bash, zsh, fish|bash/);
  } finally {
    home.cleanup();
  }
});

/**
 * Runs `pai` in a real pseudo-terminal (util-linux `script`), so that tests
 * type keys (Ctrl+C as the byte 0x03, Ctrl+D as 0x04) and read the screen as
 * a user would. The terminal, not the test, turns Ctrl+C into SIGINT.
 */
import { QUESTION_GUARD_MS } from "../../src/cli/terminal_input.ts";
import { MAIN, PAI_FLAGS, paiEnv, type PaiHome } from "./run_pai.ts";

const quote = (arg: string) => `'${arg.replaceAll("'", "'\\''")}'`;

/** A `pai` process on a terminal. */
export class TerminalSession {
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #screen = "";
  #reading: Promise<void>;

  constructor(args: string[], home: PaiHome, env: Record<string, string> = {}, cwd = home.dir) {
    // `exec`: otherwise the shell that `script` starts also gets the terminal's SIGINT and exits 130 itself.
    const command = `exec ${
      [Deno.execPath(), "run", ...PAI_FLAGS, "--cached-only", MAIN, ...args].map(quote).join(" ")
    }`;
    // util-linux and BSD (macOS) `script` take their arguments differently.
    const scriptArgs = Deno.build.os === "darwin"
      ? ["-q", "/dev/null", "sh", "-c", command]
      : ["-qfec", command, "/dev/null"];
    const child = new Deno.Command("script", {
      args: scriptArgs,
      cwd,
      clearEnv: true,
      // A test's own variables win (TERM=dumb, say).
      env: paiEnv(home, { TERM: "xterm-256color", COLUMNS: "120", LINES: "40", ...env }),
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    this.#reading = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of child.stdout) this.#screen += decoder.decode(chunk, { stream: true });
    })();
  }

  /** Everything the terminal showed so far. */
  get screen(): string {
    return this.#screen;
  }

  /** Types text (use "\r" for Enter, "\x03" for Ctrl+C, "\x04" for Ctrl+D). */
  async type(text: string): Promise<void> {
    await this.#writer.write(new TextEncoder().encode(text));
  }

  /** Waits until the screen shows `text` after position `from`; fails after `timeoutMs` with the screen. */
  async waitFor(text: string, from = 0, timeoutMs = 15_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const at = this.#screen.indexOf(text, from);
      if (at >= 0) return at + text.length;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`the terminal never showed ${JSON.stringify(text)}; it shows:\n${this.#screen}`);
  }

  /**
   * Waits until a question shows `text`, then until it takes keys: PAI ignores keys for a moment after a question
   * appears, so that keys typed before it never answer it.
   */
  async waitForQuestion(text: string, from = 0): Promise<number> {
    const at = await this.waitFor(text, from);
    await new Promise((r) => setTimeout(r, QUESTION_GUARD_MS + 150));
    return at;
  }

  /** Waits for the process to end and returns its exit code. */
  async exit(): Promise<number> {
    await this.#writer.close().catch(() => {});
    const status = await this.#child.status;
    await this.#reading;
    await this.#child.stderr.cancel();
    return status.code;
  }
}

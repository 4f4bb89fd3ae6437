/**
 * The keyboard of `pai chat` on a terminal. One reader owns stdin for the whole chat:
 * - at the prompt the terminal is raw, and keys go to the line editor (`ui/line_editor.ts`), with bracketed paste on;
 * - while an answer streams it is in cbreak mode: Ctrl+C still reaches PAI as SIGINT (stopping only that answer), but
 *   nothing typed is echoed into the answer. What was typed is kept and shown at the next prompt;
 * - when PAI asks a question (an approval), what was typed ahead is dropped first, so that keys pressed before the
 *   question was shown can never answer it.
 */
import { drawFrame, LineEditor, type Prompts, readKey } from "../ui/line_editor.ts";
import { dim, stdout } from "../ui/output.ts";

type NodeStdin = typeof import("node:process")["stdin"];

/** How long an incomplete escape sequence waits for the rest of it. */
const SEQUENCE_WAIT_MS = 50;

const BRACKETED_PASTE_ON = "\x1b[?2004h";
const BRACKETED_PASTE_OFF = "\x1b[?2004l";

/** The chat's reader, while a chat runs: questions asked meanwhile go through it. */
let active: TerminalInput | undefined;

/** Runs `ask` (a question on the terminal) with the chat's reader out of its way and what was typed ahead dropped. */
export async function asQuestion<T>(ask: () => Promise<T>): Promise<T> {
  return active ? await active.question(ask) : await ask();
}

/** Stdin of a chat on a terminal. */
export class TerminalInput {
  #stdin: NodeStdin;
  #pending = "";
  #decoder = new TextDecoder();
  #wake?: () => void;
  #ended = false;
  #history: string[] = [];
  #onData = (chunk: Uint8Array | string) => {
    this.#pending += typeof chunk === "string" ? chunk : this.#decoder.decode(chunk, { stream: true });
    this.#wake?.();
  };
  #onEnd = () => {
    this.#ended = true;
    this.#wake?.();
  };

  private constructor(stdin: NodeStdin, history: readonly string[]) {
    this.#stdin = stdin;
    this.#history = [...history];
  }

  /** Takes stdin for a chat; `history` (the session's earlier messages) is what Up brings back. */
  static async open(history: readonly string[] = []): Promise<TerminalInput> {
    const { default: process } = await import("node:process");
    const input = new TerminalInput(process.stdin, history);
    process.stdin.on("data", input.#onData);
    process.stdin.on("end", input.#onEnd);
    process.stdin.resume();
    input.#busy();
    active = input;
    return input;
  }

  /** Gives stdin back, the terminal as it was. */
  close(): void {
    active = undefined;
    this.#stdin.off("data", this.#onData);
    this.#stdin.off("end", this.#onEnd);
    this.#stdin.pause();
    Deno.stdin.setRaw(false);
  }

  /**
   * Reads one message. Returns undefined when the user ends the chat: Ctrl+D on an empty message, a second Ctrl+C
   * in a row on an empty one, or a closed terminal. Ctrl+C on a message clears it.
   */
  async read(prompts: Prompts): Promise<string | undefined> {
    Deno.stdin.setRaw(true);
    stdout.write(BRACKETED_PASTE_ON);
    const editor = new LineEditor(this.#history);
    let row = 0;
    let rows = 1;
    const draw = () => {
      const frame = drawFrame(editor, prompts, columns());
      stdout.write(`${row ? `\x1b[${row}A` : ""}\r\x1b[J${frame.output}`);
      ({ cursorRow: row, rows } = frame);
    };
    /** Moves below the message, so that what follows starts on a line of its own. */
    const leave = (note = "") => {
      const down = rows - 1 - row;
      stdout.write(`${down ? `\x1b[${down}B` : ""}\r\n${note}`);
      row = 0;
    };
    let warned = false;
    try {
      draw();
      while (true) {
        if (!this.#pending) {
          if (this.#ended) return void leave();
          await this.#more();
          continue;
        }
        let { key, length } = readKey(this.#pending, this.#ended);
        if (!length) {
          // Half an escape sequence: the rest comes at once, or it was a lone ESC.
          if (await this.#more(SEQUENCE_WAIT_MS)) continue;
          ({ key, length } = readKey(this.#pending, true));
        }
        // What follows stays pending: keys typed after Enter are the next message's.
        this.#pending = this.#pending.slice(length);
        const result = key && editor.apply(key);
        if (result === "submit" || result === "eof" || (result === "interrupt" && warned)) {
          draw(); // the message as sent
          leave();
          if (result !== "submit") return undefined;
          if (editor.text.trim() && this.#history.at(-1) !== editor.text) this.#history.push(editor.text);
          return editor.text;
        }
        if (key) warned = result === "interrupt";
        if (result === "interrupt") leave(dim(stdout, "(Ctrl+C again or Ctrl+D to end the chat)\r\n"));
        if (result === "cleared") leave();
        if (result === "redraw") stdout.write("\x1b[H\x1b[2J"), row = 0;
        if (!this.#pending) draw();
      }
    } finally {
      stdout.write(BRACKETED_PASTE_OFF);
      this.#busy();
    }
  }

  /** See {@linkcode asQuestion}. */
  async question<T>(ask: () => Promise<T>): Promise<T> {
    this.#stdin.off("data", this.#onData);
    this.#stdin.pause();
    if (this.#pending) stdout.write(dim(stdout, "(what you typed meanwhile is dropped: PAI has a question)\n"));
    this.#pending = "";
    try {
      return await ask();
    } finally {
      this.#stdin.on("data", this.#onData);
      this.#stdin.resume();
      this.#busy();
    }
  }

  /** While PAI works: no echo, Ctrl+C a signal. */
  #busy(): void {
    Deno.stdin.setRaw(true, { cbreak: true });
  }

  /** Waits for more input (true), or until `timeoutMs` passes (false). */
  #more(timeoutMs?: number): Promise<boolean> {
    if (this.#ended) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => done(false), timeoutMs);
      const done = (arrived: boolean) => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve(arrived);
      };
      this.#wake = () => done(true);
    });
  }
}

function columns(): number {
  try {
    return Deno.consoleSize().columns || 80;
  } catch {
    return 80;
  }
}

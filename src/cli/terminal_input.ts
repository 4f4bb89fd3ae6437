/**
 * The keyboard of `pai chat` on a terminal. One reader owns stdin for the whole chat:
 * - at the prompt the terminal is raw, and keys go to the line editor (`ui/line_editor.ts`), with bracketed paste on;
 * - while an answer streams it is in cbreak mode: Ctrl+C still reaches PAI as SIGINT (stopping only that answer), but
 *   nothing typed is echoed into the answer. What was typed is kept and shown at the next prompt;
 * - when PAI asks a question (an approval), what was typed ahead is dropped, and the question gets only Up, Down,
 *   Enter and Ctrl+C, and only once it has been on the screen for {@linkcode QUESTION_GUARD_MS}: keys pressed before
 *   it was shown, or typed as if at the chat's prompt (letters jump to a choice in a select), never answer it.
 *
 * Runs other than a chat's (`pai prompt`, `pai agent` in a terminal) take stdin the same way for their length
 * (`withTerminalInput`), so that their questions are guarded too; what is typed meanwhile is dropped.
 */
import { drawFrame, type Key, LineEditor, type Prompts, readKey } from "../ui/line_editor.ts";
import { EXIT } from "../core/errors.ts";
import { dim, stdout, terminalSize } from "../ui/output.ts";
import { interruptible } from "./interrupt.ts";

type NodeStdin = typeof import("node:process")["stdin"];

/** How long an incomplete escape sequence waits for the rest of it. */
const SEQUENCE_WAIT_MS = 50;
/** How long a question is on the screen before a key may answer it. */
export const QUESTION_GUARD_MS = 400;
/** The keys a question takes, as the prompt library reads them. */
const QUESTION_KEYS: Partial<Record<Key["kind"], string>> = {
  up: "\x1b[A",
  down: "\x1b[B",
  enter: "\r",
  interrupt: "\x03",
};

const BRACKETED_PASTE_ON = "\x1b[?2004h";
const BRACKETED_PASTE_OFF = "\x1b[?2004l";

/** The chat's reader, while a chat runs: questions asked meanwhile go through it. */
let active: TerminalInput | undefined;

/** A question's keyboard: the input stream the prompt library reads. */
type QuestionInput = import("node:stream").PassThrough;

/** A question being asked: its keyboard, when it was shown, and input not yet read into keys. */
interface OpenQuestion {
  input: QuestionInput;
  opened: number;
  buffer: string;
}

/**
 * Runs `ask` (a question on the terminal), giving it the guarded keyboard as its input when a reader has stdin;
 * without one (a command that asks before any run), `ask` reads stdin itself.
 */
export async function asQuestion<T>(ask: (input?: QuestionInput) => Promise<T>): Promise<T> {
  return active ? await active.question(ask) : await ask();
}

/** Whether a Ctrl+C came with the message just sent, for the answer to it (asked once: it is then forgotten). */
export function stopRequested(): boolean {
  return active?.takeStop() ?? false;
}

/** Runs `work` with stdin taken by a reader when it is a terminal and none has it yet (see the module's note). */
export async function withTerminalInput<T>(work: () => Promise<T>): Promise<T> {
  if (active || !Deno.stdin.isTerminal()) return await work();
  const input = await TerminalInput.open();
  try {
    return await work();
  } finally {
    input.close();
  }
}

/** Stdin of a chat on a terminal. */
export class TerminalInput {
  #stdin: NodeStdin;
  #pending = "";
  #decoder = new TextDecoder();
  #wake?: () => void;
  #ended = false;
  #history: string[] = [];
  #question?: OpenQuestion;
  #stopNext = false;
  #onData = (chunk: Uint8Array | string) => {
    const text = typeof chunk === "string" ? chunk : this.#decoder.decode(chunk, { stream: true });
    if (this.#question) return this.#toQuestion(this.#question, text);
    this.#pending += text;
    this.#wake?.();
  };
  /**
   * Ctrl+C while PAI works between answers (opening a session, a slow server): there is nothing to stop but PAI, so
   * it ends as SIGINT would end it, with the terminal given back as it was. During an answer the turn's own listener
   * stops the answer (`interrupt.ts`).
   */
  #onInterrupt = () => {
    if (interruptible()) return;
    this.close();
    stdout.write("\n");
    Deno.exit(EXIT.INTERRUPTED);
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
    Deno.addSignalListener("SIGINT", input.#onInterrupt);
    input.#busy();
    active = input;
    return input;
  }

  /** Gives stdin back, the terminal as it was. */
  close(): void {
    active = undefined;
    Deno.removeSignalListener("SIGINT", this.#onInterrupt);
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
      const { columns, rows: screenRows } = terminalSize(stdout) ?? { columns: 80, rows: 24 };
      const frame = drawFrame(editor, prompts, columns, screenRows - 1);
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
        let { key, length } = readKey(this.#pending, { ended: this.#ended });
        if (!length) {
          // Half an escape sequence: the rest comes at once, or it was a lone ESC.
          if (await this.#more(SEQUENCE_WAIT_MS)) continue;
          ({ key, length } = readKey(this.#pending, { waited: true, ended: this.#ended }));
          // A paste whose end has not come yet: wait for it, however long.
          if (!length) {
            await this.#more();
            continue;
          }
        }
        // What follows stays pending: keys typed after Enter are the next message's.
        this.#pending = this.#pending.slice(length);
        const result = key && editor.apply(key);
        if (result === "submit" || result === "eof" || (result === "interrupt" && warned)) {
          draw(); // the message as sent
          leave();
          if (result !== "submit") return undefined;
          if (editor.text.trim() && this.#history.at(-1) !== editor.text) this.#history.push(editor.text);
          // Ctrl+C read with the Enter (in the same burst) was meant for the answer: it stops it as soon as it starts.
          if (this.#pending.includes("\x03")) {
            this.#pending = this.#pending.replaceAll("\x03", "");
            this.#stopNext = true;
          }
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

  /** See {@linkcode stopRequested}. */
  takeStop(): boolean {
    const stop = this.#stopNext;
    this.#stopNext = false;
    return stop;
  }

  /** See {@linkcode asQuestion}. */
  async question<T>(ask: (input: QuestionInput) => Promise<T>): Promise<T> {
    const { PassThrough } = await import("node:stream");
    if (this.#pending) stdout.write(dim(stdout, "(what you typed meanwhile is dropped: PAI has a question)\n"));
    this.#pending = "";
    const input = new PassThrough();
    // Raw: Ctrl+C is the question's key (its answer is the safe one), not a signal.
    Deno.stdin.setRaw(true);
    this.#question = { input, opened: Date.now(), buffer: "" };
    try {
      return await ask(input);
    } finally {
      this.#question = undefined;
      input.end();
      this.#busy();
    }
  }

  /** Passes a question the keys it takes, once it has been shown long enough; drops every other key. */
  #toQuestion(question: OpenQuestion, text: string): void {
    question.buffer += text;
    while (question.buffer) {
      const { key, length } = readKey(question.buffer, { waited: true });
      if (!length) return;
      question.buffer = question.buffer.slice(length);
      const sent = key && QUESTION_KEYS[key.kind];
      if (sent && Date.now() - question.opened >= QUESTION_GUARD_MS) question.input.write(sent);
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

/** Reading what the user pipes into PAI. */
import { EXIT, PaiError } from "../core/errors.ts";

/** The most PAI attaches from stdin; more is refused rather than silently cut. */
export const MAX_STDIN_BYTES = 8 * 1024 * 1024;

/** Options for {@linkcode readPipedStdin}. */
export interface ReadStdinOptions {
  /** Read stdin even from a terminal, until end of input (Ctrl+D): the user gave `-`. */
  terminalToo?: boolean;
}

/** All of stdin when it is piped (not a terminal); `""` when it is a terminal or empty. */
export async function readPipedStdin(options: ReadStdinOptions = {}): Promise<string> {
  if (Deno.stdin.isTerminal() && !options.terminalToo) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const buffer = new Uint8Array(64 * 1024);
  for (let n = await Deno.stdin.read(buffer); n !== null; n = await Deno.stdin.read(buffer)) {
    const chunk = buffer.slice(0, n);
    size += chunk.length;
    if (size > MAX_STDIN_BYTES) {
      throw new PaiError(`Cannot attach stdin: it is larger than ${MAX_STDIN_BYTES / 1024 / 1024} MiB`, {
        exitCode: EXIT.USAGE,
        hint: "Pipe a smaller part of it (head, grep, …)",
      });
    }
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(bytes);
}

/**
 * The words of a prompt or goal, and whether they ask for stdin with a lone `-` (the Unix convention for "read
 * standard input here"; `--` before it does not change that, as for `cat -- -`). The `-` is not part of the text.
 */
export function stdinDash(words: readonly string[]): { text: string; dash: boolean } {
  const rest = words.filter((w) => w !== "-");
  return { text: rest.join(" ").trim(), dash: rest.length < words.length };
}

/** The lines of a byte stream, without their line endings. */
export async function* readLines(stream: ReadableStream<Uint8Array>): AsyncIterable<string> {
  let pending = "";
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    pending += text;
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) yield line.replace(/\r$/, "");
  }
  if (pending) yield pending.replace(/\r$/, "");
}

/**
 * Model output (and, later, web pages and tool results) is untrusted text. A
 * terminal obeys escape sequences wherever they come from: cursor movement
 * and screen clearing can forge what the user sees, OSC 8 hides a link
 * behind harmless text, OSC 52 writes the clipboard. Every control character
 * except newline and tab is made visible instead of being sent raw, which
 * defeats all of them whatever the chunk boundaries are (a sequence is inert
 * without its leading ESC or C1 byte).
 */

// C0 controls but \t and \n, DEL, C1 controls, and the bidi overrides that reorder text ("Trojan Source").
// deno-lint-ignore no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Returns `text` safe to write to a terminal: controls shown as visible symbols, `\r` dropped. */
export function neutralizeControls(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    if (c === "\r") return ""; // CRLF stays a line break; a lone CR can no longer overwrite a line
    if (code < 0x20) return String.fromCharCode(0x2400 + code); // ␛ for ESC, ␇ for BEL…
    if (code === 0x7f) return "\u2421"; // ␡
    return `<U+${code.toString(16).toUpperCase().padStart(4, "0")}>`;
  });
}

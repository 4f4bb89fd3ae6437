/**
 * Secrets in disguise: the high-precision key formats hex- or base64-encoded
 * (standard or URL-safe, padded or not, wrapped over lines, nested), or
 * spelled out with separators between their characters ("s k - p r o j - …",
 * "AKIA IOSF ODNN 7EXA MPLE", "AKIA-IOSF-…", zero-width characters). A model
 * reads through each of these as easily as through the plain key.
 *
 * Encoded: candidate runs (hex of even length ≥ 32, base64 ≥ 24 characters)
 * are decoded and the rules run on the decoded text; a finding covers the whole
 * run, so a redaction replaces all of it. Spaced: the rules run on a copy with
 * the separators removed, from each place where a rule's literal prefix
 * begins, and a finding maps back to the original span. Only a spacing that
 * looks deliberate counts (one or two characters at a time, or groups of one
 * length), so that ordinary words run together never make a key.
 */
import type { Finding, ScanRule } from "./scan_rules.ts";

/** How a secret was disguised. */
export type Encoding = "hex" | "base64" | "spaced";

/**
 * Hex pairs, optionally separated by single spaces or colons (a hex dump), or as `\x73\x6b…` escapes. No
 * lookarounds (they make the scan three times slower): a run's edges are checked by hand.
 */
const HEX_RUN = /[0-9A-Fa-f]{2}(?:[ :]?[0-9A-Fa-f]{2}){15,}|(?:\\x[0-9A-Fa-f]{2}){16,}/g;
const HEX_DIGIT = /[0-9A-Fa-f]/;
/** The base64 alphabets (standard and URL-safe), by character code. */
const BASE64 = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-") BASE64[c.charCodeAt(0)] = 1;
const MIN_BASE64 = 24;
/**
 * Encoded runs in decoded text are decoded in turn (base64 of base64, base64 of hex). Each layer is at most three
 * quarters of the one above, so even all the layers cost less than four decodings of the text; the cap is a backstop.
 */
const MAX_DEPTH = 8;

/** The text a hex run spells, one byte per character. */
function decodeHex(run: string): string {
  const digits = run.replace(/\\x|[ :]/g, "");
  let out = "";
  for (let i = 0; i + 1 < digits.length; i += 2) out += String.fromCharCode(parseInt(digits.slice(i, i + 2), 16));
  return out;
}

/** The bytes a base64 run spells, one per character, or `undefined` when it is not base64. */
function decodeBase64(run: string): string | undefined {
  let b64 = run.replace(/\\r|\\n|[\r\n=]/g, "").replaceAll("-", "+").replaceAll("_", "/");
  if (b64.length % 4 === 1) b64 = b64.slice(0, -1);
  try {
    return atob(b64 + "=".repeat((4 - b64.length % 4) % 4));
  } catch {
    return undefined;
  }
}

function isBase64(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c < 128 && BASE64[c] === 1;
}

/** Where a run of base64 characters (and up to two `=`) that starts at `i` ends. */
function base64End(text: string, i: number): number {
  while (i < text.length && isBase64(text, i)) i++;
  for (let pad = 0; pad < 2 && text[i] === "="; pad++) i++;
  return i;
}

/** The length of a line break at `i`: a real one, or the `\n` escape of a JSON string; 0 if none. */
function lineBreak(text: string, i: number): number {
  for (const brk of ["\n", "\r\n", "\\n", "\\r\\n"]) if (text.startsWith(brk, i)) return brk.length;
  return 0;
}

/**
 * Runs of base64 of at least 24 characters, with wrapped lines joined. A
 * character loop, not a regular expression: a pattern for this, tried at
 * every letter of every word, is two to five times slower.
 */
function* base64Runs(text: string): Generator<{ start: number; end: number }> {
  for (let i = 0; i < text.length;) {
    if (!isBase64(text, i)) {
      i++;
      continue;
    }
    // A run right after a backslash starts with the letter of an escape (`\nQUtJ…` in JSON): skip that letter.
    const start = text[i - 1] === "\\" ? i + 1 : i;
    let end = base64End(text, i);
    if (end - start >= MIN_BASE64) {
      for (let brk = lineBreak(text, end); brk; brk = lineBreak(text, end)) {
        const next = base64End(text, end + brk);
        if (next - (end + brk) < 4) break;
        end = next;
      }
      yield { start, end };
    }
    i = end;
  }
}

/** Candidate runs of `text` with what they decode to. */
function* decodedRuns(text: string): Generator<{ start: number; end: number; encoding: Encoding; decoded: string }> {
  for (const m of text.matchAll(HEX_RUN)) {
    const start = m.index!;
    const end = start + m[0].length;
    // A hex digit on either side: part of a longer run of odd length, which is not bytes.
    if (HEX_DIGIT.test(text[start - 1] ?? "") || HEX_DIGIT.test(text[end] ?? "")) continue;
    yield { start, end, encoding: "hex", decoded: decodeHex(m[0]) };
  }
  for (const { start, end } of base64Runs(text)) {
    const run = text.slice(start, end);
    // Base64 of 18 bytes or more has both cases; paths, identifiers and hex digests have not.
    if (!/[A-Z]/.test(run) || !/[a-z]/.test(run)) continue;
    const decoded = decodeBase64(run);
    if (decoded) yield { start, end, encoding: "base64", decoded };
  }
}

/** The first rule that finds a secret in decoded text (UTF-16 text too: its NULs are dropped). */
function ruleInDecoded(decoded: string, rules: readonly ScanRule[], depth: number): ScanRule | undefined {
  const text = decoded.includes("\0") ? decoded.replaceAll("\0", "") : decoded;
  for (const rule of rules) {
    for (const m of text.matchAll(rule.decodedPattern ?? rule.pattern)) {
      if (!rule.valid || rule.valid(m[0])) return rule;
    }
  }
  if (depth >= MAX_DEPTH) return undefined;
  for (const run of decodedRuns(text)) {
    const rule = ruleInDecoded(run.decoded, rules, depth + 1);
    if (rule) return rule;
  }
  return undefined;
}

/** Secrets hex- or base64-encoded in `text`; `taken` spans (plain findings) are not decoded again. */
export function encodedFindings(text: string, rules: readonly ScanRule[], taken: readonly Finding[]): Finding[] {
  const found: Finding[] = [];
  for (const run of decodedRuns(text)) {
    if (overlaps(taken, run.start, run.end) || overlaps(found, run.start, run.end)) continue;
    const rule = ruleInDecoded(run.decoded, rules, 1);
    if (rule) {
      found.push({
        rule,
        start: run.start,
        end: run.end,
        value: text.slice(run.start, run.end),
        encoding: run.encoding,
      });
    }
  }
  return found;
}

/** Characters that render as nothing (a character-class body): removed in every view, never ending a group. */
const INVISIBLE = "\u00AD\u200B-\u200D\u2060-\u2064\uFEFF";

function isInvisible(c: number): boolean {
  return c === 0xad || (c >= 0x200b && c <= 0x200d) || (c >= 0x2060 && c <= 0x2064) || c === 0xfeff;
}

/** The separators that split a key into groups, in the views without and with the dash (first: in a class, no range). */
const SEPARATORS = "- \t\u00A0";
const VIEWS: readonly ("spaces" | "dashes")[] = ["spaces", "dashes"];

function isSeparator(c: number, view: "spaces" | "dashes"): boolean {
  return c === 0x20 || c === 0x09 || c === 0xa0 || (c === 0x2d && view === "dashes");
}
/** How far a spaced key may reach from its prefix: in groups, in characters without separators, and with them. */
const MAX_GROUPS = 128;
const MAX_CHARS = 512;
const MAX_SPAN = 4 * MAX_CHARS;

/** `text` without separators, with, for each character left, its offset in `text` and the group it belongs to. */
interface FlatView {
  flat: string;
  at: Int32Array;
  group: Int32Array;
}

/** The flat view of the start of `text`, as far as a key can reach (`MAX_CHARS` characters, `MAX_GROUPS` groups). */
function flatten(text: string, view: "spaces" | "dashes"): FlatView {
  const at = new Int32Array(MAX_CHARS);
  const group = new Int32Array(MAX_CHARS);
  const pieces: string[] = [];
  let n = 0;
  let g = 0;
  let split = false;
  let from = 0;
  let i = 0;
  for (; i < text.length && n < MAX_CHARS && g < MAX_GROUPS; i++) {
    const c = text.charCodeAt(i);
    const visible = isSeparator(c, view);
    if (!visible && !isInvisible(c)) {
      if (split) g++;
      split = false;
      at[n] = i;
      group[n++] = g;
      continue;
    }
    if (visible) split = true;
    if (i > from) pieces.push(text.slice(from, i));
    from = i + 1;
  }
  pieces.push(text.slice(from, i));
  return { flat: pieces.join(""), at: at.subarray(0, n), group: group.subarray(0, n) };
}

/** Whether [start, end) overlaps a finding. */
function overlaps(findings: readonly Finding[], start: number, end: number): boolean {
  return findings.some((f) => start < f.end && end > f.start);
}

/**
 * Whether group lengths look like a key deliberately spaced out rather than
 * words: one group (only invisible characters removed); one or two
 * characters at a time; a prefix split off ("AKIA IOSFODNN7EXAMPLE"); or
 * groups of one length between the first and the last, which is no longer.
 */
export function looksDeliberate(lengths: readonly number[]): boolean {
  if (lengths.length === 1 || lengths.every((n) => n <= 2)) return true;
  if (lengths.length === 2) return lengths[0] <= 8;
  const middle = lengths.slice(1, -1);
  return middle[0] <= 8 && middle.every((n) => n === middle[0]) && lengths.at(-1)! <= middle[0];
}

/** The ends (in the flat text) of the groups from `p` on, within the reach of a key. */
function groupEnds(view: FlatView, p: number): number[] {
  const ends: number[] = [];
  let k = p;
  while (k < view.flat.length && ends.length < MAX_GROUPS && k - p < MAX_CHARS) {
    let j = k;
    while (j < view.flat.length && view.group[j] === view.group[k]) j++;
    ends.push(j);
    k = j;
  }
  return ends;
}

/** The lengths of the groups that [p, end) of the flat text covers (the last one perhaps in part). */
function coveredLengths(view: FlatView, p: number, end: number): number[] {
  const lengths: number[] = [];
  for (let k = p; k < end; k++) {
    if (k === p || view.group[k] !== view.group[k - 1]) lengths.push(0);
    lengths[lengths.length - 1]++;
  }
  return lengths;
}

/**
 * Joined-up words can look like an identifier ("a s k - m e …" gives
 * "ask-me…"), never like a key: every key format mixes digits or cases.
 */
function looksRandom(value: string, prefixLength: number): boolean {
  const rest = value.slice(prefixLength);
  return /\d/.test(rest) || (/[a-z]/.test(rest) && /[A-Z]/.test(rest));
}

/** Each rule's pattern, anchored (sticky), for matching at one place. */
const STICKY = new WeakMap<ScanRule, RegExp>();

function sticky(rule: ScanRule): RegExp {
  let re = STICKY.get(rule);
  if (!re) STICKY.set(rule, re = new RegExp(rule.pattern.source, rule.pattern.flags.replace("g", "") + "y"));
  return re;
}

/**
 * For each number of groups n, whether a key ending inside group n could be
 * spaced deliberately: `looksDeliberate` of the n - 1 whole groups before it
 * and one character of it, for all n in one pass (it runs at every prefix).
 */
function deliberateReach(lengths: readonly number[]): boolean[] {
  const reach: boolean[] = [];
  let small = true; // every whole group so far has one or two characters
  let even = true; // every whole group after the first is as long as the second, at most 8
  for (let n = 1; n <= lengths.length; n++) {
    if (n >= 2) small &&= lengths[n - 2] <= 2;
    if (n >= 3) even &&= lengths[1] <= 8 && lengths[n - 2] === lengths[1];
    reach.push(n === 1 || small || (n === 2 && lengths[0] <= 8) || (n >= 3 && even));
  }
  return reach;
}

/** A match of `rule` at the start of the flat text, with a deliberate spacing, up to a group's end, widest first. */
function spacedMatch(view: FlatView, rule: ScanRule, prefix: string): { end: number } | undefined {
  const pattern = sticky(rule);
  const ends = groupEnds(view, 0);
  const reach = deliberateReach(ends.map((end, k) => end - (k ? ends[k - 1] : 0)));
  for (let n = ends.length; n >= 1; n--) {
    // Only where the spacing so far is deliberate: in ordinary text that leaves a handful of tries, not one a word.
    if (!reach[n - 1]) continue;
    pattern.lastIndex = 0;
    const m = pattern.exec(view.flat.slice(0, ends[n - 1]));
    if (!m || (rule.valid && !rule.valid(m[0])) || !looksRandom(m[0], prefix.length)) continue;
    if (looksDeliberate(coveredLengths(view, 0, m[0].length))) return { end: m[0].length };
  }
  return undefined;
}

/**
 * The rules' literal prefixes with any separators between their characters,
 * at a word's start: where a spaced-out key may begin. Only there is a copy
 * without separators made, of the stretch a key can reach.
 */
function prefixPattern(rules: readonly ScanRule[]): RegExp {
  const separator = `[${SEPARATORS}${INVISIBLE}]*`;
  const escape = (c: string) => c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
  const prefixes = [...new Set(rules.flatMap((r) => r.spacedPrefixes ?? []))];
  const alternatives = prefixes.map((p) => Array.from(p, escape).join(separator));
  return new RegExp(`(?<![A-Za-z0-9_])(?:${alternatives.join("|")})`, "g");
}

const PREFIXES = new WeakMap<readonly ScanRule[], RegExp>();

/** The first rule whose spaced-out key starts at `q`, with the key's end in `text`. */
function spacedAt(text: string, q: number, rules: readonly ScanRule[]): { rule: ScanRule; end: number } | undefined {
  const stretch = text.slice(q, q + MAX_SPAN);
  for (const kind of VIEWS) {
    const view = flatten(stretch, kind);
    for (const rule of rules) {
      const prefix = rule.spacedPrefixes?.find((p) => view.flat.startsWith(p));
      const match = prefix ? spacedMatch(view, rule, prefix) : undefined;
      // Nothing removed in between: the key is plain, and the plain rule has it.
      if (match && view.at[match.end - 1] + 1 !== match.end) return { rule, end: q + view.at[match.end - 1] + 1 };
    }
  }
  return undefined;
}

/** Secrets spelled out with separators in `text`; `taken` spans are left alone. */
export function spacedFindings(text: string, rules: readonly ScanRule[], taken: readonly Finding[]): Finding[] {
  let prefixes = PREFIXES.get(rules);
  if (!prefixes) PREFIXES.set(rules, prefixes = prefixPattern(rules));
  const found: Finding[] = [];
  for (const m of text.matchAll(prefixes)) {
    const start = m.index!;
    // Inside a finding already (a plain key starts with the same prefix): nothing more to look for here.
    if (overlaps(taken, start, start + 1) || overlaps(found, start, start + 1)) continue;
    const hit = spacedAt(text, start, rules);
    if (!hit || overlaps(taken, start, hit.end)) continue;
    found.push({ rule: hit.rule, start, end: hit.end, value: text.slice(start, hit.end), encoding: "spaced" });
  }
  return found;
}

/**
 * What the scanners look for, in one table: secrets (provider keys, private
 * keys, tokens, passwords in URLs, high-entropy strings) and personal data
 * (e-mail, phone, card numbers with Luhn, IBANs with mod-97, national ids).
 * The high-precision key formats are also found in disguise: hex- or
 * base64-encoded, or spaced out (`disguised_secrets.ts`).
 * Each rule has true- and false-positive tests in `scan_rules_test.ts`.
 */
import { escapedViews } from "./json_escapes.ts";
import { encodedFindings, type Encoding, spacedFindings } from "./disguised_secrets.ts";
import type { FindingKind } from "./policy.ts";

/** One detector. */
export interface ScanRule {
  id: string;
  kind: FindingKind;
  /** Placeholder prefix when redacted: `[EMAIL_1]`. */
  placeholder: string;
  pattern: RegExp;
  /** A check that removes false positives (checksums, context). */
  valid?: (match: string) => boolean;
  /**
   * A high-precision rule is also run on hex- and base64-decoded text: in
   * decoded bytes nothing but a real key matches it.
   */
  decoded?: boolean;
  /** The pattern for decoded text, when it differs (there a private key's header line is enough). */
  decodedPattern?: RegExp;
  /** The literal prefixes from which a spaced-out key is looked for (`"s k - p r o j - …"`). */
  spacedPrefixes?: readonly string[];
}

/** Luhn checksum, for card numbers. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** ISO 13616 mod-97 check, for IBANs. */
export function ibanValid(text: string): boolean {
  const iban = text.replace(/\s/g, "");
  if (iban.length < 15 || iban.length > 34) return false;
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const c of moved) {
    const n = /\d/.test(c) ? c : String(c.charCodeAt(0) - 55);
    for (const d of n) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest === 1;
}

/** Shannon entropy in bits per character. */
export function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

export const SCAN_RULES: readonly ScanRule[] = [
  {
    id: "private_key",
    kind: "secret",
    placeholder: "PRIVATE_KEY",
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----/g,
    decoded: true,
    decodedPattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/g,
  },
  {
    id: "anthropic_key",
    kind: "secret",
    placeholder: "SECRET",
    pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/g,
    decoded: true,
    spacedPrefixes: ["sk-ant-"],
  },
  {
    id: "openai_key",
    kind: "secret",
    placeholder: "SECRET",
    pattern: /\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g,
    decoded: true,
    spacedPrefixes: ["sk-"],
  },
  {
    id: "aws_access_key",
    kind: "secret",
    placeholder: "SECRET",
    pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
    decoded: true,
    spacedPrefixes: ["AKIA", "ASIA"],
  },
  {
    id: "aws_secret_key",
    kind: "secret",
    placeholder: "SECRET",
    pattern: /\b(?:aws_secret_access_key|aws_secret|secret_access_key)["']?\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}\b/gi,
    decoded: true,
  },
  {
    id: "github_token",
    kind: "secret",
    placeholder: "SECRET",
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/g,
    decoded: true,
    spacedPrefixes: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
  },
  {
    id: "google_api_key",
    kind: "secret",
    placeholder: "SECRET",
    pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g,
    decoded: true,
    spacedPrefixes: ["AIza"],
  },
  {
    id: "slack_token",
    kind: "secret",
    placeholder: "SECRET",
    pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}|https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]+/g,
    decoded: true,
    spacedPrefixes: ["xox"],
  },
  {
    id: "stripe_key",
    kind: "secret",
    placeholder: "SECRET",
    pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g,
    decoded: true,
    spacedPrefixes: ["sk_live_", "sk_test_", "rk_live_", "rk_test_"],
  },
  {
    id: "jwt",
    kind: "secret",
    placeholder: "SECRET",
    pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
    decoded: true,
    spacedPrefixes: ["eyJ"],
  },
  {
    id: "password_in_url",
    kind: "secret",
    placeholder: "SECRET",
    pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/'"]+:[^\s@/'"]+@[^\s/'"]+/gi,
    // Base64 of a connection string is how Kubernetes secrets hold one.
    decoded: true,
  },
  {
    id: "password_assignment",
    kind: "secret",
    placeholder: "SECRET",
    // Also as a JSON or YAML key: `"password": "…"`.
    pattern: /\b(?:password|passwd|pwd|api[_-]?key|secret|token)["']?\s*[:=]\s*["']?[^\s"']{8,}/gi,
    valid: (m) => !/[:=]\s*["']?(?:\$\{|<|\[|process\.env|Deno\.env|os\.environ)/i.test(m),
  },
  {
    id: "high_entropy",
    kind: "secret",
    placeholder: "SECRET",
    pattern: /\b[A-Za-z0-9+/_-]{32,}={0,2}/g,
    // Random-looking, with mixed case and digits; hex digests (hashes, commit ids) are not secrets.
    valid: (m) => !/^[0-9a-f]+$/i.test(m) && /[a-z]/.test(m) && /[A-Z]/.test(m) && /\d/.test(m) && entropy(m) >= 4.3,
  },
  {
    id: "email",
    kind: "personal",
    placeholder: "EMAIL",
    pattern: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g,
  },
  {
    id: "card_number",
    kind: "personal",
    placeholder: "CARD",
    pattern: /\b\d(?:[ -]?\d){12,18}\b/g,
    valid: (m) => luhnValid(m.replace(/\D/g, "")) && !/^(\d)\1+$/.test(m.replace(/\D/g, "")),
  },
  {
    id: "iban",
    kind: "personal",
    placeholder: "IBAN",
    pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g,
    valid: ibanValid,
  },
  {
    id: "us_ssn",
    kind: "personal",
    placeholder: "ID",
    pattern: /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b/g,
  },
  {
    id: "uk_nino",
    kind: "personal",
    placeholder: "ID",
    pattern: /\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g,
  },
  {
    id: "phone",
    kind: "personal",
    placeholder: "PHONE",
    pattern: /(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]\d{2,4}){1,4}(?![\w-])/g,
    // Enough digits for a phone number, and not a date, a time or a version.
    valid: (m) => {
      const digits = m.replace(/\D/g, "");
      return digits.length >= 9 && digits.length <= 15 && !/^\d{4}-\d{2}-\d{2}/.test(m) && !/^\d+\.\d+\.\d+$/.test(m);
    },
  },
];

/** One thing found: where, which rule, and the text (kept in memory only, never printed or logged). */
export interface Finding {
  rule: ScanRule;
  start: number;
  end: number;
  value: string;
  /** Set when the value was disguised: then `value` is the whole encoded or spaced text. */
  encoding?: Encoding;
}

/** The high-precision rules (the key formats), which are also looked for in disguise. */
const PRECISE_RULES = SCAN_RULES.filter((r) => r.decoded);
const OTHER_RULES = SCAN_RULES.filter((r) => !r.decoded);

function addMatches(text: string, rule: ScanRule, found: Finding[]): void {
  for (const m of text.matchAll(rule.pattern)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (rule.valid && !rule.valid(m[0])) continue;
    if (found.some((f) => start < f.end && end > f.start)) continue;
    found.push({ rule, start, end, value: m[0] });
  }
}

/**
 * Every finding in `text`, in order, never overlapping. Precedence: the key
 * formats as written, then the key formats in disguise (so that a base64 key
 * is named for what it is, not as a high-entropy string), then the rest in
 * the table's order.
 */
export function scanText(text: string): Finding[] {
  const found = scanView(text);
  // JSON-escaped text (tool results, recorded payloads) is read as it decodes too; a finding there covers the
  // escaped text it came from, so that what is sent or kept is redacted whole.
  for (const view of escapedViews(text)) {
    for (const f of scanView(view.text)) {
      const start = view.toOriginal(f.start);
      const end = view.toOriginal(f.end);
      if (found.some((g) => start < g.end && end > g.start)) continue;
      found.push({ ...f, start, end, value: text.slice(start, end) });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

function scanView(text: string): Finding[] {
  const found: Finding[] = [];
  for (const rule of PRECISE_RULES) addMatches(text, rule, found);
  found.push(...encodedFindings(text, PRECISE_RULES, found));
  found.push(...spacedFindings(text, PRECISE_RULES, found));
  for (const rule of OTHER_RULES) addMatches(text, rule, found);
  return found;
}

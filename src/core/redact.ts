/**
 * Removes credentials from text before PAI prints or stores it. Three nets:
 * the keys PAI was configured with (any length), the exact values of
 * credential-like environment variables (whatever they look like), and the
 * shapes of common API keys (for keys PAI was never told about, such as one
 * echoed back inside a provider's error message).
 */

/** Variable names whose values are treated as secrets. */
const SECRET_NAME = /(_API_KEY|_TOKEN|_SECRET|_PASSWORD|_ACCESS_KEY|_KEY)$/i;

const KEY_SHAPES: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{16,}/g, // OpenAI and Anthropic (sk-ant-…)
  /\bBearer\s+[A-Za-z0-9._~+/-]{16,}=*/g,
];

export const REDACTED = "[REDACTED]";

/** The credentials PAI was configured with in this process (see {@linkcode registerSecret}). */
const CONFIGURED = new Set<string>();

/**
 * Marks a value as a credential PAI uses (the API key it read for a provider): from now on it is redacted from
 * every text, whatever its length and whatever its variable is called. The length floor below is for guessing
 * which values are secrets; a key PAI was given is known to be one, and a server echoes it back in a 401.
 */
export function registerSecret(value: string | undefined): void {
  if (value) CONFIGURED.add(value);
}

/** Returns `text` with every secret variable's value and key-shaped token replaced. */
export function redactSecrets(
  text: string,
  env: Record<string, string> = Deno.env.toObject(),
): string {
  let out = text;
  // Longest first, so that a key that contains another is removed whole.
  for (const value of [...CONFIGURED].sort((a, b) => b.length - a.length)) out = out.split(value).join(REDACTED);
  for (const [name, value] of Object.entries(env)) {
    // Very short values would redact ordinary words; real keys are long.
    if (SECRET_NAME.test(name) && value.length >= 8) out = out.split(value).join(REDACTED);
  }
  for (const shape of KEY_SHAPES) out = out.replace(shape, REDACTED);
  return out;
}

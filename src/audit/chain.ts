/**
 * The hash chain of the audit log: what a row's hash covers and how it is computed. Shared by the appends
 * (`log.ts`, through WebCrypto) and the walk that checks them (`verify.ts`, through a synchronous SHA-256), so
 * both hash the same text.
 *
 * @example
 * ```ts
 * const hash = await sha256(chainedText(row)); // what `row.hash` must be
 * ```
 */

/** The hash that the first row chains to. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * The columns a row's hash covers, in a fixed order (the payload through its hash). A typed row's `detail`
 * follows them (see {@linkcode chainedText}). The id is not covered: the order is (each row names the hash of
 * the one before), so a moved row breaks the chain as an edited one does.
 */
export const CHAINED_COLUMNS = [
  "ts",
  "os_user",
  "session_id",
  "mode",
  "provider",
  "model",
  "kind",
  "input_tokens",
  "output_tokens",
  "payload_hash",
  "prev_hash",
] as const;

/** The values of a row that its hash covers. */
export type ChainedFields = Record<typeof CHAINED_COLUMNS[number], string | number | null> & { detail: string | null };

/**
 * The text a row's hash is the SHA-256 of. A row written before events were typed has no `detail` (NULL) and is
 * hashed exactly as it was then, so every old row still verifies; a typed row's hash covers its `detail` as one
 * more value. Setting a typed row's detail to NULL, or giving an old row one, changes what is hashed, so either
 * breaks the chain.
 */
export function chainedText(row: ChainedFields): string {
  return chainedValuesText(CHAINED_COLUMNS.map((c) => row[c]), row.detail);
}

/**
 * {@linkcode chainedText} from the values of {@linkcode CHAINED_COLUMNS}, in order, as SQLite returns them, and the
 * row's detail: for a walk that reads rows as arrays. Any detail but NULL is hashed as text.
 */
export function chainedValuesText(values: readonly unknown[], detail: unknown): string {
  return JSON.stringify(detail === null || detail === undefined ? values : [...values, String(detail)]);
}

/** The chained fields of a row as SQLite returns it: any detail but NULL is hashed as text. */
export function chainedFieldsOf(row: Record<string, unknown>): ChainedFields {
  const fields: Record<string, unknown> = {};
  for (const c of CHAINED_COLUMNS) fields[c] = row[c] ?? null;
  // An old row given a detail, whatever its type, no longer verifies.
  fields.detail = row.detail === null || row.detail === undefined ? null : String(row.detail);
  return fields as ChainedFields;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Bytes in lower-case hex. */
export function hex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += HEX[b];
  return out;
}

/** SHA-256 of the UTF-8 of `text`, in hex, through WebCrypto (`node:crypto` costs ~14 ms of start-up to import). */
export async function sha256(text: string): Promise<string> {
  return hex(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))));
}

/**
 * The key a row's `detail` carries when its content was withheld (`audit.content: "hash"`): its payload is NULL
 * and only `payload_hash` is kept. The detail is hashed, so a payload cleared later (without it) is an edit.
 */
export const WITHHELD_KEY = "withheld";
/** What {@linkcode WITHHELD_KEY} says: the content is kept as its SHA-256 only. */
export const WITHHELD_VALUE = "sha256";

/** Whether a row's detail says its content was withheld. */
export function isWithheld(detail: unknown): boolean {
  if (typeof detail !== "string" || !detail.includes(WITHHELD_KEY)) return false;
  try {
    const parsed = JSON.parse(detail);
    return typeof parsed === "object" && parsed !== null && parsed[WITHHELD_KEY] === WITHHELD_VALUE;
  } catch {
    return false;
  }
}

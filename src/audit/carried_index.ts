/**
 * The index of what each request carried (`audit_carried`): one entry per piece and source, so that `pai audit
 * where` finds the requests that carried a file, a resource or a recorded text without reading every row. It is
 * derived from the request rows' `detail`, which the hash chain covers; `pai audit verify` rebuilds it from them
 * and reports an entry that was removed or added (the index itself is not chained).
 */
import type { Database } from "../store/db.ts";
import type { CarriedPiece } from "./events.ts";

/** One entry of the index: a piece's hash and one of its sources (either may be absent, not both). */
export interface CarriedEntry {
  piece: number;
  hash: string | null;
  source: string | null;
}

/** The entries a request's pieces make, in order. */
export function carriedEntries(pieces: readonly CarriedPiece[]): CarriedEntry[] {
  return pieces.flatMap((p, piece): CarriedEntry[] => {
    const hash = p.hash ?? null;
    if (p.sources?.length) return p.sources.map((source) => ({ piece, hash, source }));
    return hash ? [{ piece, hash, source: null }] : [];
  });
}

/** Indexes the pieces of request row `auditId` (inside the append's transaction). */
export function indexCarried(db: Database, auditId: number, pieces: readonly CarriedPiece[]): void {
  const insert = db.prepare("INSERT INTO audit_carried (audit_id, piece, hash, source) VALUES (?, ?, ?, ?)");
  for (const e of carriedEntries(pieces)) insert.run(auditId, e.piece, e.hash, e.source);
}

/** Removes the entries of the rows a prune removed (`id <= throughId`). */
export function deleteCarried(db: Database, throughId: number): void {
  db.prepare("DELETE FROM audit_carried WHERE audit_id <= ?").run(throughId);
}

/**
 * The first request row whose index entries are not the ones its detail makes, or a count of entries that no
 * request row made; `undefined` when the index is the rows'. Read a page of rows at a time.
 */
export function carriedIndexProblem(db: Database): { id: number | null; message: string } | undefined {
  const rows = db.prepare(
    "SELECT id, detail FROM audit_log WHERE kind = 'request' AND id > ? ORDER BY id LIMIT 1000",
  );
  const entries = db.prepare(
    "SELECT audit_id, piece, hash, source FROM audit_carried WHERE audit_id > ? AND audit_id <= ? " +
      "ORDER BY audit_id, rowid",
  );
  let expected = 0;
  for (let after = 0;;) {
    const page = rows.all(after) as { id: number; detail: string | null }[];
    if (!page.length) break;
    const last = page.at(-1)!.id;
    const found = new Map<number, string[]>();
    for (const e of entries.all(after, last) as { audit_id: number; piece: number; hash: string; source: string }[]) {
      found.set(e.audit_id, [...found.get(e.audit_id) ?? [], entryKey(e)]);
    }
    for (const row of page) {
      const made = carriedEntries(piecesOf(row.detail)).map(entryKey);
      expected += made.length;
      if (made.join("\n") !== (found.get(row.id) ?? []).join("\n")) {
        return {
          id: row.id,
          message: `the index of what request row ${row.id} carried is not the row's (entries were removed, added ` +
            `or changed): "pai audit where" would not show what it sent`,
        };
      }
    }
    after = last;
  }
  const total = Number(db.prepare("SELECT count(*) AS n FROM audit_carried").get()?.n ?? 0);
  if (total === expected) return undefined;
  return {
    id: null,
    message: `the index of where data went has ${total - expected} entries that no request row made`,
  };
}

function entryKey(e: Pick<CarriedEntry, "piece" | "hash" | "source">): string {
  return JSON.stringify([e.piece, e.hash, e.source]);
}

/** A request row's pieces, from its detail (none when it does not parse: the chain walk judges the detail). */
function piecesOf(detail: string | null): CarriedPiece[] {
  try {
    const carried = (JSON.parse(detail ?? "{}") as { carried?: unknown }).carried;
    return Array.isArray(carried) ? carried as CarriedPiece[] : [];
  } catch {
    return [];
  }
}

/**
 * `pai audit prune`: the one deliberate way to drop audit rows. It removes the oldest rows, from the first one up
 * to the first row written at or after a date, and records a `prune` row at the end of the chain that re-anchors
 * it: the first row kept still names the hash of the last row removed, and the prune row names both (the first
 * kept id and that hash). `verify` accepts a log that starts there only because the newest prune row says so; a
 * row deleted any other way is still missing.
 *
 * Rows are removed as a prefix by id, not by their time: appends from several processes are timed before they
 * queue for the write lock, so times need not rise with ids, and removing by time could cut rows out of the
 * middle.
 *
 * @example
 * ```ts
 * const plan = prunePlan(db, "2026-01-01T00:00:00.000Z");
 * if (plan) await auditSink(db).prune(plan);
 * ```
 */
import type { Database } from "../store/db.ts";
import type { PruneEvent } from "./events.ts";

/** What a prune removes and how it re-anchors the chain, read from the log as it is now. */
export interface PrunePlan {
  /** Rows written before this time (ISO, UTC) are removed. */
  before: string;
  firstRemovedId: number;
  lastRemovedId: number;
  rowsRemoved: number;
  /** The hash of the last row removed: the first row kept names it as its previous hash. */
  lastRemovedHash: string;
  /** The first row kept; the prune row's own id when every row is removed. */
  firstKeptId: number;
  /** The hash of the log's last row, which the prune row chains to (it may be among the rows removed). */
  prevHash: string;
  /** The id the prune row gets: the one after the last row. */
  pruneId: number;
}

/**
 * What pruning the rows before `before` would do, or `undefined` when no row is that old. `throughId` caps the
 * rows removed (those the user agreed to when asked, whatever was appended since).
 */
export function prunePlan(db: Database, before: string, throughId?: number): PrunePlan | undefined {
  const span = db.prepare("SELECT min(id) AS first, max(id) AS last FROM audit_log").get();
  if (span?.first === null || span?.first === undefined) return undefined;
  const first = Number(span.first);
  const last = Number(span.last);
  const newer = db.prepare("SELECT min(id) AS id FROM audit_log WHERE ts >= ?").get(before)?.id;
  let cut = newer === null || newer === undefined ? last + 1 : Number(newer);
  if (throughId !== undefined) cut = Math.min(cut, throughId + 1);
  if (cut <= first) return undefined;
  const removed = db.prepare("SELECT max(id) AS last, count(*) AS n FROM audit_log WHERE id < ?").get(cut)!;
  const lastRemovedId = Number(removed.last);
  const hashOf = (id: number) => String(db.prepare("SELECT hash FROM audit_log WHERE id = ?").get(id)?.hash);
  const kept = db.prepare("SELECT min(id) AS id FROM audit_log WHERE id >= ?").get(cut)?.id;
  return {
    before,
    firstRemovedId: first,
    lastRemovedId,
    rowsRemoved: Number(removed.n),
    lastRemovedHash: hashOf(lastRemovedId),
    firstKeptId: kept === null || kept === undefined ? last + 1 : Number(kept),
    prevHash: hashOf(last),
    pruneId: last + 1,
  };
}

/** Whether two plans remove the same rows and anchor the same way (checked again under the write lock). */
export function samePlan(a: PrunePlan | undefined, b: PrunePlan): boolean {
  return a !== undefined && (Object.keys(b) as (keyof PrunePlan)[]).every((k) => a[k] === b[k]);
}

/** The row that records a prune. */
export function pruneEvent(plan: PrunePlan): PruneEvent {
  return {
    kind: "prune",
    before: plan.before,
    rowsRemoved: plan.rowsRemoved,
    firstRemovedId: plan.firstRemovedId,
    lastRemovedId: plan.lastRemovedId,
    firstKeptId: plan.firstKeptId,
    lastRemovedHash: plan.lastRemovedHash,
  };
}

/** What a prune left, as `pai audit prune` reports it. */
export interface PruneOutcome extends PrunePlan {
  /** The prune row's hash (the head file names it). */
  hash: string;
}

/** The anchor the newest prune row sets, as `verify` reads it: where the chain may start, and from what. */
export interface PruneAnchor {
  /** The prune row. */
  pruneId: number;
  before: string;
  firstKeptId: number;
  lastRemovedHash: string;
}

/**
 * The newest prune row's anchor, or `undefined` when the log was never pruned (or that row's detail is not a
 * prune's: the walk reports the row itself). Only the newest counts: each prune starts the chain again.
 */
export function newestPruneAnchor(db: Database): PruneAnchor | undefined {
  const row = db.prepare("SELECT id, detail FROM audit_log WHERE kind = 'prune' ORDER BY id DESC LIMIT 1").get();
  if (!row || typeof row.detail !== "string") return undefined;
  try {
    const detail = JSON.parse(row.detail);
    if (typeof detail.firstKeptId !== "number" || typeof detail.lastRemovedHash !== "string") return undefined;
    return {
      pruneId: Number(row.id),
      before: String(detail.before),
      firstKeptId: detail.firstKeptId,
      lastRemovedHash: detail.lastRemovedHash,
    };
  } catch {
    return undefined;
  }
}

/**
 * The instant `--before DATE` names: a day (`2026-01-31`, from midnight in local time, as the user reads their
 * calendar) or a time with its offset (`2026-01-31T12:00:00Z`); `undefined` for anything else.
 */
export function parseBefore(text: string): Date | undefined {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (day) {
    const [y, m, d] = day.slice(1).map(Number);
    const date = new Date(y, m - 1, d);
    return date.getFullYear() === y && date.getMonth() === m - 1 && date.getDate() === d ? date : undefined;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * `pai audit verify`: walks the audit log in id order, a page of rows at a time (a log of millions of rows is
 * never read at once), and names the first row that is not intact and why:
 *
 * - `edited`: a row's content or fields are not the ones it was hashed with;
 * - `missing`: ids are missing (rows deleted from the middle or the start, not by `pai audit prune`);
 * - `reordered`: a row names as its previous hash another row's than the one before it;
 * - `cut tail`: the head file names a later row than the log's last one (its last rows deleted);
 * - `head mismatch`: the row the head file names has another hash (the database was replaced, or rewritten), or
 *   the log has rows and no head file (it was deleted; appends never make a new one: `--new-head` does, recorded);
 * - `index mismatch`: an index `pai audit where` and `search` read is not the rows': the index of what each
 *   request carried (`carried_index.ts`), or the full-text index of what the rows hold (FTS5's own check, against
 *   the rows): entries were removed, added or changed, or a trigger that keeps it was dropped, so a flow could hide;
 * - `history mismatch`: a message of the history no longer names the row that recorded it, or names other sources
 *   than that row did (`history_check.ts`): the requests that send it again would not say where its data came from.
 *
 * A log may start at a prune's anchor instead of the genesis hash: its first row must be the one the newest
 * `prune` row names, with the hash of the last row removed. The walk checks that prune row like any other.
 *
 * Hashes are checked with `node:crypto`'s synchronous SHA-256, imported only here: it hashes ~9–14 times the
 * rows per second of awaiting WebCrypto for each hash (`bench/audit.ts`; appends keep WebCrypto, which costs PAI's
 * start-up nothing), and the walk then needs no await while it holds its read snapshot. Both hash the same UTF-8
 * bytes (`verify_test.ts`).
 *
 * @example
 * ```ts
 * const report = await verifyAuditLog(db, { updateHead: true });
 * if (!report.ok) console.log(report.break); // { reason: "edited", id: 7, message: "…" }
 * ```
 */
import { lazyImport } from "../core/lazy_import.ts";
import type { Database } from "../store/db.ts";
import { CHAINED_COLUMNS, chainedValuesText, GENESIS_HASH, isWithheld } from "./chain.ts";
import { advanceAuditHead, type AuditHead, auditHeadPath, hashOfRow, readAuditHead } from "./head.ts";
import { newestPruneAnchor } from "./prune.ts";
import { carriedIndexProblem } from "./carried_index.ts";
import { historyProblem } from "./history_check.ts";

/** Why the chain is broken. */
export type BreakReason =
  | "edited"
  | "missing"
  | "reordered"
  | "cut tail"
  | "head mismatch"
  | "index mismatch"
  | "history mismatch";

/** The first place where the log is not what was written. */
export interface ChainBreak {
  reason: BreakReason;
  /**
   * The first bad row: the one changed or moved, the first one missing, or the one the head file names; `null`
   * when the head file cannot be read.
   */
  id: number | null;
  /** The ids known to be missing, for a gap or a cut tail. */
  missing?: { from: number; to: number };
  /** What is wrong, in words (after the reason). */
  message: string;
}

/** What the head file said, once the walk was done. */
export type HeadState =
  /** It names the last row, with its hash. */
  | "matches"
  /** It names an earlier row, with its hash: the later rows were committed by a process that stopped before it wrote the file. */
  | "behind"
  /** There is none: a first run, an install from before head files, or it was deleted or not copied with pai.db. */
  | "absent"
  /** Not checked (the chain only). */
  | "unchecked"
  /** The break says what is wrong with it. */
  | "broken";

/** Where the chain starts. */
export type ChainStart =
  | { from: "genesis" }
  /** At the anchor the newest prune row sets. */
  | { from: "prune"; pruneId: number; before: string; firstKeptId: number };

/** What `verify` found. */
export interface VerifyReport {
  ok: boolean;
  /** Rows checked and found intact. */
  rows: number;
  firstId: number | null;
  lastId: number | null;
  /** `null` for an empty log, or when the first row is the break. */
  start: ChainStart | null;
  head: {
    path: string | null;
    state: HeadState;
    /** The row the file named when the walk began (`null`: none, or unreadable). */
    id: number | null;
    /** Whether verify wrote the file: created it, or moved it on to the last row. */
    updated: boolean;
  };
  break: ChainBreak | null;
  seconds: number;
}

/** Options for {@linkcode verifyAuditLog}. */
export interface VerifyOptions {
  /** The head file to hold the log to; by default the one beside the database; `null` checks the chain only. */
  headPath?: string | null;
  /**
   * When the whole log verified: move a head file that is behind on to the last row (`pai audit verify` does;
   * default false). Never when anything is broken: the file is then evidence. A missing one is never created here:
   * that is `startNewHead`.
   */
  updateHead?: boolean;
}

/** A synchronous SHA-256 in hex. */
type Hasher = (text: string) => string;

/** What the walk found. */
interface Walk {
  rows: number;
  first?: { id: number; hash: string };
  last?: { id: number; hash: string };
  start: ChainStart | null;
  /** Whether the row the head names was met, with the head's hash. */
  headSeen: boolean;
  break?: ChainBreak;
}

/** Walks the log and holds it to its head file; see the module's documentation. */
export async function verifyAuditLog(db: Database, options: VerifyOptions = {}): Promise<VerifyReport> {
  const started = performance.now();
  const { createHash } = await lazyImport<typeof import("node:crypto")>("node:crypto");
  const hash: Hasher = (text) => createHash("sha256").update(text, "utf8").digest("hex");
  const headPath = options.headPath === undefined ? auditHeadPath(db) ?? null : options.headPath;
  // Read before the walk's snapshot begins: every row the file names was committed before the file was written,
  // so the snapshot holds it even while other processes append.
  const file = headPath ? readAuditHead(headPath) : undefined;
  const head = file?.kind === "present" ? file.head : undefined;
  // The index is checked in the same snapshot, and reported only when the chain and the head are intact: rows
  // deleted from the end leave entries behind, and the cut tail is what happened.
  const { walk, index, history } = inSnapshot(db, () => {
    const walk = walkChain(db, hash, head);
    if (walk.break) return { walk };
    const history = historyProblem(db, hash);
    const index = carriedIndexProblem(db) ?? searchIndexProblem(db) ??
      (history ? { id: null, message: history.message } : undefined);
    return { walk, index, history: history !== undefined };
  });
  const report: VerifyReport = {
    ok: false,
    rows: walk.rows,
    firstId: walk.first?.id ?? null,
    lastId: walk.last?.id ?? null,
    start: walk.start,
    head: { path: headPath, state: "unchecked", id: head?.id ?? null, updated: false },
    break: walk.break ?? null,
    seconds: 0,
  };
  if (!report.break && headPath && file) {
    const judged = judgeHead(file.kind === "unreadable" ? file.reason : head, walk, headPath);
    if ("reason" in judged) report.break = judged;
    else report.head.state = judged.state;
  }
  if (!report.break && index) report.break = { reason: history ? "history mismatch" : "index mismatch", ...index };
  if (report.break) report.head.state = headPath ? "broken" : "unchecked";
  report.ok = report.break === null;
  const { state } = report.head;
  if (report.ok && headPath && options.updateHead && walk.last && state === "behind") {
    const outcome = advanceAuditHead(headPath, walk.last, { current: (h) => hashOfRow(db, h.id) === h.hash });
    report.head.updated = outcome === "written";
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

/** One read snapshot for the whole walk (WAL: writers go on meanwhile), unless the caller is in a transaction. */
function inSnapshot<T>(db: Database, work: () => T): T {
  if (db.isTransaction) return work();
  db.exec("BEGIN");
  try {
    return work();
  } finally {
    db.exec("COMMIT");
  }
}

/** The columns the walk reads, in this order (`Row` names them). */
const COLUMNS = ["id", ...CHAINED_COLUMNS, "payload", "detail", "hash"].join(", ");
const CHAINED = { from: 1, to: 1 + CHAINED_COLUMNS.length };
const AT = {
  payloadHash: 1 + CHAINED_COLUMNS.indexOf("payload_hash"),
  prevHash: 1 + CHAINED_COLUMNS.indexOf("prev_hash"),
  payload: CHAINED.to,
  detail: CHAINED.to + 1,
  hash: CHAINED.to + 2,
};

/**
 * Rows per read. Pages of arrays, each page one call into SQLite, read ~3 times faster than stepping through
 * row objects one by one, and memory stays bounded by the page.
 */
const PAGE = 1000;

/** One row as the walk reads it. */
interface Row {
  id: number;
  payload: unknown;
  payloadHash: unknown;
  prevHash: unknown;
  detail: unknown;
  hash: string;
  /** The values of {@linkcode CHAINED_COLUMNS}, in order. */
  chained: unknown[];
}

function rowOf(values: unknown[]): Row {
  return {
    id: Number(values[0]),
    payload: values[AT.payload],
    payloadHash: values[AT.payloadHash],
    prevHash: values[AT.prevHash],
    detail: values[AT.detail],
    hash: String(values[AT.hash]),
    chained: values.slice(CHAINED.from, CHAINED.to),
  };
}

function walkChain(db: Database, hash: Hasher, head: AuditHead | undefined): Walk {
  const walk: Walk = { rows: 0, start: null, headSeen: false };
  const page = db.prepare(`SELECT ${COLUMNS} FROM audit_log WHERE id > ? ORDER BY id LIMIT ${PAGE}`) as
    & ReturnType<Database["prepare"]>
    & { setReturnArrays?: (enabled: boolean) => void };
  // node:sqlite has it (Node 24's API), Deno's bundled types do not yet; without it a row's values come in order.
  page.setReturnArrays?.(true);
  let prev: { id: number; hash: string } | undefined;
  for (let after = Number.MIN_SAFE_INTEGER;;) {
    const values = page.all(after) as unknown[];
    for (const row of values.map((v) => rowOf(Array.isArray(v) ? v : Object.values(v as object)))) {
      const problem = (prev && gapAfter(prev.id, row.id)) ?? editOf(row, hash) ??
        (prev ? linkProblem(db, row, prev) : startProblem(db, row, walk));
      if (problem) return { ...walk, break: problem };
      if (head?.id === row.id) {
        if (head.hash !== row.hash) return { ...walk, break: headMismatch(head) };
        walk.headSeen = true;
      }
      prev = { id: row.id, hash: row.hash };
      walk.first ??= prev;
      walk.last = prev;
      walk.rows++;
    }
    if (values.length < PAGE || !prev) return walk;
    after = prev.id;
  }
}

/** Ids run on by one: AUTOINCREMENT never reuses or skips one, so a gap is rows deleted. */
function gapAfter(prevId: number, id: number): ChainBreak | undefined {
  if (id === prevId + 1) return undefined;
  const missing = { from: prevId + 1, to: id - 1 };
  return {
    reason: "missing",
    id: missing.from,
    missing,
    message: `${span(missing)} deleted: row ${prevId} is followed by row ${id}`,
  };
}

/** The row's own content and fields against its hashes. */
function editOf(row: Row, hash: Hasher): ChainBreak | undefined {
  const { id } = row;
  if (row.payload === null) {
    // Only a row written with its content withheld (its hashed detail says so) may have none.
    if (!isWithheld(row.detail)) return { reason: "edited", id, message: `row ${id}'s content was removed` };
  } else if (hash(String(row.payload)) !== row.payloadHash) {
    return { reason: "edited", id, message: `row ${id}'s content is not the one it was written with` };
  }
  if (hash(chainedValuesText(row.chained, row.detail)) !== row.hash) {
    return { reason: "edited", id, message: `row ${id}'s fields are not the ones it was written with` };
  }
  return undefined;
}

/** A row that does not chain to the one before it. */
function linkProblem(db: Database, row: Row, prev: { id: number; hash: string }): ChainBreak | undefined {
  const { id } = row;
  if (row.prevHash === prev.hash) return undefined;
  const named = db.prepare("SELECT id FROM audit_log WHERE hash = ? LIMIT 1").get(String(row.prevHash));
  if (named) {
    return {
      reason: "reordered",
      id,
      message: `row ${id} follows row ${named.id}, not row ${prev.id}: rows were moved`,
    };
  }
  return {
    reason: "edited",
    id: prev.id,
    message: `row ${id} follows a row that is not in the log: row ${prev.id} was rewritten with a new hash ` +
      `(or rows were deleted and the ids renumbered)`,
  };
}

/**
 * The full-text index against the rows it indexes (FTS5's `integrity-check`, comparing with the content table): an
 * entry deleted from the index hides a row from `search` and `where TEXT`, a trigger dropped or emptied leaves the
 * rows written since unindexed. Neither is chained; both show here.
 */
function searchIndexProblem(db: Database): { id: null; message: string } | undefined {
  try {
    db.exec("INSERT INTO audit_fts(audit_fts, rank) VALUES ('integrity-check', 1)");
    return undefined;
  } catch {
    return {
      id: null,
      message: "the full-text index (audit_fts) is not the rows': entries were removed, added or changed, or its " +
        'triggers were, so "pai audit search" and "pai audit where" would not find what rows hold',
    };
  }
}

/** The first row: it chains to the genesis hash, or starts where the newest prune left the log. */
function startProblem(db: Database, row: Row, walk: Walk): ChainBreak | undefined {
  const { id } = row;
  if (row.prevHash === GENESIS_HASH) {
    walk.start = { from: "genesis" };
    return undefined;
  }
  const anchor = newestPruneAnchor(db);
  if (anchor && anchor.firstKeptId === id && anchor.lastRemovedHash === row.prevHash) {
    walk.start = { from: "prune", pruneId: anchor.pruneId, before: anchor.before, firstKeptId: id };
    return undefined;
  }
  const from = anchor?.firstKeptId ?? 1;
  if (id > from) {
    const missing = { from, to: id - 1 };
    const why = anchor
      ? `the prune in row ${anchor.pruneId} kept the log from row ${from}, and the rows after it were deleted since`
      : "the log starts there with a row that follows another, and no prune removed them";
    return { reason: "missing", id: from, missing, message: `${span(missing)} deleted: ${why}` };
  }
  return {
    reason: "missing",
    id,
    message: `row ${id}, the first, follows a row that is not in the log, and no prune accounts for it: ` +
      "rows before it were deleted (and the ids renumbered)",
  };
}

function headMismatch(head: AuditHead): ChainBreak {
  return {
    reason: "head mismatch",
    id: head.id,
    message: `row ${head.id} is not the row the head file names (its hash differs): the database was replaced, ` +
      `or rewritten from row ${head.id} on`,
  };
}

/** The head file against the walk: a break, or how it stands. */
function judgeHead(
  head: AuditHead | string | undefined,
  walk: Walk,
  path: string,
): ChainBreak | { state: HeadState } {
  if (typeof head === "string") {
    return { reason: "head mismatch", id: null, message: `the head file "${path}" cannot be read: ${head}` };
  }
  if (!head && walk.rows) {
    return {
      reason: "head mismatch",
      id: null,
      message: `there is no head file ("${path}") though the log has ${walk.rows} rows: it was deleted (which ` +
        "would hide rows cut from the end of the log), or pai.db was copied or restored without it",
    };
  }
  if (!head) return { state: "absent" };
  const lastId = walk.last?.id ?? 0;
  if (head.id > lastId) {
    const missing = { from: lastId + 1, to: head.id };
    const ends = walk.last ? `the log ends at row ${lastId}` : "the log is empty";
    return {
      reason: "cut tail",
      id: missing.from,
      missing,
      message: `the head file names row ${head.id}, but ${ends}: ${span(missing)} deleted ` +
        "(or pai.db was replaced by a shorter log)",
    };
  }
  if (!walk.headSeen) {
    return {
      reason: "head mismatch",
      id: head.id,
      message: `the head file names row ${head.id}, which is not in the log (it starts at row ${walk.first?.id})`,
    };
  }
  return { state: head.id === lastId ? "matches" : "behind" };
}

function span(range: { from: number; to: number }): string {
  return range.from === range.to ? `row ${range.from} was` : `rows ${range.from}–${range.to} were`;
}

/** What `startNewHead` did. */
export type NewHead = { started: true; rowId: number } | { started: false; why: string };

/**
 * `pai audit verify --new-head`: when the chain itself is intact and the head file is missing or cannot be read,
 * records the user's decision (a `head_started` row) and starts a new head file naming it. Rows cut from the end
 * before then cannot be told any more; the row says since when.
 */
export async function startNewHead(db: Database): Promise<NewHead> {
  const path = auditHeadPath(db);
  if (!path) return { started: false, why: "the database has no file beside which to keep one" };
  const file = readAuditHead(path);
  if (file.kind === "present") return { started: false, why: `the head file "${path}" is there: nothing to start` };
  const chain = await verifyAuditLog(db, { headPath: null });
  if (!chain.ok) return { started: false, why: `the log is not intact, head file aside: ${chain.break!.message}` };
  const { auditSink } = await lazyImport<typeof import("./log.ts")>("./log.ts", import.meta.url);
  const row = await auditSink(db).startHead({
    kind: "user_change",
    change: "head_started",
    previous: file.kind,
    path,
    actor: "user",
  });
  return { started: true, rowId: row.id };
}

/** `pai audit verify`: is the audit log still what PAI wrote? */
import type { CommandContext } from "@stricli/core";
import { type ChainBreak, startNewHead, verifyAuditLog, type VerifyReport } from "../audit/verify.ts";
import { EXIT, PaiError } from "../core/errors.ts";
import { openState } from "../modes/session_setup.ts";
import { stdout } from "../ui/output.ts";

/** Flags of `pai audit verify`. */
export interface VerifyFlags {
  json: boolean;
  /** Start a new head file where there is none (recorded in the log). */
  newHead: boolean;
}

/**
 * Walks the chain and holds it to the head file. Intact: what was checked, on stdout, exit 0 (a head file left
 * behind by a killed process is moved on, and said). A missing head file is a break, until `--new-head`. Broken: the first bad row and
 * why, and what to do, exit 1 (`EXIT.FAILURE`, as `sha256sum -c` fails; scripts read `break.reason` of `--json`).
 */
export async function verify(this: CommandContext, flags: VerifyFlags): Promise<void> {
  const { db } = await openState();
  let report: VerifyReport;
  try {
    if (flags.newHead) {
      const started = await startNewHead(db);
      if (!started.started) {
        throw new PaiError(`No new head file: ${started.why}`, { exitCode: EXIT.USAGE });
      }
      if (!flags.json) {
        stdout.write(
          `Started a new head file, recorded in row ${started.rowId}: from now on it names the log's last row.\n`,
        );
      }
    }
    report = await verifyAuditLog(db, { updateHead: true });
  } finally {
    db.close();
  }
  if (flags.json) stdout.write(`${JSON.stringify(report)}\n`);
  if (report.break) throw brokenError(report.break, report);
  if (!flags.json) stdout.write(intactText(report));
}

/** The error for a broken log: the first bad row and why, and what to do. */
export function brokenError(problem: ChainBreak, report: Pick<VerifyReport, "firstId">): PaiError {
  const where = problem.id === null ? "" : ` at row ${problem.id}`;
  const intact = problem.id !== null && report.firstId !== null && problem.id > report.firstId
    ? `Rows ${report.firstId}–${problem.id - 1} are intact. `
    : "";
  const keep = "copy pai.db and audit-head.json aside as they are, as evidence, before PAI writes to them again";
  const hint = problem.reason === "cut tail" || problem.reason === "head mismatch"
    ? `${intact}If you put back an older pai.db on purpose (or it predates head files), move audit-head.json aside ` +
      `and start a new one with "pai audit verify --new-head" (recorded in the log). Otherwise ${keep}`
    : problem.reason === "index mismatch"
    ? `The rows themselves are intact: what was changed is an index "pai audit where" and "search" read, which PAI ` +
      `only ever adds to. ${capitalised(keep)}`
    : problem.reason === "history mismatch"
    ? `The rows themselves are intact: what was changed is the conversation history kept in pai.db, so later ` +
      `requests would not say where its data came from. ${capitalised(keep)}`
    : `${intact}Only "pai audit prune" removes rows; nothing changes a row. ${capitalised(keep)}`;
  return new PaiError(`The audit log is broken${where} (${problem.reason}): ${problem.message}`, { hint });
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** What an intact log's check found, as lines. */
export function intactText(report: VerifyReport): string {
  const lines: string[] = [];
  if (report.rows === 0) lines.push("The audit log is empty: nothing to verify.");
  else {
    const from = report.start?.from === "prune"
      ? `from row ${report.firstId}, where the prune recorded in row ${report.start.pruneId} (of the rows written ` +
        `before ${report.start.before}) left it`
      : "from the first row written";
    lines.push(`The audit log is intact: ${report.rows} rows (${report.firstId}–${report.lastId}), chained ${from}.`);
  }
  const { head } = report;
  switch (head.state) {
    case "matches":
      lines.push(`The head file names row ${head.id}, the last row, with its hash.`);
      break;
    case "behind":
      lines.push(
        `The head file named row ${head.id}: the rows after it were committed by a pai process that stopped before ` +
          `it updated the file.${head.updated ? ` It now names row ${report.lastId}.` : ""}`,
      );
      break;
    case "absent":
      // Only an empty log has none: the first append creates it.
      break;
    case "unchecked":
    case "broken":
      break;
    default:
      head.state satisfies never;
  }
  return lines.filter(Boolean).map((l) => `${l}\n`).join("");
}

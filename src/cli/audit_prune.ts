/** `pai audit prune --before DATE`: the one deliberate way to drop audit rows, itself recorded. */
import type { CommandContext } from "@stricli/core";
import { auditSink } from "../audit/log.ts";
import { parseBefore, prunePlan } from "../audit/prune.ts";
import { compactSearchIndex } from "../audit/query.ts";
import { verifyAuditLog } from "../audit/verify.ts";
import { EXIT, PaiError } from "../core/errors.ts";
import { lazyImport } from "../core/lazy_import.ts";
import { openState } from "../modes/session_setup.ts";
import { stderr, stdout } from "../ui/output.ts";
import { brokenError } from "./audit_verify.ts";

/** Flags of `pai audit prune`. */
export interface PruneFlags {
  before: string;
  yes: boolean;
}

/**
 * Removes the rows written before `--before` (from the first row up to the first one written at or after it),
 * after checking the whole log: pruning a broken log would re-anchor the chain past the break and hide it. Asks
 * in a terminal; without one, `--yes` is the answer.
 */
export async function prune(this: CommandContext, flags: PruneFlags): Promise<void> {
  const before = parseBefore(flags.before);
  if (!before) {
    throw new PaiError(
      `Invalid --before "${flags.before}": expected a day (2026-01-31, from midnight local time) or a time with ` +
        "its offset (2026-01-31T12:00:00Z)",
      { exitCode: EXIT.USAGE },
    );
  }
  const { db } = await openState();
  try {
    const plan = prunePlan(db, before.toISOString());
    if (!plan) {
      stdout.write(`Nothing to prune: no audit row was written before ${before.toISOString()}.\n`);
      return;
    }
    const report = await verifyAuditLog(db, { updateHead: true });
    if (report.break) {
      const broken = brokenError(report.break, report);
      throw new PaiError(`Cannot prune the audit log: ${broken.message.replace(/^The audit log/, "it")}`, {
        hint: 'Pruning would start the chain again past the break and hide it; see "pai audit verify"',
      });
    }
    const what = `${plan.rowsRemoved} audit rows (${plan.firstRemovedId}–${plan.lastRemovedId}, written before ` +
      `${plan.before})`;
    if (!flags.yes) {
      if (!(Deno.stdin.isTerminal() && Deno.stderr.isTerminal())) {
        throw new PaiError(`"pai audit prune" deletes ${what}: add --yes to confirm when there is no terminal to ask`, {
          exitCode: EXIT.USAGE,
        });
      }
      if (!await confirmed(`Delete ${what}? The prune is recorded; the rows cannot be restored`)) {
        stdout.write("Nothing was deleted.\n");
        return;
      }
    }
    const done = await auditSink(db).prune(plan);
    if (!done) {
      stdout.write("Nothing was deleted: the rows were pruned meanwhile.\n");
      return;
    }
    // The search index keeps a deleted row's words until its segments merge: pruned content goes from it too.
    compactSearchIndex(db);
    stdout.write(
      `Deleted ${done.rowsRemoved} audit rows (${done.firstRemovedId}–${done.lastRemovedId}). Row ${done.pruneId} ` +
        `records the prune; the chain starts again at row ${done.firstKeptId}, and "pai audit verify" accepts it.\n`,
    );
  } finally {
    db.close();
  }
}

/** Yes or no on the terminal (default no); Ctrl+C or a closed terminal is no. */
async function confirmed(message: string): Promise<boolean> {
  const { confirm } = await lazyImport<typeof import("@inquirer/prompts")>("@inquirer/prompts");
  const { default: process } = await import("node:process");
  try {
    return await confirm({ message, default: false }, { output: process.stderr });
  } catch {
    stderr.write("\n");
    return false;
  }
}

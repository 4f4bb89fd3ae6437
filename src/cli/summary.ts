/** `pai summary`: what the context manager sends in place of the session's older turns. */
import type { CommandContext } from "@stricli/core";
import { openState } from "../modes/session_setup.ts";
import { currentSession } from "../store/sessions.ts";
import { getSummary } from "../store/summaries.ts";
import { stdout } from "../ui/output.ts";
import { jsonForTerminal, neutralizeControls } from "../ui/sanitize.ts";

/** Flags of `pai summary`. */
export interface SummaryFlags {
  json: boolean;
}

/** Prints the current session's summary, or says there is none. */
export async function summary(this: CommandContext, flags: SummaryFlags): Promise<void> {
  const { db } = await openState();
  try {
    const session = currentSession(db);
    const made = session && getSummary(db, session.id);
    if (flags.json) {
      stdout.write(`${jsonForTerminal(JSON.stringify({ sessionId: session?.id ?? null, summary: made ?? null }))}\n`);
      return;
    }
    if (!made) {
      stdout.write(
        session
          ? "No summary: the whole history still fits the model's window.\n"
          : 'No session yet: start one with "pai init PROVIDER".\n',
      );
      return;
    }
    stdout.write(
      `Summary of the older turns (made ${made.made} time(s), last ${
        new Date(made.updatedAt).toLocaleString()
      }; labelled ` +
        `${made.label}; about ${made.tokens} tokens):\n\n`,
    );
    // The model wrote it: shown as text, never as terminal control sequences, each line behind a bar, so that no
    // line of it can pass for one of PAI's own ("pai: …").
    stdout.write(`${neutralizeControls(made.text).split("\n").map((l) => `  │ ${l}`).join("\n")}\n`);
  } finally {
    db.close();
  }
}

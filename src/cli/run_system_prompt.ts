/**
 * The system prompt of a run: config.json's, or the call's (`-s`, `-t`), and for the modes whose profile takes them
 * the project's instructions (`AGENTS.md`, `context/project_instructions.ts`). An instructions file is data from the
 * workspace, judged as an attached file is: one labelled above what the run's models may receive, or holding what
 * the scanners would block or redact, is left out, and PAI says why; nothing of it is sent.
 */
import { findInstructions, instructionsBlock } from "../context/project_instructions.ts";
import type { ModeProfile } from "../core/mode_profile.ts";
import { higherLabel, type Label } from "../core/types.ts";
import type { SessionContext } from "../modes/session_setup.ts";
import type { DataGuard } from "../policy/data_guard.ts";
import { mayReceive } from "../policy/labels.ts";
import { stderr } from "../ui/output.ts";
import { line } from "../ui/sanitize.ts";
import type { CallPrompt } from "./call_prompt.ts";

/** What the project's instructions are judged by. */
export interface InstructionsJudge {
  guard: DataGuard;
  /**
   * The most the main model may receive, and who it is (for the notice): the system prompt goes to it, and is not
   * routed to a local model by label as the input is.
   */
  ceiling: Label;
  receivers: string;
  labelOf: (path: string) => Label;
}

/** Paths already announced by this process (a chat builds each turn anew: it says so once). */
const announced = new Set<string>();

function noticeOnce(key: string, text: string): void {
  if (announced.has(key)) return;
  announced.add(key);
  stderr.write(line`pai: ${text}\n`);
}

/** The run's system prompt and where it came from, or undefined for config.json's alone. */
export async function runSystemPrompt(
  ctx: SessionContext,
  profile: ModeProfile,
  given: CallPrompt["system"],
  judge: InstructionsJudge,
): Promise<CallPrompt["system"]> {
  if (!profile.projectInstructions) return given;
  const used: { path: string; name: string; text: string }[] = [];
  for (const file of await findInstructions(ctx.workspace)) {
    if (file.skipped !== undefined) {
      noticeOnce(file.path, `not using "${file.path}" as project instructions: ${file.skipped}`);
      continue;
    }
    // Judged where it is and where it leads, as an attached file is.
    const label = [file.path, file.real].map(judge.labelOf).reduce(higherLabel);
    if (!mayReceive(judge.ceiling, label)) {
      noticeOnce(
        file.path,
        `not using "${file.path}" as project instructions: it is labelled ${label}, and ${judge.receivers} may ` +
          `receive at most "${judge.ceiling}"`,
      );
      continue;
    }
    const changed = judge.guard.inspect([{ role: "user", content: file.text }]).report.findings
      .filter((f) => f.action !== "allow" && f.action !== "warn");
    if (changed.length) {
      const rules = [...new Set(changed.map((f) => f.rule))].join(", ");
      noticeOnce(
        file.path,
        `not using "${file.path}" as project instructions: it holds what the policy blocks or redacts (${rules})`,
      );
      continue;
    }
    used.push({ path: file.path, name: file.name, text: file.text });
  }
  if (!used.length) return given;
  noticeOnce(
    used.map((u) => u.path).join("\n"),
    `project instructions from ${used.map((u) => `"${u.path}"`).join(", ")}`,
  );
  return {
    text: `${given?.text ?? ctx.config.systemPrompt}\n\n${instructionsBlock(used)}`,
    from: `${given?.from ?? "config.json"} and ${used.map((u) => u.name).join(", ")}`,
  };
}

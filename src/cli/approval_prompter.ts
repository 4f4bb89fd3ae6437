/**
 * Asks the user, in the terminal, whether a tool call may have what it needs.
 * `@inquirer/prompts` is imported only when there is something to ask.
 */
import { describePermissions } from "../policy/decide.ts";
import type { ResourceRequest } from "../resources/backend.ts";
import type { ApprovalRequest, ApprovalScope, Prompter } from "../tools/tool_manager.ts";
import { stderr, terminalSize, useColor } from "../ui/output.ts";
import { textWidth } from "../ui/text_width.ts";
import { line } from "../ui/sanitize.ts";
import { lazyImport } from "../core/lazy_import.ts";

/**
 * Shows the tool, its arguments (shortened) and the exact permissions, each value neutralised: the model chose the
 * arguments, and the paths in the permissions come from them, so any of them could otherwise erase this question and
 * draw another. Only the line breaks written here start a line.
 */
export function approvalQuestion(request: Omit<ApprovalRequest, "scopes">, diff = ""): string {
  const args = JSON.stringify(request.args);
  const shown = args.length > 300 ? `${args.slice(0, 300)}…` : args;
  // The diff's lines are neutralised where it is made (`change_diff.ts`).
  const question = line`${request.tool} ${shown}\n  needs ${describePermissions(request.missing)}\n` +
    (diff ? `${diff}\n` : "");
  return request.onceOnly
    ? `${question}${line`  ${request.onceOnly}: it can be allowed once only\n  Allow?`}`
    : `${question}  Allow?`;
}

/** The question for a `resource_request`: what, where, and the model's reason (each neutralised: the model chose them). */
export function resourceQuestion(request: ResourceRequest): string {
  return line`The model asks for access to a ${request.kind}: ${request.uri}\n  as resource "${request.name}", ` +
    line`labelled ${request.label}\n  Its reason: ${request.reason}\n  Register it?`;
}

/** One question with choices on the terminal; Ctrl+C or a closed terminal gives `fallback`. */
async function choose<T extends string>(
  message: string,
  choices: { name: string; value: T }[],
  fallback: T,
): Promise<T> {
  const { select } = await lazyImport<typeof import("@inquirer/prompts")>("@inquirer/prompts");
  const { asQuestion } = await lazyImport<typeof import("./terminal_input.ts")>("./terminal_input.ts", import.meta.url);
  const { default: process } = await import("node:process");
  try {
    // Keys typed before the question was shown must not answer it (`terminal_input.ts`).
    return await asQuestion((input) =>
      select<T>({ message, choices, default: fallback }, { output: process.stderr, ...(input ? { input } : {}) })
    );
  } catch {
    stderr.write("\n");
    return fallback; // the safe answer
  }
}

/** The change a write or edit would make, as a diff (none for other calls). */
async function diffOf(request: ApprovalRequest): Promise<string> {
  if (!request.change) return "";
  if (request.change.unshown) return line`  (no diff shown: ${request.change.unshown})`;
  const { changeDiff } = await lazyImport<typeof import("./change_diff.ts")>("./change_diff.ts", import.meta.url);
  // The whole question fits the screen: its first rows (the tool, its arguments, the permissions) never scroll off
  // above a diff whose lines the model wrote, which could draw a question of its own there.
  const size = terminalSize(stderr) ?? { columns: 80, rows: 24 };
  const head = approvalQuestion(request).split("\n");
  const headRows = head.reduce((n, l) => n + Math.max(1, Math.ceil(textWidth(l) / size.columns)), 0);
  const room = size.rows - headRows - request.scopes.length - 3;
  if (room < 4) return "  (no room on this screen for the diff of the change: make the terminal taller to see it)";
  return await changeDiff(request.change, { color: useColor(stderr), width: size.columns, maxLines: room });
}

/** How each scope is offered. */
const SCOPE_CHOICES: Readonly<Record<ApprovalScope, string>> = {
  once: "Allow once",
  session: "Allow for this session",
  always: "Always allow (saved)",
};

/** A prompter on the terminal (stdin and stderr must be terminals). */
export const terminalPrompter: Prompter = {
  ask: async (request) =>
    await choose<ApprovalScope | "deny">(approvalQuestion(request, await diffOf(request)), [
      // The scopes the mode offers; a write under .git is approved call by call: once only, never saved.
      ...request.scopes.map((scope) => ({ name: SCOPE_CHOICES[scope], value: scope })),
      { name: "Deny", value: "deny" },
    ], "deny"),
  askResource: (request) =>
    choose<"allow" | "deny">(resourceQuestion(request), [
      { name: "Allow: register it", value: "allow" },
      { name: "Deny", value: "deny" },
    ], "deny"),
};

/** The prompter to use: the terminal one when PAI can ask, none (deny) otherwise. */
export function availablePrompter(): Prompter | undefined {
  return Deno.stdin.isTerminal() && Deno.stderr.isTerminal() ? terminalPrompter : undefined;
}

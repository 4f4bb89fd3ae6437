/**
 * Asks the user, in the terminal, whether a tool call may have what it needs.
 * `@inquirer/prompts` is imported only when there is something to ask.
 */
import { describePermissions } from "../policy/decide.ts";
import type { ApprovalRequest, ApprovalScope, Prompter } from "../tools/tool_manager.ts";
import { stderr } from "../ui/output.ts";
import { neutralizeControls } from "../ui/sanitize.ts";

/** Shows the tool, its arguments (shortened, neutralised: they come from the model) and the exact permissions. */
export function approvalQuestion(request: ApprovalRequest): string {
  const args = JSON.stringify(request.args);
  const shown = neutralizeControls(args.length > 300 ? `${args.slice(0, 300)}…` : args);
  return `${request.tool} ${shown}\n  needs ${describePermissions(request.missing)}\n  Allow?`;
}

/** A prompter on the terminal (stdin and stderr must be terminals). */
export const terminalPrompter: Prompter = {
  async ask(request: ApprovalRequest): Promise<ApprovalScope | "deny"> {
    const { select } = await import("@inquirer/prompts");
    const { default: process } = await import("node:process");
    try {
      return await select<ApprovalScope | "deny">({
        message: approvalQuestion(request),
        choices: [
          { name: "Allow once", value: "once" },
          { name: "Allow for this session", value: "session" },
          { name: "Always allow (saved)", value: "always" },
          { name: "Deny", value: "deny" },
        ],
        default: "deny",
      }, { output: process.stderr });
    } catch {
      stderr.write("\n");
      return "deny"; // Ctrl+C or a closed terminal while asking: the safe answer
    }
  },
};

/** The prompter to use: the terminal one when PAI can ask, none (deny) otherwise. */
export function availablePrompter(): Prompter | undefined {
  return Deno.stdin.isTerminal() && Deno.stderr.isTerminal() ? terminalPrompter : undefined;
}

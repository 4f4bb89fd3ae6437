/**
 * Asks the user, in the terminal, whether a tool call may have what it needs.
 * `@inquirer/prompts` is imported only when there is something to ask.
 */
import { describePermissions } from "../policy/decide.ts";
import type { ResourceRequest } from "../tools/resource_tools.ts";
import type { ApprovalRequest, ApprovalScope, Prompter } from "../tools/tool_manager.ts";
import { stderr } from "../ui/output.ts";
import { neutralizeControls } from "../ui/sanitize.ts";
import { lazyImport } from "../core/lazy_import.ts";

/** Shows the tool, its arguments (shortened, neutralised: they come from the model) and the exact permissions. */
export function approvalQuestion(request: ApprovalRequest): string {
  const args = JSON.stringify(request.args);
  const shown = neutralizeControls(args.length > 300 ? `${args.slice(0, 300)}…` : args);
  return `${request.tool} ${shown}\n  needs ${describePermissions(request.missing)}\n  Allow?`;
}

/** The question for a `resource_request`: what, where, and the model's reason (neutralised: it comes from the model). */
export function resourceQuestion(request: ResourceRequest): string {
  return neutralizeControls(
    `The model asks for access to a ${request.kind}: ${request.uri}\n  as resource "${request.name}", ` +
      `labelled ${request.label}\n  Its reason: ${request.reason}\n  Register it?`,
  );
}

/** One question with choices on the terminal; Ctrl+C or a closed terminal gives `fallback`. */
async function choose<T extends string>(
  message: string,
  choices: { name: string; value: T }[],
  fallback: T,
): Promise<T> {
  const { select } = await lazyImport<typeof import("@inquirer/prompts")>("@inquirer/prompts");
  const { default: process } = await import("node:process");
  try {
    return await select<T>({ message, choices, default: fallback }, { output: process.stderr });
  } catch {
    stderr.write("\n");
    return fallback; // the safe answer
  }
}

/** A prompter on the terminal (stdin and stderr must be terminals). */
export const terminalPrompter: Prompter = {
  ask: (request) =>
    choose<ApprovalScope | "deny">(approvalQuestion(request), [
      { name: "Allow once", value: "once" },
      { name: "Allow for this session", value: "session" },
      { name: "Always allow (saved)", value: "always" },
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

/**
 * Checks a resource definition before it is stored: its name, the flags every kind shares, then its kind's own
 * part (its URI, text or variable, checked by its backend). Every error names the flag to fix. Credentials are
 * never stored: a URI carrying a password is refused.
 */
import type { Resource } from "../core/types.ts";
import { type DefineOptions, definitionError, type DefinitionInput } from "./backend.ts";
import { backendOf } from "./backends.ts";

/** The resource to store, or a `PaiError` naming the flag that is wrong. */
export async function checkDefinition(name: string, input: DefinitionInput, options: DefineOptions): Promise<Resource> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw definitionError(`Invalid resource name "${name}": use letters, digits, ".", "_" and "-"`);
  }
  const { kind } = input;
  if (input.text !== undefined && kind !== "note") {
    throw definitionError(`--text is only for notes; a ${kind} takes --uri`);
  }
  if (input.env !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(input.env)) {
      throw definitionError(`--env "${input.env}" is not a variable name`, "Give the variable's name, not its value");
    }
    if (kind !== "url" && kind !== "postgres") {
      throw definitionError(`--env is for url and postgres resources, not ${kind}`);
    }
    if (!options.env(input.env)) {
      throw definitionError(
        `--env ${input.env}: the variable is not set`,
        `Set ${input.env}; PAI reads it each time and never stores it`,
      );
    }
  }
  const base = {
    name,
    kind,
    label: input.label,
    ...(input.description ? { description: input.description } : {}),
    ...(input.default ? { default: true } : {}),
  };
  return { ...base, ...await backendOf(kind).define(input, options) };
}

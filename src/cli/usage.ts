/**
 * How a user tells PAI what to do, in PAI's words: usage lines that show what users type (`--no-stream`, an
 * optional `[<text>...]`), and usage errors that name the flag or argument and list the valid values. `main.ts`
 * adds the pointer to the command's help and exits 2.
 *
 * @example
 * ```ts
 * const at = commandAt(root, ["resource", "add", "x", "--kind", "floppy"]);
 * parseErrorMessage(error, at); // 'Invalid --kind "floppy": choose one of note, file, …; did you mean "folder"?'
 * helpPointer(at); // 'Run "pai resource add --help" for usage'
 * ```
 */
import {
  AliasNotFoundError,
  ArgumentParseError,
  buildCommand as buildStricliCommand,
  type Command,
  type CommandContext,
  EnumValidationError,
  FlagNotFoundError,
  InvalidNegatedFlagSyntaxError,
  type RouteMap,
  UnexpectedFlagError,
  UnexpectedPositionalError,
  UnsatisfiedFlagError,
  UnsatisfiedPositionalError,
} from "@stricli/core";
import { PaiError } from "../core/errors.ts";

/** The parts of a stricli flag that PAI reads to describe it. */
interface FlagSpec {
  kind: "boolean" | "counter" | "enum" | "parsed";
  brief: string;
  default?: unknown;
  optional?: boolean;
  variadic?: boolean | string;
  values?: readonly string[];
  placeholder?: string;
  hidden?: boolean;
}

/** The parts of a stricli positional parameter that PAI reads. */
interface PositionalSpec {
  brief: string;
  placeholder?: string;
  optional?: boolean;
  default?: string;
}

/** A command's parameters, as PAI reads them. */
export interface ParameterSpec {
  flags?: Readonly<Record<string, FlagSpec>>;
  positional?:
    | { kind: "tuple"; parameters: readonly PositionalSpec[] }
    | { kind: "array"; parameter: PositionalSpec; minimum?: number };
}

type Target = Command<CommandContext> | RouteMap<CommandContext>;

function isRouteMap(target: unknown): target is RouteMap<CommandContext> {
  return typeof target === "object" && target !== null && "getRoutingTargetForInput" in target;
}

function isCommand(target: unknown): target is Command<CommandContext> {
  return typeof target === "object" && target !== null && "loader" in target && "parameters" in target;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** A flag as users type it, without its value: `--json`, `--no-stream` (on by default), `--default/--no-default`. */
function typedName(name: string, flag: FlagSpec): string {
  const long = `--${kebab(name)}`;
  if (flag.kind !== "boolean") return long;
  if (flag.default === true) return `--no-${kebab(name)}`;
  return flag.default === undefined && flag.optional ? `${long}/--no-${kebab(name)}` : long;
}

/** A flag as users type it, with its value: `--kind note|file`, `--max-chain <n>`. */
function typed(name: string, flag: FlagSpec): string {
  if (flag.kind === "boolean") return typedName(name, flag).replace("/", "|");
  if (flag.kind === "enum" && !flag.placeholder) return `${typedName(name, flag)} ${flag.values!.join("|")}`;
  return `${typedName(name, flag)} <${flag.placeholder ?? "value"}>`;
}

function isOptional(flag: FlagSpec): boolean {
  return flag.kind === "boolean" || flag.kind === "counter" || flag.optional === true || flag.default !== undefined;
}

function visibleFlags(parameters: ParameterSpec): [string, FlagSpec][] {
  return Object.entries(parameters.flags ?? {}).filter(([, flag]) => !flag.hidden);
}

/** What a command's positional arguments look like: `<name> [<path>]`, `[<text>...]`, or `""`. */
function positionalUsage(parameters: ParameterSpec): string {
  const positional = parameters.positional;
  if (!positional) return "";
  if (positional.kind === "array") {
    const name = `<${positional.parameter.placeholder ?? "args"}>...`;
    return (positional.minimum ?? 0) > 0 ? name : `[${name}]`;
  }
  return positional.parameters
    .map((p, i) => {
      const name = `<${p.placeholder ?? `arg${i + 1}`}>`;
      return p.optional || p.default !== undefined ? `[${name}]` : name;
    })
    .join(" ");
}

/**
 * A command's usage line, showing what users type: `--no-stream` for a flag that is on by default, placeholders for
 * values, and `[<text>...]` for arguments that may all be left out.
 */
export function usageLine(parameters: ParameterSpec, prefix: readonly string[]): string {
  const flags = visibleFlags(parameters).map(([name, flag]) => {
    const usage = isOptional(flag) ? `[${typed(name, flag)}]` : typed(name, flag);
    return flag.kind === "parsed" && flag.variadic ? `${usage}...` : usage;
  });
  return [...prefix, ...flags, positionalUsage(parameters)].filter(Boolean).join(" ");
}

/**
 * Stricli's `buildCommand`, with PAI's usage line (see {@linkcode usageLine}) in the command's help and in the
 * list of commands of `pai --help`.
 */
export const buildCommand: typeof buildStricliCommand = (builderArgs) => {
  const command = buildStricliCommand(builderArgs);
  const parameters = builderArgs.parameters as ParameterSpec;
  const positional = parameters.positional;
  return {
    ...command,
    formatUsageLine: (args) => usageLine(parameters, args.prefix),
    formatHelp: (args) => {
      let help = command.formatHelp(args)
        .replace(`  ${command.formatUsageLine(args)}\n`, `  ${usageLine(parameters, args.prefix)}\n`);
      if (positional?.kind === "array" && !positional.minimum) {
        // The ARGUMENTS row of arguments that may all be left out shows them in brackets, as the usage line does.
        const name = `${positional.parameter.placeholder ?? "args"}...`;
        help = help.replace(new RegExp(`(\\n {2}(?:\\x1b\\[1m)?)${name.replaceAll(".", "\\.")}`), `$1[${name}]`);
      }
      return help;
    },
  };
};

/** The command (or group of commands) a command line names, and the words that name it. */
export interface CommandAt {
  /** From the program's name: `["pai", "resource", "add"]`. */
  words: string[];
  target: Target;
}

/** Where `args` lead in PAI's command tree: as far as they name commands. */
export function commandAt(root: RouteMap<CommandContext>, args: readonly string[]): CommandAt {
  const words = ["pai"];
  let target: Target = root;
  for (const arg of args) {
    if (!isRouteMap(target)) break;
    const next: unknown = target.getRoutingTargetForInput(arg) ?? target.getRoutingTargetForInput(camel(arg));
    // Route maps look names up in a plain object: "constructor" finds Object's, which is no command.
    if (!isRouteMap(next) && !isCommand(next)) break;
    words.push(arg);
    target = next;
  }
  return { words, target };
}

function parametersOf(at: CommandAt): ParameterSpec {
  return isCommand(at.target) ? at.target.parameters as ParameterSpec : {};
}

/** `Run "pai prompt --help" for usage`: the last line of every usage error. */
export function helpPointer(at: CommandAt): string {
  return `Run "${at.words.join(" ")} --help" for usage`;
}

/** Whether the command takes `--json` and `args` ask for it (a failure then prints `{"error": …}` on stdout). */
export function wantsJson(at: CommandAt, args: readonly string[]): boolean {
  if (!parametersOf(at).flags?.json) return false;
  const flags = args.includes("--") ? args.slice(0, args.indexOf("--")) : args;
  return flags.some((a) => a === "--json" || a === "--json=true");
}

/** `one of a, b, c` for an enum flag, else what the flag is for. */
function describeFlag(flag: FlagSpec | undefined): string {
  if (!flag) return "";
  return flag.kind === "enum" ? `: one of ${flag.values!.join(", ")}` : `: ${flag.brief}`;
}

/** The flags a command takes, as users type them. */
function flagList(at: CommandAt): string {
  const flags = visibleFlags(parametersOf(at)).map(([name, flag]) => typedName(name, flag));
  return flags.length ? `its flags are ${flags.join(", ")}` : "it takes no flags";
}

function flagLabel(at: CommandAt, name: string): string {
  const flags = parametersOf(at).flags ?? {};
  return name in flags || camel(name) in flags ? `--${name}` : `<${name}>`;
}

function positionalBrief(at: CommandAt, placeholder: string): string {
  const positional = parametersOf(at).positional;
  const all = positional?.kind === "array" ? [positional.parameter] : positional?.parameters ?? [];
  const spec = all.find((p) => p.placeholder === placeholder);
  return spec ? `: ${spec.brief}` : "";
}

/** The message of an error stricli's parser reports, in PAI's words, for the command the arguments name. */
export function parseErrorMessage(error: unknown, at: CommandAt): string {
  const command = `"${at.words.join(" ")}"`;
  const flags = parametersOf(at).flags ?? {};
  if (error instanceof FlagNotFoundError) {
    const corrections = error.corrections.map((c) => flags[c] ? typedName(c, flags[c]) : `--${kebab(c)}`);
    const guess = corrections.length ? `; did you mean ${corrections.join(" or ")}?` : "";
    return `Unknown flag "--${error.input}" for ${command}: ${flagList(at)}${guess}`;
  }
  if (error instanceof AliasNotFoundError) return `Unknown flag "-${error.input}" for ${command}: ${flagList(at)}`;
  if (error instanceof EnumValidationError) {
    const guess = /, (did you mean .*\?)$/.exec(error.message)?.[1];
    return `Invalid --${error.externalFlagName} "${error.input}": choose one of ${error.values.join(", ")}` +
      (guess ? `; ${guess}` : "");
  }
  if (error instanceof ArgumentParseError) {
    const label = flagLabel(at, error.externalFlagNameOrPlaceholder);
    const cause = error.exception;
    // PAI's own parsers throw PaiErrors written for the user, which quote the input already.
    if (cause instanceof PaiError) return `${label}: ${cause.message}`;
    return `Invalid ${label} "${error.input}": ${cause instanceof Error ? cause.message : String(cause)}`;
  }
  if (error instanceof UnsatisfiedFlagError) {
    const flag = flags[error.externalFlagName] ?? flags[camel(error.externalFlagName)];
    const before = error.nextFlagName ? ` before --${error.nextFlagName}` : "";
    return `Expected a value for --${error.externalFlagName}${before}${describeFlag(flag)}`;
  }
  if (error instanceof UnsatisfiedPositionalError) {
    return `Missing <${error.placeholder}>${positionalBrief(at, error.placeholder)}`;
  }
  if (error instanceof UnexpectedPositionalError) {
    return `Unexpected argument "${error.input}": ${command} takes ${positionalUsage(parametersOf(at)) || "none"}`;
  }
  if (error instanceof InvalidNegatedFlagSyntaxError) {
    return `--${error.externalFlagName} takes no value, got "${error.valueText}"`;
  }
  if (error instanceof UnexpectedFlagError) {
    return `--${error.externalFlagName} can be given once, got "${error.previousInput}" and "${error.input}"`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** A word that names no command, and stricli's guesses of what was meant. */
export interface UnknownCommand {
  input: string;
  corrections: readonly string[];
}

/** The message for a word that names no command, with the commands there are. */
export function unknownCommandMessage({ input, corrections }: UnknownCommand, at: CommandAt): string {
  const names = isRouteMap(at.target)
    ? at.target.getAllEntries().filter((e) => !e.hidden).map((e) => e.name["convert-camel-to-kebab"])
    : [];
  // Stricli quotes its corrections in backticks, for Markdown.
  const guesses = corrections.map((c) => c.replaceAll("`", ""));
  const guess = guesses.length ? `; did you mean ${guesses.join(" or ")}?` : "";
  return `Unknown command "${input}" for "${at.words.join(" ")}": its commands are ${names.join(", ")}${guess}`;
}

/**
 * `pai completions bash|zsh|fish`: a completion script for every command, flag and flag value, made from the
 * command tree itself (so it never lags behind a new command). The scripts are static: a Tab never starts PAI.
 * zsh uses its bash-completion layer (`bashcompinit`) with the bash script, sourced from `~/.zshrc` (an fpath function
 * would register itself on the first Tab and complete only from the second).
 */
import type { CommandContext, RouteMap } from "@stricli/core";
import { stdout } from "../ui/output.ts";
import { commandTree } from "./command_tree.ts";

/** A flag as completed: its names, whether a value follows it, and the values it takes. */
export interface CompletedFlag {
  long: string;
  short?: string;
  brief: string;
  /** Whether a value follows the flag. */
  takesValue: boolean;
  /** Its values, when they are a fixed set. */
  values?: readonly string[];
}

/** A command or a group of commands, as completed. */
export interface CompletedNode {
  /** The words that lead here from `pai` (empty for `pai` itself). */
  path: readonly string[];
  brief: string;
  /** The commands under a group, by name (aliases included). */
  children: CompletedNode[];
  names: readonly string[];
  flags: CompletedFlag[];
}

type Target = Parameters<RouteMap<CommandContext>["getAllEntries"]> extends [] ? ReturnType<
    RouteMap<CommandContext>["getAllEntries"]
  >[number]["target"]
  : never;

/** The kebab-case name Stricli documents a camelCase flag by. */
function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The completion tree of a route map or command. */
export function completionTree(
  target: Target,
  path: readonly string[] = [],
  names: readonly string[] = [],
): CompletedNode {
  const brief = target.brief;
  if ("getAllEntries" in target) {
    const children = target.getAllEntries().filter((e) => !e.hidden).map((e) =>
      completionTree(e.target, [...path, e.name["convert-camel-to-kebab"]], [
        e.name["convert-camel-to-kebab"],
        ...e.aliases,
      ])
    );
    const help: CompletedFlag = { long: "--help", short: "-h", brief: "Print help", takesValue: false };
    const version: CompletedFlag[] = path.length
      ? []
      : [{ long: "--version", short: "-v", brief: "Print the version", takesValue: false }];
    return { path, brief, children, names, flags: [help, ...version] };
  }
  const { flags = {}, aliases = {} } = target.parameters;
  const shortOf = new Map(Object.entries(aliases).map(([short, long]) => [long, `-${short}`]));
  const completed: CompletedFlag[] = [];
  for (const [name, flag] of Object.entries(flags)) {
    if (flag.hidden) continue;
    const long = `--${kebab(name)}`;
    const short = shortOf.get(name);
    if (flag.kind === "boolean") {
      completed.push({ long, ...(short ? { short } : {}), brief: flag.brief, takesValue: false });
      // A boolean that is on by default is turned off with its negation (`--no-stream`).
      if (flag.default === true) completed.push({ long: `--no-${kebab(name)}`, brief: flag.brief, takesValue: false });
    } else if (flag.kind === "counter") {
      completed.push({ long, ...(short ? { short } : {}), brief: flag.brief, takesValue: false });
    } else {
      const values = flag.kind === "enum" ? flag.values : undefined;
      completed.push({
        long,
        ...(short ? { short } : {}),
        brief: flag.brief,
        takesValue: true,
        ...(values ? { values } : {}),
      });
    }
  }
  completed.push({ long: "--help", short: "-h", brief: "Print help", takesValue: false });
  return { path, brief, children: [], names, flags: completed };
}

/** Every node of the tree, the root first. */
function nodesOf(node: CompletedNode): CompletedNode[] {
  return [node, ...node.children.flatMap(nodesOf)];
}

/** A word quoted for a POSIX shell: in single quotes, where only a quote needs care. */
function quoted(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/** A word quoted for fish: in single quotes, where a backslash and a quote are escaped. */
function fishQuoted(text: string): string {
  return `'${text.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}

/** The bash script (also zsh's, through `bashcompinit`). */
export function bashScript(root: CompletedNode): string {
  const nodes = nodesOf(root);
  const key = (n: CompletedNode) => quoted(n.path.join(" "));
  const caseOf = (lines: string[]) => [...lines, "  esac"].join("\n");
  const children = caseOf([
    '  case "$1" in',
    ...nodes.filter((n) => n.children.length).map((n) =>
      `    ${key(n)}) echo ${quoted(n.children.flatMap((c) => c.names).join(" "))} ;;`
    ),
  ]);
  const child = caseOf([
    '  case "$1" in',
    ...nodes.flatMap((n) =>
      n.children.flatMap((c) =>
        c.names.map((name) => `    ${quoted([...n.path, name].join(" "))}) echo ${quoted(c.path.join(" "))} ;;`)
      )
    ),
  ]);
  const flags = caseOf([
    '  case "$1" in',
    ...nodes.map((n) =>
      `    ${key(n)}) echo ${quoted(n.flags.flatMap((f) => [f.long, ...(f.short ? [f.short] : [])]).join(" "))} ;;`
    ),
  ]);
  const valued = nodes.flatMap((n) =>
    n.flags.filter((f) => f.takesValue).flatMap((f) =>
      [f.long, ...(f.short ? [f.short] : [])].map((name) => ({ n, f, name }))
    )
  );
  const values = caseOf([
    '  case "$1|$2" in',
    ...valued.map(({ n, f, name }) =>
      `    ${quoted(`${n.path.join(" ")}|${name}`)}) echo ${quoted((f.values ?? []).join(" "))} ;;`
    ),
    "    *) return 1 ;;",
  ]);
  return `# pai completion for bash (and zsh through bashcompinit): made by "pai completions bash"
_pai_children() {
${children}
}
_pai_child() {
${child}
}
_pai_flags() {
${flags}
}
# The values of a flag that takes one (an empty list: any value, files offered); fails for other flags.
_pai_values() {
${values}
}
_pai() {
  local cur path next word i skip=0 values
  cur="\${COMP_WORDS[COMP_CWORD]}"
  path=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    if ((skip)); then skip=0; continue; fi
    case "$word" in
      --*=*) continue ;;
      -*) values=$(_pai_values "$path" "$word") && skip=1; continue ;;
    esac
    next=$(_pai_child "\${path:+$path }$word")
    [ -n "$next" ] && path="$next"
  done
  if ((skip)); then
    values=$(_pai_values "$path" "\${COMP_WORDS[COMP_CWORD-1]}")
    if [ -n "$values" ]; then
      COMPREPLY=($(compgen -W "$values" -- "$cur"))
    else
      COMPREPLY=($(compgen -f -- "$cur"))
    fi
    return 0
  fi
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_pai_flags "$path")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_pai_children "$path")" -- "$cur"))
    [ \${#COMPREPLY[@]} -eq 0 ] && COMPREPLY=($(compgen -f -- "$cur"))
  fi
  return 0
}
complete -o filenames -F _pai pai
`;
}

/** The zsh script: zsh's own bash-completion layer, then the bash script. */
export function zshScript(root: CompletedNode): string {
  return `# pai completion for zsh: made by "pai completions zsh"; source it from ~/.zshrc after compinit
autoload -U +X bashcompinit && bashcompinit
${bashScript(root)}`;
}

/** The fish script: one \`complete\` line per command, flag and value, each under the command it belongs to. */
export function fishScript(root: CompletedNode): string {
  const nodes = nodesOf(root);
  const valued = nodes.flatMap((n) =>
    n.flags.filter((f) => f.takesValue).flatMap((f) => [f.long, ...(f.short ? [f.short] : [])])
  );
  const lines = [
    '# pai completion for fish: made by "pai completions fish"',
    "complete -c pai -e",
    "# The command the words typed so far name (flags and their values skipped).",
    "function __pai_path",
    "    set -l words (commandline -opc)",
    "    set -e words[1]",
    "    set -l path",
    "    set -l skip 0",
    "    for word in $words",
    "        if test $skip -eq 1",
    "            set skip 0",
    "            continue",
    "        end",
    "        switch $word",
    "            case '--*=*'",
    "                continue",
    `            case ${[...new Set(valued)].map(fishQuoted).join(" ")}`,
    "                set skip 1",
    "                continue",
    "            case '-*'",
    "                continue",
    "        end",
    "        set -l next (__pai_child (string join ' ' $path $word))",
    '        if test -n "$next"',
    "            set path (string split ' ' -- $next)",
    "        end",
    "    end",
    "    string join ' ' -- $path",
    "end",
    "function __pai_child",
    "    switch $argv[1]",
    ...nodes.flatMap((n) =>
      n.children.flatMap((c) =>
        c.names.map((name) =>
          `        case ${fishQuoted([...n.path, name].join(" "))}\n            echo ${fishQuoted(c.path.join(" "))}`
        )
      )
    ),
    "    end",
    "end",
    "function __pai_at",
    // Quoted: at the top level the path is empty, and `test` needs the empty word.
    "    set -l path (__pai_path)",
    '    test "$path" = "$argv[1]"',
    "end",
  ];
  for (const n of nodes) {
    const at = `-n ${fishQuoted(`__pai_at ${fishQuoted(n.path.join(" "))}`)}`;
    for (const c of n.children) {
      for (const name of c.names) {
        lines.push(`complete -c pai -f ${at} -a ${fishQuoted(name)} -d ${fishQuoted(c.brief)}`);
      }
    }
    for (const f of n.flags) {
      const names = [
        f.long.startsWith("--") ? `-l ${fishQuoted(f.long.slice(2))}` : "",
        f.short ? `-s ${fishQuoted(f.short.slice(1))}` : "",
      ].filter(Boolean).join(" ");
      const value = f.values ? `-x -a ${fishQuoted(f.values.join(" "))}` : f.takesValue ? "-r" : "";
      lines.push(`complete -c pai ${at} ${names} ${value} -d ${fishQuoted(f.brief)}`.replace(/ {2,}/g, " "));
    }
  }
  return `${lines.join("\n")}\n`;
}

/** A shell PAI writes a script for. */
export type Shell = "bash" | "zsh" | "fish";

/** Prints the completion script for `shell`. */
export function completions(this: CommandContext, _flags: Record<never, never>, shell: Shell): void {
  const root = completionTree(commandTree());
  const script = shell === "bash" ? bashScript(root) : shell === "zsh" ? zshScript(root) : fishScript(root);
  stdout.write(script);
}

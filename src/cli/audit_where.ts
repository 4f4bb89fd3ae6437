/**
 * `pai audit where PATH|RESOURCE|TEXT`: every time data from a file, a resource or a text left PAI — when, to
 * which provider and model, local or remote, as written or redacted, in which session and mode, through which
 * tool result or attachment (`audit/where.ts` finds them). What the argument is, is said first: a registered
 * resource's name, else an existing file or folder (or anything written as a path), else a text; `--as` decides
 * when that guess is not what the user means.
 */
import type { CommandContext } from "@stricli/core";
import { type Flow, whereData, type WhereResult, type WhereTarget } from "../audit/where.ts";
import { parseTime } from "../audit/query.ts";
import { EXIT, PaiError } from "../core/errors.ts";
import { absolute, paiPaths } from "../core/paths.ts";
import { loadResources, type Resource } from "../resources/registry.ts";
import { openDatabase } from "../store/db.ts";
import { stdout } from "../ui/output.ts";
import { jsonForTerminal, line } from "../ui/sanitize.ts";
import { tableLines } from "../ui/table.ts";
import { localTime, plural } from "./audit_text.ts";

/** What the argument is taken as. */
const WHERE_KINDS = ["path", "resource", "text"] as const;

/** Flags of `pai audit where`. */
export interface WhereFlags {
  as?: typeof WHERE_KINDS[number];
  since?: string;
  limit: number;
  json: boolean;
}

/** What was asked, as the answer names it, and how it is looked for. */
interface Asked {
  kind: typeof WHERE_KINDS[number];
  /** The file (its real path), the resource's name, or the text. */
  name: string;
  target: WhereTarget;
}

/** Lists the requests that carried the data, newest first. */
export async function where(this: CommandContext, flags: WhereFlags, argument: string): Promise<void> {
  const asked = await askedOf(argument, flags.as);
  const since = flags.since === undefined ? undefined : parseTime(flags.since, { flag: "--since" }).toISOString();
  const db = openDatabase(paiPaths().dataDir);
  let result: WhereResult;
  try {
    result = await whereData(db, asked.target, { limit: flags.limit, ...(since ? { since } : {}) });
  } finally {
    db.close();
  }
  if (flags.json) {
    const { kind, name } = asked;
    stdout.write(`${jsonForTerminal(JSON.stringify({ asked: { kind, name }, ...result }))}\n`);
    return;
  }
  stdout.write(whereText(asked, result));
}

/** The argument as a path, a resource or a text. */
async function askedOf(argument: string, as: WhereFlags["as"]): Promise<Asked> {
  if (!argument.trim()) throw new PaiError("Give a file, a resource's name or a text", { exitCode: EXIT.USAGE });
  const resources = await loadResources(paiPaths().configDir);
  const resource = resources.find((r) => r.name === argument);
  if (as === "resource" || (!as && resource)) {
    if (!resource) {
      const known = resources.map((r) => r.name).join(", ") || "none registered";
      throw new PaiError(`No resource "${argument}" (${known})`, {
        exitCode: EXIT.USAGE,
        hint: "A resource removed since still has its rows: look for its file with --as path, or its name as text",
      });
    }
    return { kind: "resource", name: argument, target: resourceTarget(resource) };
  }
  const path = as === "text" ? undefined : await pathOf(argument, as === "path");
  if (path) return { kind: "path", name: path.shown, target: pathTarget(path.paths, resources) };
  if (!/[\p{L}\p{N}]/u.test(argument)) {
    throw new PaiError(`"${argument}" has no letter or digit to look for`, {
      exitCode: EXIT.USAGE,
      hint: "Give a few words of the text, a file's path, or a resource's name",
    });
  }
  return { kind: "text", name: argument, target: { kind: "text", text: argument } };
}

/** A resource: its `resource:NAME`, and for one on the file system the files at its URI (what tools read there). */
function resourceTarget(r: Resource): WhereTarget {
  const paths = r.uri?.startsWith("/") ? realAndGiven(r.uri) : [];
  return { kind: "resource", paths, sources: [`resource:${r.name}`] };
}

/** A path: the file or folder, and the resources registered at it or under it. */
function pathTarget(paths: readonly string[], resources: readonly Resource[]): WhereTarget {
  const inside = (uri: string) => paths.some((p) => uri === p || uri.startsWith(`${p.replace(/\/+$/, "")}/`));
  const named = resources.filter((r) => r.uri?.startsWith("/") && realAndGiven(r.uri).some(inside));
  return { kind: "path", paths, sources: named.map((r) => `resource:${r.name}`) };
}

/**
 * The argument as a path: the real path of an existing file or folder (and the path as given, for rows written
 * before a link changed), or, for one that does not exist any more, the absolute path when it is written as one
 * (`/`, `./`, `../`, `~/`) or when `--as path` says so.
 */
async function pathOf(argument: string, forced: boolean): Promise<{ shown: string; paths: string[] } | undefined> {
  const given = lexical(absolute(argument, Deno.cwd()));
  let real: string | undefined;
  try {
    real = await Deno.realPath(given);
  } catch {
    // Not there (any more): still a path when written as one.
  }
  if (!real && !forced && !/^(?:\/|\.{1,2}\/|~\/)/.test(argument)) return undefined;
  return { shown: real ?? given, paths: [...new Set([real ?? given, given])] };
}

/** An absolute path without `.` and `..` parts (as the tools' sources are: real paths). */
function lexical(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "..") parts.pop();
    else if (part && part !== ".") parts.push(part);
  }
  return `/${parts.join("/")}`;
}

/** A path and its real path, once each (the real one first). */
function realAndGiven(path: string): string[] {
  try {
    return [...new Set([Deno.realPathSync(path), path])];
  } catch {
    return [path];
  }
}

const HEADER = ["TIME", "SESSION", "MODE", "SENT TO", "MODEL", "AS", "THROUGH"];

/** The answer as a terminal shows it: what was asked, a line per piece that left, what more there is. */
export function whereText(asked: Pick<Asked, "kind" | "name">, result: WhereResult): string {
  const what = asked.kind === "text"
    ? `the text ${JSON.stringify(asked.name)}`
    : asked.kind === "resource"
    ? `resource "${asked.name}"`
    : asked.name;
  if (!result.flows.length) {
    const origins = result.origins === 0
      ? " (no prompt, tool result or answer in the log holds it; rows kept as hashes only cannot be searched)"
      : "";
    return line`No request carried data from ${what}${origins}.\n`;
  }
  const remote = new Set(result.flows.filter((f) => f.locality === "remote").map((f) => f.requestId)).size;
  const rows = [HEADER, ...result.flows.map(cells)];
  const shown = new Set(result.flows.map((f) => f.requestId)).size;
  const more = result.requests - shown;
  const toRemote = shown === result.requests
    ? `${remote} to a remote provider`
    : `of the ${shown} shown, ${remote} remote`;
  return line`Data from ${what} left PAI in ${plural(result.requests, "request")} (${toRemote}):\n` +
    tableLines(rows).map((l) => `${l}\n`).join("") +
    (more > 0 ? `Newest ${shown} requests shown; ${plural(more, "more request")}: raise --limit\n` : "") +
    'Each request is a row: "pai audit show ID" shows it whole.\n';
}

function cells(f: Flow): string[] {
  return [
    localTime(f.ts),
    f.sessionId?.slice(0, 8) ?? "-",
    f.mode ?? "-",
    `${f.provider ?? "?"} (${f.locality})`,
    f.model ?? "?",
    f.sent.replace("_", " "),
    through(f),
  ];
}

/** How the piece got there: which tool result or attachment (and its row), sent again from the history, summarised. */
function through(f: Flow): string {
  const origin = f.origin ? ` (row ${f.origin.id})` : "";
  const what = f.via === "tool_result"
    ? `${f.origin?.tool ?? "a tool"}'s result${origin}`
    : f.via === "attachment"
    ? `attachment ${f.sources.join(", ")}${origin}`
    : f.via === "summary"
    ? "a summary of older turns"
    : f.via === "answer"
    ? `the model's answer${origin}`
    : f.via === "memory"
    ? "the assistant's working memory"
    : `the prompt${origin}`;
  const how = f.purpose === "summary"
    ? ", to be summarised"
    : f.purpose === "plan"
    ? ", to the planner"
    : f.earlier && f.via !== "memory"
    ? ", again from the history"
    : "";
  return `${what}${how}; request row ${f.requestId}`;
}

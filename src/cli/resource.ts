/**
 * `pai resource add|list|show|update|rm|get|put`: the user's named data.
 * Direct reads and writes of files, folders and SQLite databases go through
 * the same sandboxed tool programs as the model's, with a grant of exactly
 * that resource; a note's text is kept in PAI's database.
 */
import type { CommandContext } from "@stricli/core";
import type { Grant } from "../core/types.ts";
import { EXIT, PaiError } from "../core/errors.ts";
import { paiPaths } from "../core/paths.ts";
import { openState } from "../modes/session_setup.ts";
import { TOOLS_DIR } from "../modes/tool_setup.ts";
import type { Label } from "../policy/policy.ts";
import { checkDefinition, type DefinitionInput } from "../resources/definition.ts";
import { loadResources, type Resource, type ResourceKind, saveResources } from "../resources/registry.ts";
import { runToolProcess } from "../sandbox/run_tool.ts";
import { deleteNote, noteText, setNote } from "../store/notes.ts";
import { resolveNeeds } from "../tools/resolve_paths.ts";
import { TOOL_LIMITS } from "../tools/tool_manager.ts";
import { stdout } from "../ui/output.ts";
import { neutralizeControls } from "../ui/sanitize.ts";
import { printTable } from "../ui/table.ts";
import { readPipedStdin } from "./stdin.ts";

/** Flags of `pai resource add`. */
export interface AddFlags {
  kind: ResourceKind;
  uri?: string;
  text?: string;
  env?: string;
  label: Label;
  description?: string;
}

/** Flags of `pai resource update` (kind and name never change). */
export type UpdateFlags = Partial<Omit<AddFlags, "kind">>;

const env = (name: string) => Deno.env.get(name);

async function registry(): Promise<{ configDir: string; resources: Resource[] }> {
  const { configDir } = paiPaths();
  return { configDir, resources: await loadResources(configDir) };
}

function find(resources: readonly Resource[], name: string): Resource {
  const r = resources.find((x) => x.name === name);
  if (!r) {
    const known = resources.map((x) => x.name).join(", ") || "none registered";
    throw new PaiError(`No resource named "${name}" (${known})`, { exitCode: EXIT.USAGE });
  }
  return r;
}

/** Registers a resource after checking its definition. */
export async function add(this: CommandContext, flags: AddFlags, name: string): Promise<void> {
  const { configDir, resources } = await registry();
  if (resources.some((r) => r.name === name)) {
    throw new PaiError(`A resource named "${name}" exists already`, {
      exitCode: EXIT.USAGE,
      hint: `pai resource update ${name} …`,
    });
  }
  const resource = await checkDefinition(name, flags as DefinitionInput, { cwd: Deno.cwd(), env });
  if (resource.kind === "note") await withDb((db) => setNote(db, name, flags.text!));
  saveResources(configDir, [...resources, resource]);
  stdout.write(`Registered ${name}: ${describe(resource)}.\n`);
}

function describe(r: Resource): string {
  const where = r.kind === "note" ? "note" : r.kind === "postgres" ? `postgres from $${r.env}` : `${r.kind} ${r.uri}`;
  return `${where}${r.env && r.kind === "url" ? ` (token from $${r.env})` : ""}, labelled ${r.label}`;
}

/** Changes a resource's definition (its kind stays), checked as when it was added. */
export async function update(this: CommandContext, flags: UpdateFlags, name: string): Promise<void> {
  const { configDir, resources } = await registry();
  const old = find(resources, name);
  const input: DefinitionInput = {
    kind: old.kind,
    uri: flags.uri ??
      (old.kind === "file" || old.kind === "folder" || old.kind === "sqlite" || old.kind === "url" || old.kind === "s3"
        ? old.uri
        : undefined),
    text: old.kind === "note" ? flags.text ?? "" : flags.text,
    env: flags.env ?? old.env,
    label: flags.label ?? old.label,
    description: flags.description ?? old.description,
  };
  const resource = await checkDefinition(name, input, { cwd: Deno.cwd(), env });
  if (old.kind === "note" && flags.text !== undefined) await withDb((db) => setNote(db, name, flags.text!));
  saveResources(configDir, resources.map((r) => r.name === name ? resource : r));
  stdout.write(`Updated ${name}: ${describe(resource)}.\n`);
}

/** Lists the resources. */
export async function list(this: CommandContext, flags: { json: boolean }): Promise<void> {
  const { resources } = await registry();
  if (flags.json) stdout.write(`${JSON.stringify(resources)}\n`);
  else if (!resources.length) {
    stdout.write("No resources. Register one with: pai resource add NAME --kind KIND --uri URI\n");
  } else {
    printTable(stdout, [
      ["NAME", "KIND", "LABEL", "WHERE"],
      ...resources.map((r) => [r.name, r.kind, r.label, r.uri ?? (r.env ? `$${r.env}` : "(PAI's database)")]),
    ]);
  }
}

/** Forgets a resource (and a note's text; other data is untouched). */
export async function rm(this: CommandContext, _flags: Record<never, never>, name: string): Promise<void> {
  const { configDir, resources } = await registry();
  const r = find(resources, name);
  if (r.kind === "note") await withDb((db) => deleteNote(db, name));
  saveResources(configDir, resources.filter((x) => x.name !== name));
  stdout.write(r.kind === "note" ? `Deleted the note ${name}.\n` : `Forgot ${name} (the data itself is untouched).\n`);
}

async function withDb<T>(work: (db: Awaited<ReturnType<typeof openState>>["db"]) => T): Promise<T> {
  const { db } = await openState();
  try {
    return work(db);
  } finally {
    db.close();
  }
}

/** A grant of exactly these paths, for one direct operation on a resource. */
function grantFor(read: string[], write: string[] = []): Grant {
  return { read, write, net: [], denyRead: [], denyWrite: [], env: {}, ...TOOL_LIMITS, reason: "pai resource" };
}

/** Runs a tool program on a resource and returns its result, or throws its error for the user. */
async function viaTool(program: string, request: unknown, grant: Grant): Promise<unknown> {
  const outcome = await runToolProcess(`${TOOLS_DIR}/${program}`, request, grant);
  if (!outcome.ok) throw new PaiError(`${outcome.error.type}: ${outcome.error.message}`, { exitCode: EXIT.FAILURE });
  return outcome.result;
}

/** A path inside a folder resource: relative, no way out. */
function inside(folder: string, path: string | undefined): string {
  if (!path) throw new PaiError("Give a PATH inside the folder", { exitCode: EXIT.USAGE });
  const clean = path.split("/").filter((s) => s && s !== ".");
  if (path.startsWith("/") || clean.includes("..")) {
    throw new PaiError(`PATH "${path}" must stay inside the folder`, { exitCode: EXIT.USAGE });
  }
  return `${folder}/${clean.join("/")}`;
}

function notYet(r: Resource): PaiError {
  return new PaiError(`PAI cannot read or write ${r.kind} resources directly yet; only their definition is kept`, {
    exitCode: EXIT.USAGE,
  });
}

/** Prints text as it is (neutralised), ending on a new line. */
function printText(text: string): void {
  const safe = neutralizeControls(text);
  stdout.write(safe.endsWith("\n") || safe === "" ? safe : `${safe}\n`);
}

/** Prints a resource's content: a note's text, a file, a file in a folder, a SQLite table. */
export async function get(
  this: CommandContext,
  _flags: Record<never, never>,
  name: string,
  path?: string,
): Promise<void> {
  const { resources } = await registry();
  const r = find(resources, name);
  switch (r.kind) {
    case "note":
      printText(await withDb((db) => noteText(db, name) ?? ""));
      return;
    case "file":
    case "folder": {
      const file = r.kind === "file" ? r.uri! : inside(r.uri!, path);
      const result = await viaTool("fs_read.ts", { path: file }, grantFor([file])) as { content: string };
      printText(result.content);
      return;
    }
    case "sqlite": {
      const db = r.uri!;
      const files = [db, `${db}-journal`, `${db}-wal`, `${db}-shm`];
      const sql = path
        ? `SELECT * FROM "${path.replaceAll('"', '""')}" LIMIT 100`
        : "SELECT name, type FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name";
      const result = await viaTool("sql_query.ts", { database: db, sql, readOnly: true }, grantFor(files));
      stdout.write(`${JSON.stringify((result as { rows: unknown[] }).rows, null, 2)}\n`);
      return;
    }
    default:
      throw notYet(r);
  }
}

/** Replaces a resource's content with stdin: a note's text, a file, a file in a folder. */
export async function put(
  this: CommandContext,
  _flags: Record<never, never>,
  name: string,
  path?: string,
): Promise<void> {
  const { resources } = await registry();
  const r = find(resources, name);
  if (Deno.stdin.isTerminal()) {
    throw new PaiError("Pipe the new content on stdin", {
      exitCode: EXIT.USAGE,
      hint: `pai resource put ${name} < file`,
    });
  }
  const data = await readPipedStdin();
  switch (r.kind) {
    case "note":
      await withDb((db) => setNote(db, name, data.replace(/\n$/, "")));
      break;
    case "file":
    case "folder": {
      const file = r.kind === "file" ? r.uri! : inside(r.uri!, path);
      // As for the model's fs_write: a new file in new folders is granted its top-most new folder.
      const { write } = await resolveNeeds({ read: [], write: [file], net: [] }, "/");
      await viaTool("fs_write.ts", { path: file, content: data }, grantFor([], write));
      break;
    }
    default:
      throw notYet(r);
  }
  stdout.write(`Wrote ${new TextEncoder().encode(data).length} bytes to ${name}${path ? `/${path}` : ""}.\n`);
}

/** The definition and, for local data, a short preview. */
export async function show(this: CommandContext, flags: { json: boolean }, name: string): Promise<void> {
  const { resources } = await registry();
  const r = find(resources, name);
  let preview: string | undefined;
  try {
    if (r.kind === "note") preview = await withDb((db) => noteText(db, name) ?? "");
    if (r.kind === "file") {
      preview =
        ((await viaTool("fs_read.ts", { path: r.uri, limit: 10 }, grantFor([r.uri!]))) as { content: string }).content;
    }
    if (r.kind === "folder") {
      const listed = (await viaTool("fs_list.ts", { path: r.uri }, grantFor([r.uri!]))) as {
        entries: { path: string; type: string }[];
      };
      preview = listed.entries.slice(0, 20).map((e) => `${e.path}${e.type === "dir" ? "/" : ""}`).join("\n");
    }
  } catch (error) {
    preview = `(not reachable: ${error instanceof Error ? error.message : error})`;
  }
  if (flags.json) {
    stdout.write(`${JSON.stringify({ ...r, preview: preview ?? null })}\n`);
    return;
  }
  stdout.write(`${r.name}: ${describe(r)}${r.description ? `\n${r.description}` : ""}\n`);
  if (preview !== undefined) stdout.write(`\n${neutralizeControls(preview)}\n`);
}

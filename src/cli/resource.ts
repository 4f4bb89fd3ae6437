/**
 * `pai resource add|list|show|update|rm|get|put`: the user's named data.
 * Direct reads and writes of files, folders and SQLite databases go through
 * the same sandboxed tool programs as the model's, with a grant of exactly
 * that resource; a note's text is kept in PAI's database.
 */
import type { CommandContext } from "@stricli/core";
import { EXIT, PaiError } from "../core/errors.ts";
import { paiPaths } from "../core/paths.ts";
import { openState, policyHere, withDatabase } from "../modes/session_setup.ts";
import { createToolManager } from "../modes/tool_setup.ts";
import { recordUserChange } from "../modes/user_change.ts";
import type { DefinitionInput } from "../resources/backend.ts";
import { checkDefinition } from "../resources/definition.ts";
import { loadResources, type Resource, saveResources } from "../resources/registry.ts";
import { deleteNote, setNote } from "../store/notes.ts";
import { currentSession } from "../store/sessions.ts";
import { stderr, stdout } from "../ui/output.ts";
import { inline, line, neutralizeControls } from "../ui/sanitize.ts";
import { printTable } from "../ui/table.ts";
import { readPipedStdin } from "./stdin.ts";

/** Flags of `pai resource add`: a definition, as `checkDefinition` takes it. */
export type AddFlags = DefinitionInput & { default: boolean };

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
  await withDatabase(async (db) => {
    if (resource.kind === "note") setNote(db, name, flags.text!);
    saveResources(configDir, [...resources, resource]);
    await recordUserChange(db, { change: "resource_added", resource: name, resourceKind: resource.kind });
  });
  stdout.write(line`Registered ${name}: ${describe(resource)}.\n`);
}

/** One line about a resource, from its definition (names, URIs and variables are neutralised where it is printed). */
function describe(r: Resource): string {
  const where = r.kind === "note" ? "note" : r.kind === "postgres" ? `postgres from $${r.env}` : `${r.kind} ${r.uri}`;
  return `${where}${r.env && r.kind === "url" ? ` (token from $${r.env})` : ""}, labelled ${r.label}${
    r.default ? ", default (chat reaches it)" : ""
  }`;
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
    default: flags.default ?? old.default,
  };
  const resource = await checkDefinition(name, input, { cwd: Deno.cwd(), env });
  await withDatabase(async (db) => {
    if (old.kind === "note" && flags.text !== undefined) setNote(db, name, flags.text);
    saveResources(configDir, resources.map((r) => r.name === name ? resource : r));
    await recordUserChange(db, { change: "resource_updated", resource: name, resourceKind: resource.kind });
  });
  stdout.write(line`Updated ${name}: ${describe(resource)}.\n`);
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
  await withDatabase(async (db) => {
    if (r.kind === "note") deleteNote(db, name);
    saveResources(configDir, resources.filter((x) => x.name !== name));
    await recordUserChange(db, { change: "resource_removed", resource: name, resourceKind: r.kind });
  });
  stdout.write(
    r.kind === "note" ? line`Deleted the note ${name}.\n` : line`Forgot ${name} (the data itself is untouched).\n`,
  );
}

/**
 * Runs a resource tool for the user: the same sandboxed path as the model's calls, with agent mode's reach (the
 * user may do anything with their own data), recorded in the current session's audit log as the user's, not a
 * mode's.
 */
async function asUser(tool: "resource_read" | "resource_update", args: Record<string, unknown>): Promise<unknown> {
  const { db } = await openState();
  try {
    const { policy, workspace } = await policyHere(db, env, (text) => stderr.write(line`${text}\n`));
    const manager = await createToolManager({
      db,
      session: currentSession(db),
      mode: "agent",
      actor: "user",
      pregrants: { read: [], write: [], net: [] },
      policy,
      workspace,
    });
    const { outcome } = await manager.execute({ id: "cli", name: tool, arguments: JSON.stringify(args) });
    if (!outcome.ok) throw new PaiError(`${outcome.error.type}: ${outcome.error.message}`, { exitCode: EXIT.FAILURE });
    return outcome.result;
  } finally {
    db.close();
  }
}

/** What `get NAME PATH` means for each kind. */
function readArgs(r: Resource, path?: string): Record<string, unknown> {
  const table = (t: string) => `SELECT * FROM "${t.replaceAll('"', '""')}" LIMIT 100`;
  switch (r.kind) {
    case "folder":
    case "url":
      return { name: r.name, ...(path ? { path } : {}) };
    case "s3":
      return { name: r.name, ...(path ? { key: path } : {}) };
    case "sqlite":
    case "postgres":
      return { name: r.name, ...(path ? { query: table(path) } : {}) };
    default:
      return { name: r.name };
  }
}

/** A result as text for the terminal: contents as they are, listings one per line, rows as JSON. */
function asText(result: unknown): string {
  const r = result as {
    content?: unknown;
    text?: unknown;
    body?: unknown;
    rows?: unknown;
    entries?: { path: string; type: string }[];
    objects?: { key: string }[];
  };
  for (const value of [r.content, r.text, r.body]) if (typeof value === "string") return value;
  // One line per name, whatever the name holds: a file name or an S3 key (which a bucket's owner chooses) with a
  // newline in it must not draw a line of its own.
  if (r.entries) return r.entries.map((e) => line`${e.path}${e.type === "dir" ? "/" : ""}\n`).join("");
  if (r.objects) return r.objects.map((o) => line`${o.key}\n`).join("");
  return `${JSON.stringify(r.rows ?? result, null, 2)}\n`;
}

/** Prints a resource's text as it is, a block whose lines are its own (neutralised), ending on a new line. */
function printText(text: string): void {
  const safe = neutralizeControls(text);
  stdout.write(safe.endsWith("\n") || safe === "" ? safe : `${safe}\n`);
}

/** Prints a resource's content (for a folder or a bucket without PATH: its entries; for a database: its tables). */
export async function get(
  this: CommandContext,
  _flags: Record<never, never>,
  name: string,
  path?: string,
): Promise<void> {
  const r = find((await registry()).resources, name);
  printText(asText(await asUser("resource_read", readArgs(r, path))));
}

/** Replaces a resource's content with stdin: a note, a file, a file in a folder, an object under an S3 prefix. */
export async function put(
  this: CommandContext,
  _flags: Record<never, never>,
  name: string,
  path?: string,
): Promise<void> {
  const r = find((await registry()).resources, name);
  if (Deno.stdin.isTerminal()) {
    throw new PaiError("Pipe the new content on stdin", {
      exitCode: EXIT.USAGE,
      hint: `pai resource put ${name} < file`,
    });
  }
  const data = await readPipedStdin();
  const args = r.kind === "note"
    ? { name, text: data.replace(/\n$/, "") }
    : r.kind === "file"
    ? { name, content: data }
    : r.kind === "folder"
    ? { name, path, content: data }
    : r.kind === "s3"
    ? { name, key: path, content: data }
    : undefined;
  if (!args) {
    throw new PaiError(`put does not apply to ${r.kind} resources`, {
      exitCode: EXIT.USAGE,
      hint: r.kind === "url" ? undefined : "Change a database with SQL through pai agent (resource_update)",
    });
  }
  await asUser("resource_update", args);
  stdout.write(line`Wrote ${new TextEncoder().encode(data).length} bytes to ${path ? `${name}/${path}` : name}.\n`);
}

/** The definition and a short preview when the data is reachable. */
export async function show(this: CommandContext, flags: { json: boolean }, name: string): Promise<void> {
  const r = find((await registry()).resources, name);
  let preview: string;
  try {
    const text = asText(await asUser("resource_read", readArgs(r)));
    const lines = text.split("\n");
    preview = lines.slice(0, 20).join("\n") + (lines.length > 21 ? "\n…" : "");
  } catch (error) {
    preview = `(not reachable: ${inline(error instanceof Error ? error.message : error)})`;
  }
  if (flags.json) {
    stdout.write(`${JSON.stringify({ ...r, preview })}\n`);
    return;
  }
  stdout.write(
    r.description ? line`${r.name}: ${describe(r)}\n${r.description}\n\n` : line`${r.name}: ${describe(r)}\n\n`,
  );
  printText(preview);
}

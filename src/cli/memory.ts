/** `pai memory list|show|rm`: what the assistant remembers in the current session, to see and to edit. */
import { clip } from "../core/clip.ts";
import type { CommandContext } from "@stricli/core";
import { EXIT, PaiError } from "../core/errors.ts";
import { withDatabase } from "../modes/session_setup.ts";
import { recordUserChange } from "../modes/user_change.ts";
import type { Database } from "../store/db.ts";
import { deleteMemory, getMemory, listMemories, type Memory } from "../store/memories.ts";
import { currentSession, type Session } from "../store/sessions.ts";
import { stdout } from "../ui/output.ts";
import { line } from "../ui/sanitize.ts";
import { printTable } from "../ui/table.ts";

/** Lists the session's memories: id, when saved, label, text. */
export async function list(this: CommandContext, flags: { json: boolean }): Promise<void> {
  await withSession((db, session) => {
    const memories = session ? listMemories(db, session.id) : [];
    if (flags.json) return void stdout.write(`${JSON.stringify(memories)}\n`);
    if (!memories.length) {
      return void stdout.write("The assistant remembers nothing in this session (it saves memories as it works).\n");
    }
    printTable(stdout, [
      ["ID", "SAVED", "LABEL", "MEMORY"],
      ...memories.map((m) => [String(m.id), m.createdAt.slice(0, 16).replace("T", " "), m.label, clip(m.text, 100)]),
    ]);
  });
}

/** Shows one memory whole, with the sources of the data it came from. */
export async function show(this: CommandContext, flags: { json: boolean }, id: number): Promise<void> {
  await withSession((db, session) => {
    const memory = found(db, session, id);
    if (flags.json) return void stdout.write(`${JSON.stringify(memory)}\n`);
    printTable(stdout, [
      ["memory", String(memory.id)],
      ["saved", memory.createdAt],
      ["label", memory.label],
      ["from", memory.sources.join(", ") || "no labelled file or resource"],
    ]);
    stdout.write(line`\n${memory.text}\n`);
  });
}

/** Removes one memory: the assistant no longer sees it. */
export async function rm(this: CommandContext, _flags: Record<never, never>, id: number): Promise<void> {
  await withSession(async (db, session) => {
    const memory = found(db, session, id);
    deleteMemory(db, session!.id, id);
    await recordUserChange(db, { change: "memory_removed", memoryId: id, label: memory.label });
    stdout.write(`Removed memory ${id}.\n`);
  });
}

function found(db: Database, session: Session | undefined, id: number): Memory {
  const memory = session && getMemory(db, session.id, id);
  if (!memory) {
    throw new PaiError(`No memory ${id} in this session`, {
      exitCode: EXIT.USAGE,
      hint: '"pai memory list" shows what the assistant remembers',
    });
  }
  return memory;
}

function withSession(work: (db: Database, session: Session | undefined) => void | Promise<void>): Promise<void> {
  return withDatabase((db) => work(db, currentSession(db)));
}

/**
 * The working-memory tools of the modes that have working memory (assistant): save a short note for later tasks,
 * search the notes, forget one. PAI answers them itself, from its database: no program runs, nothing outside PAI's
 * state is reached. A saved memory takes the label of the most sensitive data the run had seen (and that data's
 * sources), so that it is later sent only where that data may go; a search returns only the memories this provider
 * may receive, saying how many it left out.
 */
import { higherLabel, type Label } from "../core/types.ts";
import type { ToolManifest } from "./manifest.ts";

/** One memory as a search answers it. */
export interface FoundMemory {
  id: number;
  text: string;
  label: Label;
  created: string;
}

/** The most sensitive label of the data a run has seen so far, and that data's sources. */
export interface Seen {
  label: Label;
  sources: string[];
}

/** What the memory tools need from PAI: the session's memories, labelled. */
export interface MemoryHost {
  /** Saves a memory with the label and sources of what the run has seen. */
  save(text: string, from: Seen): { id: number; label: Label };
  /** The memories that match, those the provider may receive; the count of the others; their sources. */
  search(query: string, limit: number): { found: FoundMemory[]; withheld: number; sources: string[] };
  forget(id: number): boolean;
}

/** What a memory call comes to: an answer (with the label and sources of what it holds), or a refusal. */
export type Remembered = { answer: unknown; label?: Label; sources?: string[] } | { refuse: string };

/** A memory tool: a manifest PAI answers itself (no program). */
export type MemoryToolManifest<A> = ToolManifest<A> & {
  remember(args: A, host: MemoryHost, seen: Seen): Remembered;
};

export interface MemorySaveArgs {
  text: string;
}
export interface MemorySearchArgs {
  query: string;
  limit?: number;
}
export interface MemoryForgetArgs {
  id: number;
}

function memoryTool<A>(
  name: string,
  description: string,
  access: "read" | "write",
  remember: (args: A, host: MemoryHost, seen: Seen) => Remembered,
): MemoryToolManifest<A> {
  return {
    name,
    description,
    program: "",
    access,
    workingMemory: true,
    needs: () => ({ read: [], write: [], net: [] }),
    request: (a) => a,
    permissionsDoc: "none: PAI answers it from the session's working memory (its database)",
    remember,
  };
}

export const MEMORY_SAVE = memoryTool<MemorySaveArgs>(
  "memory_save",
  "Save a short fact for later tasks (the user's preferences, what you found, what is still to do). " +
    "Memories last until the user resets the session; keep each one self-contained.",
  "write",
  (a, host, seen) => {
    const { id, label } = host.save(a.text.trim(), seen);
    return { answer: { saved: id, label } };
  },
);

export const MEMORY_SEARCH = memoryTool<MemorySearchArgs>(
  "memory_search",
  "Search your saved memories by words; returns the best matches with their ids.",
  "read",
  (a, host) => {
    const { found, withheld, sources } = host.search(a.query, a.limit ?? 10);
    const label = found.length ? found.map((m) => m.label).reduce(higherLabel) : undefined;
    return {
      answer: { memories: found, ...(withheld ? { withheld: `${withheld} more this model may not receive` } : {}) },
      ...(label ? { label } : {}),
      ...(sources.length ? { sources } : {}),
    };
  },
);

export const MEMORY_FORGET = memoryTool<MemoryForgetArgs>(
  "memory_forget",
  "Forget a saved memory that is wrong or no longer useful, by its id.",
  "write",
  (a, host) => host.forget(a.id) ? { answer: { forgot: a.id } } : { refuse: `There is no memory ${a.id}` },
);

export const MEMORY_TOOLS = [MEMORY_SAVE, MEMORY_SEARCH, MEMORY_FORGET];

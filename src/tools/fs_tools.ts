/** The file tools: fs_read, fs_list, fs_search, fs_write, fs_edit (their arguments' schemas: `tool_schemas.ts`). */
import type { ToolManifest } from "./manifest.ts";

export type FsReadArgs = { path: string; offset?: number; limit?: number };
export type FsListArgs = { path: string; recursive?: boolean; glob?: string };
export type FsSearchArgs = { pattern: string; path?: string; glob?: string };
export type FsWriteArgs = { path: string; content: string };
export type FsEditArgs = { path: string; old: string; new: string };
export type FsDeleteArgs = { path: string };

export const FS_READ: ToolManifest<FsReadArgs> = {
  name: "fs_read",
  description: "Read a text file. Returns its lines (optionally from line `offset`, at most `limit` lines).",
  program: "fs_read.ts",
  access: "read",
  needs: (a) => ({ read: [a.path], write: [], net: [] }),
  request: (a, real) => ({ ...a, path: real(a.path) }),
  permissionsDoc: "read of that file (its real path)",
};

export const FS_LIST: ToolManifest<FsListArgs> = {
  name: "fs_list",
  description: "List a folder's entries (optionally recursively, optionally filtered by a glob such as *.md).",
  program: "fs_list.ts",
  access: "read",
  needs: (a) => ({ read: [a.path], write: [], net: [] }),
  request: (a, real) => ({ ...a, path: real(a.path) }),
  resultPaths: (r) => {
    const { root, entries } = r as { root: string; entries: { path: string }[] };
    return entries.map((e) => `${root}/${e.path}`);
  },
  permissionsDoc: "read of that folder (its real path); symlinks inside are listed, never followed",
};

export const FS_SEARCH: ToolManifest<FsSearchArgs> = {
  name: "fs_search",
  description: "Search files for lines matching a regular expression, under a folder (default: the workspace).",
  program: "fs_search.ts",
  access: "read",
  needs: (a) => ({ read: [a.path ?? "."], write: [], net: [] }),
  request: (a, real) => ({ ...a, path: real(a.path ?? ".") }),
  resultPaths: (r) => {
    const { root, matches } = r as { root: string; matches: { file: string }[] };
    return matches.map((m) => `${root}/${m.file}`);
  },
  permissionsDoc: "read of that folder (its real path); symlinks inside are skipped",
};

export const FS_WRITE: ToolManifest<FsWriteArgs> = {
  name: "fs_write",
  description: "Write a whole file (created with its parent folders if needed, replaced if it exists).",
  program: "fs_write.ts",
  access: "write",
  needs: (a) => ({ read: [], write: [a.path], net: [] }),
  request: (a, real) => ({ ...a, path: real(a.path) }),
  proposed: (a) => a.content,
  permissionsDoc: "write of that file, or of its top-most new parent folder when folders must be created",
};

export const FS_EDIT: ToolManifest<FsEditArgs> = {
  name: "fs_edit",
  description: "Replace one exact, unique occurrence of `old` with `new` in a text file.",
  program: "fs_edit.ts",
  access: "write",
  needs: (a) => ({ read: [a.path], write: [a.path], net: [] }),
  request: (a, real) => ({ ...a, path: real(a.path) }),
  // As the program does it: one exact, unique occurrence, or the call fails.
  proposed: (a, before) => {
    const first = before?.indexOf(a.old) ?? -1;
    if (before === undefined || first < 0 || before.indexOf(a.old, first + 1) !== -1) return undefined;
    return before.slice(0, first) + a.new + before.slice(first + a.old.length);
  },
  permissionsDoc: "read and write of that file",
};

/** fs_delete: one file; reached only through a folder resource (the model deletes with resource_delete). */
export const FS_DELETE: ToolManifest<FsDeleteArgs> = {
  name: "fs_delete",
  description: "Delete one file (through a folder resource).",
  program: "fs_delete.ts",
  internal: true,
  access: "write",
  // Read too: the program checks that it deletes a file, never a folder.
  needs: (a) => ({ read: [a.path], write: [a.path], net: [] }),
  request: (a, real) => ({ path: real(a.path) }),
  permissionsDoc: "read and write of that file",
};

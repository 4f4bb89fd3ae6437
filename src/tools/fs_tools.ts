/** The file tools: fs_read, fs_list, fs_search, fs_write, fs_edit. */
import { z } from "zod";
import type { ToolManifest } from "./manifest.ts";

const path = z.string().min(1).describe("File path, relative to the workspace or absolute");

export const FS_READ: ToolManifest<{ path: string; offset?: number; limit?: number }> = {
  name: "fs_read",
  description: "Read a text file. Returns its lines (optionally from line `offset`, at most `limit` lines).",
  schema: z.strictObject({
    path,
    offset: z.number().int().min(1).optional().describe("First line to return (1-based)"),
    limit: z.number().int().min(1).optional().describe("How many lines to return"),
  }),
  program: "fs_read.ts",
  access: "read",
  needs: (a) => ({ read: [a.path], write: [], net: [] }),
  request: (a, real) => ({ ...a, path: real(a.path) }),
  permissionsDoc: "read of that file (its real path)",
};

export const FS_LIST: ToolManifest<{ path: string; recursive?: boolean; glob?: string }> = {
  name: "fs_list",
  description: "List a folder's entries (optionally recursively, optionally filtered by a glob such as *.md).",
  schema: z.strictObject({
    path: path.describe("Folder path, relative to the workspace or absolute"),
    recursive: z.boolean().optional(),
    glob: z.string().optional(),
  }),
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

export const FS_SEARCH: ToolManifest<{ pattern: string; path?: string; glob?: string }> = {
  name: "fs_search",
  description: "Search files for lines matching a regular expression, under a folder (default: the workspace).",
  schema: z.strictObject({
    pattern: z.string().min(1).describe("JavaScript regular expression"),
    path: path.optional().describe("Folder to search (default: the workspace)"),
    glob: z.string().optional().describe("Only files matching this glob, such as *.ts"),
  }),
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

export const FS_WRITE: ToolManifest<{ path: string; content: string }> = {
  name: "fs_write",
  description: "Write a whole file (created with its parent folders if needed, replaced if it exists).",
  schema: z.strictObject({ path, content: z.string() }),
  program: "fs_write.ts",
  access: "write",
  needs: (a) => ({ read: [], write: [a.path], net: [] }),
  request: (a, real) => ({ ...a, path: real(a.path) }),
  permissionsDoc: "write of that file, or of its top-most new parent folder when folders must be created",
};

export const FS_EDIT: ToolManifest<{ path: string; old: string; new: string }> = {
  name: "fs_edit",
  description: "Replace one exact, unique occurrence of `old` with `new` in a text file.",
  schema: z.strictObject({ path, old: z.string().min(1), new: z.string() }),
  program: "fs_edit.ts",
  access: "write",
  needs: (a) => ({ read: [a.path], write: [a.path], net: [] }),
  request: (a, real) => ({ ...a, path: real(a.path) }),
  permissionsDoc: "read and write of that file",
};

/** fs_delete: one file; reached only through a folder resource (the model deletes with resource_delete). */
export const FS_DELETE: ToolManifest<{ path: string }> = {
  name: "fs_delete",
  description: "Delete one file (through a folder resource).",
  schema: z.strictObject({ path }),
  program: "fs_delete.ts",
  internal: true,
  access: "write",
  // Read too: the program checks that it deletes a file, never a folder.
  needs: (a) => ({ read: [a.path], write: [a.path], net: [] }),
  request: (a, real) => ({ path: real(a.path) }),
  permissionsDoc: "read and write of that file",
};

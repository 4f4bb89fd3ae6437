/** A folder: its entries listed and its files read, written and deleted by the fs tools, granted the folder only. */
import { type Expansion, type ResourceBackend, sandboxed } from "../backend.ts";
import { existingPath } from "./local_path.ts";

/** `path` under `folder` as text, or undefined when it is absolute or climbs out with `..`. */
export function insideFolder(folder: string, path: string): string | undefined {
  const parts = path.split("/").filter((p) => p && p !== ".");
  if (path.startsWith("/") || parts.includes("..")) return undefined;
  return parts.length ? `${folder}/${parts.join("/")}` : folder;
}

/** A path strictly inside the folder (not the folder itself), or the refusal. */
function entry(folder: string, path: string | undefined): string | Expansion {
  const target = path && insideFolder(folder, path);
  return target && target !== folder ? target : { refuse: `path "${path ?? ""}" must stay inside the folder` };
}

export const FOLDER: ResourceBackend = {
  define: async (input, options) => ({ uri: await existingPath(input, options.cwd) }),
  read({ resource: r }, args) {
    const target = insideFolder(r.uri!, args.path ?? "");
    if (!target) return { refuse: `path "${args.path}" must stay inside the folder` };
    return args.path
      ? sandboxed("fs_read", { path: target }, { read: [r.uri!] })
      : sandboxed("fs_list", { path: r.uri, recursive: true }, { read: [r.uri!] });
  },
  update({ resource: r }, args) {
    const target = entry(r.uri!, args.path);
    if (typeof target !== "string") return target;
    if (args.content === undefined) return { refuse: "give the file's content" };
    return sandboxed("fs_write", { path: target, content: args.content }, { write: [r.uri!] });
  },
  delete({ resource: r }, args) {
    const target = entry(r.uri!, args.path);
    if (typeof target !== "string") return target;
    return sandboxed("fs_delete", { path: target }, { read: [r.uri!], write: [r.uri!] });
  },
};

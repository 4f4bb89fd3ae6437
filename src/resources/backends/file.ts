/** A file: read and written by the fs tools, granted that one real path. */
import { notDeleted, type ResourceBackend, sandboxed } from "../backend.ts";
import { existingPath } from "./local_path.ts";

export const FILE: ResourceBackend = {
  define: async (input, options) => ({ uri: await existingPath(input, options.cwd) }),
  read: ({ resource: r }) => sandboxed("fs_read", { path: r.uri }, { read: [r.uri!] }),
  update({ resource: r }, args) {
    if (args.content === undefined) return { refuse: "give the file's new content" };
    return sandboxed("fs_write", { path: r.uri, content: args.content }, { write: [r.uri!] });
  },
  delete: () => notDeleted("file", "the user runs pai resource rm"),
  async attach(r) {
    // Resolved now, not at registration: the label check and the read both see what the path leads to today.
    const real = await Deno.realPath(r.uri!);
    return { real, text: () => Deno.readTextFile(real) };
  },
};

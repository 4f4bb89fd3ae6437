/** fs_search: lines matching a regex under a folder. Request: { pattern, path, glob? }. Symlinks are skipped. */
import {
  checkPinned,
  type FolderLimits,
  globToRegExp,
  openInFolder,
  type Pinned,
  readAll,
  serve,
  ToolError,
  walk,
} from "./_protocol.ts";

const MAX_MATCHES = 500;
const MAX_FILE_BYTES = 2 * 1024 * 1024;

await serve(
  async (req: { pattern: string; path: string; glob?: string; pinned?: Pinned } & FolderLimits) => {
    await checkPinned(req.path, req.pinned);
    let regex: RegExp;
    try {
      regex = new RegExp(req.pattern);
    } catch (error) {
      throw new ToolError("invalid_input", `Invalid pattern: ${(error as Error).message}`);
    }
    const match = req.glob ? globToRegExp(req.glob) : undefined;
    const matches: { file: string; line: number; text: string }[] = [];
    for await (const entry of walk(req.path, true)) {
      if (entry.type !== "file" || (match && !match.test(entry.path))) continue;
      // Never a link swapped in since the listing, nor a second name of a protected file.
      const file = await openInFolder(entry.full, req);
      if (!file) continue;
      let bytes: Uint8Array;
      try {
        if ((await file.stat()).size > MAX_FILE_BYTES) continue;
        bytes = await readAll(file);
      } finally {
        file.close();
      }
      if (bytes.includes(0)) continue; // binary
      const lines = new TextDecoder().decode(bytes).split("\n");
      for (let i = 0; i < lines.length; i++) {
        if (!regex.test(lines[i])) continue;
        matches.push({ file: entry.path, line: i + 1, text: lines[i].slice(0, 500) });
        if (matches.length === MAX_MATCHES) return { root: req.path, matches, truncated: true };
      }
    }
    return { root: req.path, matches, truncated: false };
  },
);

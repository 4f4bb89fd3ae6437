/** fs_list: the entries of a folder. Request: { path, recursive?, glob? }. Symlinks are listed, never followed. */
import { checkPinned, globToRegExp, type Pinned, serve, walk } from "./_protocol.ts";

const MAX_ENTRIES = 5000;

await serve(async (req: { path: string; recursive?: boolean; glob?: string; pinned?: Pinned }) => {
  await checkPinned(req.path, req.pinned);
  const match = req.glob ? globToRegExp(req.glob) : undefined;
  const entries: { path: string; type: string }[] = [];
  let truncated = false;
  for await (const entry of walk(req.path, req.recursive ?? false)) {
    if (match && !match.test(entry.path)) continue;
    if (entries.length === MAX_ENTRIES) {
      truncated = true;
      break;
    }
    entries.push({ path: entry.path, type: entry.type });
  }
  return { root: req.path, entries, truncated };
});

/** fs_read: the lines of one text file. Request: { path (real, absolute), offset?, limit?, pinned }. */
import { openPinned, type Pinned, readAll, serve, ToolError } from "./_protocol.ts";

const MAX_BYTES = 10 * 1024 * 1024;

await serve(async (req: { path: string; offset?: number; limit?: number; pinned?: Pinned }) => {
  // Opened once and checked by identity: what is read is the file PAI decided on, whatever the path became.
  using file = await openPinned(req.path, req.pinned, { read: true });
  const info = await file.stat();
  if (!info.isFile) throw new ToolError("invalid_input", `"${req.path}" is not a file`);
  if (info.size > MAX_BYTES) {
    throw new ToolError("too_large", `"${req.path}" is ${info.size} bytes; read at most ${MAX_BYTES}`);
  }
  const lines = new TextDecoder().decode(await readAll(file)).split("\n");
  const from = Math.max(0, (req.offset ?? 1) - 1);
  const to = req.limit === undefined ? lines.length : Math.min(lines.length, from + req.limit);
  return {
    path: req.path,
    totalLines: lines.length,
    fromLine: from + 1,
    toLine: to,
    content: lines.slice(from, to).join("\n"),
  };
});

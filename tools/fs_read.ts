/** fs_read: the lines of one text file. Request: { path (real, absolute), offset?, limit? }. */
import { serve, ToolError } from "./_protocol.ts";

const MAX_BYTES = 10 * 1024 * 1024;

await serve(async (req: { path: string; offset?: number; limit?: number }) => {
  const info = await Deno.stat(req.path);
  if (!info.isFile) throw new ToolError("invalid_input", `"${req.path}" is not a file`);
  if (info.size > MAX_BYTES) {
    throw new ToolError("too_large", `"${req.path}" is ${info.size} bytes; read at most ${MAX_BYTES}`);
  }
  const lines = (await Deno.readTextFile(req.path)).split("\n");
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

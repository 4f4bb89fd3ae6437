/** fs_delete: deletes one file (never a folder). Request: { path }. Reached through a folder resource. */
import { serve, ToolError } from "./_protocol.ts";

await serve(async (req: { path: string }) => {
  const info = await Deno.lstat(req.path);
  if (!info.isFile) throw new ToolError("invalid_input", `"${req.path}" is not a file`);
  await Deno.remove(req.path);
  return { deleted: req.path };
});

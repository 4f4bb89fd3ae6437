/** fs_delete: deletes one file (never a folder). Request: { path, pinned }. Reached through a folder resource. */
import { checkPinned, type Pinned, serve, ToolError } from "./_protocol.ts";

await serve(async (req: { path: string; pinned?: Pinned }) => {
  const info = await checkPinned(req.path, req.pinned);
  if (!info.isFile) throw new ToolError("invalid_input", `"${req.path}" is not a file`);
  await Deno.remove(req.path);
  return { deleted: req.path };
});

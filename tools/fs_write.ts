/** fs_write: writes a whole file, creating its parent folders. Request: { path, content, pinned }. */
import { openPinned, type Pinned, serve, writeAll } from "./_protocol.ts";

await serve(async (req: { path: string; content: string; pinned?: Pinned }) => {
  const bytes = new TextEncoder().encode(req.content);
  let file: Deno.FsFile;
  try {
    file = await openPinned(req.path, req.pinned, { write: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound) || req.pinned?.[req.path] !== "absent") throw error;
    // Only a missing parent gets made: mkdir of one that exists would need write access to it, and the grant
    // names just this file (or, when folders must be created, the top-most new one).
    await Deno.mkdir(req.path.slice(0, req.path.lastIndexOf("/")) || "/", { recursive: true });
    file = await openPinned(req.path, req.pinned, { write: true });
  }
  try {
    await writeAll(file, bytes);
  } finally {
    file.close();
  }
  return { path: req.path, bytes: bytes.length };
});

/** fs_write: writes a whole file, creating its parent folders. Request: { path, content }. */
import { serve } from "./_protocol.ts";

await serve(async (req: { path: string; content: string }) => {
  const parent = req.path.slice(0, req.path.lastIndexOf("/")) || "/";
  await Deno.mkdir(parent, { recursive: true });
  await Deno.writeTextFile(req.path, req.content);
  return { path: req.path, bytes: new TextEncoder().encode(req.content).length };
});

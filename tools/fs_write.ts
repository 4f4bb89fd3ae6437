/** fs_write: writes a whole file, creating its parent folders. Request: { path, content }. */
import { serve } from "./_protocol.ts";

await serve(async (req: { path: string; content: string }) => {
  try {
    await Deno.writeTextFile(req.path, req.content);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    // Only a missing parent gets made: mkdir of one that exists would need write access to it, and the grant
    // names just this file (or, when folders must be created, the top-most new one).
    await Deno.mkdir(req.path.slice(0, req.path.lastIndexOf("/")) || "/", { recursive: true });
    await Deno.writeTextFile(req.path, req.content);
  }
  return { path: req.path, bytes: new TextEncoder().encode(req.content).length };
});

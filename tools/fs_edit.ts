/** fs_edit: replaces one exact, unique occurrence of `old` with `new`. Request: { path, old, new, pinned }. */
import { openPinned, type Pinned, readAll, serve, ToolError, writeAll } from "./_protocol.ts";

await serve(async (req: { path: string; old: string; new: string; pinned?: Pinned }) => {
  using file = await openPinned(req.path, req.pinned, { read: true, write: true });
  const text = new TextDecoder().decode(await readAll(file));
  const first = text.indexOf(req.old);
  if (req.old === "" || first === -1) {
    throw new ToolError("invalid_input", `The text to replace was not found in "${req.path}"`);
  }
  if (text.indexOf(req.old, first + 1) !== -1) {
    throw new ToolError(
      "invalid_input",
      `The text to replace occurs more than once in "${req.path}": give more context`,
    );
  }
  const edited = text.slice(0, first) + req.new + text.slice(first + req.old.length);
  await writeAll(file, new TextEncoder().encode(edited));
  return { path: req.path, line: text.slice(0, first).split("\n").length };
});

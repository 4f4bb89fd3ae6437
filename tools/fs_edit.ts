/** fs_edit: replaces one exact, unique occurrence of `old` with `new`. Request: { path, old, new }. */
import { serve, ToolError } from "./_protocol.ts";

await serve(async (req: { path: string; old: string; new: string }) => {
  const text = await Deno.readTextFile(req.path);
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
  await Deno.writeTextFile(req.path, text.slice(0, first) + req.new + text.slice(first + req.old.length));
  return { path: req.path, line: text.slice(0, first).split("\n").length };
});

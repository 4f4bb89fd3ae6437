/** What the kinds stored at a path (file, folder, sqlite) check at definition: it exists, and is what it says. */
import { absolute } from "../../core/paths.ts";
import { definitionError, type DefinitionInput } from "../backend.ts";

/**
 * The real path of the file or folder `--uri` names (relative to `cwd`, `~` for home): stored resolved, so a
 * link swapped in later is judged as what it leads to, not as the name that was registered.
 */
export async function existingPath(input: DefinitionInput, cwd: string): Promise<string> {
  const { kind, uri: raw } = input;
  if (!raw) throw definitionError(`A ${kind} resource needs --uri PATH`);
  let path: string;
  let info: Deno.FileInfo;
  try {
    path = await Deno.realPath(absolute(raw, cwd));
    info = await Deno.stat(path);
  } catch {
    throw definitionError(`--uri "${raw}": no such ${kind === "folder" ? "folder" : "file"}`);
  }
  const wantsFile = kind !== "folder";
  if (wantsFile !== info.isFile) {
    throw definitionError(
      `--uri "${raw}" is not a ${wantsFile ? "file" : "folder"}`,
      `Use --kind ${info.isFile ? "file" : "folder"}`,
    );
  }
  return path;
}

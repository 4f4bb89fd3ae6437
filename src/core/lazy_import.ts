/**
 * Imports a module when it is first needed, without Deno knowing of it ahead
 * of time. Before a module runs, Deno walks the graph behind every *literal*
 * `import("…")` in it (reads and parses each file, resolves each npm package),
 * even the ones that never run. For `pai --help` that was every command's
 * graph: ~18 ms of start-up, for all commands. A specifier Deno cannot read in
 * the source is not walked, so a run loads only what it uses.
 *
 * The caller names the module's type (`typeof import("./x.ts")`, which Deno
 * never loads), so the import stays type-checked. A relative specifier needs
 * its base (`import.meta.url`). Whatever is imported this way is not in the
 * static graph: `deno compile` must be told to `--include` it.
 */
export function lazyImport<M>(specifier: string, base?: string): Promise<M> {
  return import(base === undefined ? specifier : new URL(specifier, base).href);
}

/** The shape of a tool: what the model sees, what it may ask for, and what it needs to run. */
import type { z } from "zod";

/** What one call needs, before resolution: paths as the model gave them, net as `host:port`. */
export interface Needs {
  read: string[];
  write: string[];
  net: string[];
}

/** Maps a path the model gave to the real path PAI resolved and granted. */
export type RealPath = (raw: string) => string;

/** A tool: a manifest plus a program in the top-level `tools/` folder. */
export interface ToolManifest<A = unknown> {
  /** The model-facing name: a contract (users write it in policies). */
  name: string;
  description: string;
  schema: z.ZodType<A>;
  /** File name of the program in `tools/`. */
  program: string;
  /** Whether this call only reads (chat and prompt modes offer only such calls). */
  readOnly(args: A): boolean;
  /** The permission template: the exact permissions this call needs. */
  needs(args: A): Needs;
  /** The request sent to the program, with every path replaced by its granted real path. */
  request(args: A, real: RealPath): unknown;
  /** What policy rules can match besides paths and hosts. */
  facts?(args: A): { method?: string; sql?: "read" | "write" };
  /** Pure post-processing in PAI of what the program returned (e.g. HTML → Markdown). */
  present?(result: unknown): Promise<unknown>;
  /** The files a result drew from, besides the paths the call named (folder tools), for their labels. */
  resultPaths?(result: unknown): string[];
  /** Reached only through resources: never offered to the model, nor listed. */
  internal?: boolean;
  /** Variable names the program's driver looks up (granted by name; the environment is cleared). */
  envNames?: string[];
  /** How `pai tools show` describes the permission template. */
  permissionsDoc: string;
}

/** A manifest with its argument type erased, as the registry holds them. */
// deno-lint-ignore no-explicit-any -- each manifest checks its own arguments with its zod schema
export type AnyToolManifest = ToolManifest<any>;

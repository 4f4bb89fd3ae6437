/** The shape of a tool: what the model sees, what it may ask for, and what it needs to run. */
import { type ArgIssue, checkArgs, type JsonSchema } from "./args_check.ts";
import { type ModeProfile, reaches, type ResourceReach } from "../core/mode_profile.ts";
import type { ToolDefinition } from "../core/types.ts";

/** What one call needs, before resolution: paths as the model gave them, net as `host:port`. */
export interface Needs {
  read: string[];
  write: string[];
  net: string[];
}

/** Maps a path the model gave to the real path PAI resolved and granted. */
export type RealPath = (raw: string) => string;

/** What a tool's calls may change (`ToolManifest.access`). */
export const ACCESS_KINDS = ["read", "write", "either"] as const;

/** A tool: a manifest plus a program in the top-level `tools/` folder. */
export interface ToolManifest<A = unknown> {
  /** The model-facing name: a contract (users write it in policies). */
  name: string;
  description: string;
  /**
   * What its arguments' JSON Schema cannot say (one of two fields, a URL's scheme, one SQL statement): checked after
   * the schema (`args_check.ts`). The schema itself is the tool's definition (`tool_schemas.ts`, `definitions.json`).
   */
  check?(args: A): ArgIssue[];
  /** File name of the program in `tools/` (of a tool registered at run time: its real path, `runtime_tool.ts`). */
  program: string;
  /**
   * What its calls change: `read` never anything, `write` always something, `either` as its arguments say
   * (`readOnly`). A mode whose profile reads only is offered no `write` tool and runs only the calls that read.
   */
  access: (typeof ACCESS_KINDS)[number];
  /** For an `either` tool: whether this call only reads. */
  readOnly?(args: A): boolean;
  /** The tool sends data out (not offered in safe mode; its results are untrusted content). */
  network?: boolean;
  /** The least resource reach a mode needs to be offered this tool (default: every mode). */
  reach?: ResourceReach;
  /** The permission template: the exact permissions this call needs. */
  needs(args: A): Needs;
  /** The request sent to the program, with every path replaced by its granted real path. */
  request(args: A, real: RealPath): unknown;
  /** What policy rules can match besides paths and hosts. */
  facts?(args: A): { method?: string; sql?: "read" | "write" };
  /**
   * What the one file the call writes would hold, from what it holds now (undefined: no such file); undefined when
   * the call would fail. Pure: a question shows the change as a diff before it is approved.
   */
  proposed?(args: A, before: string | undefined): string | undefined;
  /** Pure post-processing in PAI of what the program returned (e.g. HTML → Markdown). */
  present?(result: unknown): Promise<unknown>;
  /** The files a result drew from, besides the paths the call named (folder tools), for their labels. */
  resultPaths?(result: unknown): string[];
  /** The URLs a call fetches (network tools): a url resource that covers one labels and names its result. */
  urls?(args: A): string[];
  /** Reached only through resources: never offered to the model, nor listed. */
  internal?: boolean;
  /** A working-memory tool: offered only to the modes that have working memory (their profile says so). */
  workingMemory?: boolean;
  /** Variable names the program's driver looks up (granted by name; the environment is cleared). */
  envNames?: string[];
  /** The program imports npm packages (it runs with PAI's lockfile: `Grant.npm`). */
  npm?: boolean;
  /** How `pai tools show` describes the permission template. */
  permissionsDoc: string;
}

/** A manifest with its argument type erased, as the registry holds them. */
// deno-lint-ignore no-explicit-any -- a call's arguments are checked against the tool's schema before any use
export type AnyToolManifest = ToolManifest<any>;

/** What decides which modes are offered a tool, kept with its generated definition (`definitions.json`). */
export type ToolOffer = Required<Pick<AnyToolManifest, "access" | "network" | "reach" | "workingMemory">>;

/** A tool's definition as generated: what the model sees, and when it is offered. */
export interface GeneratedDefinition extends ToolDefinition {
  offer: ToolOffer;
  /** Reached only through resources: its schema checks the calls they expand to; never offered. */
  internal?: true;
}

/** The offer of a manifest, its defaults filled in. */
export function offerOf(tool: AnyToolManifest): ToolOffer {
  return {
    access: tool.access,
    network: tool.network ?? false,
    reach: tool.reach ?? "defaults",
    workingMemory: tool.workingMemory ?? false,
  };
}

/** Whether a mode with this profile is offered the tool (safe mode: no tool that sends data out). */
export function offered(
  offer: ToolOffer,
  profile: Pick<ModeProfile, "tools" | "resources" | "workingMemory">,
  safe: boolean,
): boolean {
  return (profile.tools === "write" || offer.access !== "write") && reaches(profile, offer.reach) &&
    !(safe && offer.network) && (!offer.workingMemory || profile.workingMemory);
}

/** Whether this call of the tool only reads. */
export function callReadOnly(tool: AnyToolManifest, args: unknown): boolean {
  return tool.access === "read" || (tool.access === "either" && tool.readOnly!(args));
}

/**
 * What is wrong with a call's arguments: against the tool's JSON Schema (`parameters`, from its definition), then its
 * `check` once the schema holds. A tool without a schema runs nothing.
 */
export function argumentIssues(tool: AnyToolManifest, parameters: JsonSchema | undefined, args: unknown): ArgIssue[] {
  if (!parameters) return [{ path: "", message: "the tool has no schema to check its arguments against" }];
  const found = checkArgs(parameters, args);
  return found.length ? found : tool.check?.(args) ?? [];
}

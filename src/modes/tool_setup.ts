/** Builds the tool manager for one run: workspace, protected paths, approvals and audit records. */
import { redactEvent } from "../audit/events.ts";
import { appendAudit, auditSink } from "../audit/log.ts";
import { PROFILES } from "./profiles.ts";
import { lazyImport } from "../core/lazy_import.ts";
import { denoCacheDir, paiPaths } from "../core/paths.ts";
import type { Mode } from "../core/types.ts";
import type { ModeProfile } from "../core/mode_profile.ts";
import type { Permissions } from "../policy/decide.ts";
import type { Policy } from "../policy/policy.ts";
import { policyFolders, protectedPaths, secretFolders } from "../policy/protected_paths.ts";
import type { ResourceHost } from "../resources/backend.ts";
import { awsCredentials } from "../resources/backends/aws_credentials.ts";
import { labelOfPath, labelOfSources, mayReceive } from "../policy/labels.ts";
import { globSource } from "../policy/glob.ts";
import { higherLabel } from "../policy/policy.ts";
import {
  coverPattern,
  labelFromResources,
  loadResources,
  type Resource,
  saveResources,
} from "../resources/registry.ts";
import type { Database } from "../store/db.ts";
import type { Memory } from "../store/memories.ts";
import { liveWrittenLabels, markWritten } from "../store/written_labels.ts";
import type { UndoRun } from "../store/undo_files.ts";
import type { MemoryHost } from "../tools/memory_tools.ts";
import type { Label } from "../core/types.ts";
import { deleteNote, noteText, setNote } from "../store/notes.ts";
import { listSavedGrants, saveGrants } from "../store/saved_grants.ts";
import { listSessionGrants, saveSessionGrants } from "../store/session_grants.ts";
import { currentSession, type Session } from "../store/sessions.ts";
import type { ApprovalEntry } from "../tools/approvals.ts";
import {
  type ApprovalBook,
  type Prompter,
  TOOL_LIMITS,
  ToolManager,
  type ToolManagerOptions,
} from "../tools/tool_manager.ts";
import { ToolRegistry } from "../tools/tool_registry.ts";

/** The folder of the tool programs, beside `src/`. */
export const TOOLS_DIR = decodeURIComponent(new URL("../../tools", import.meta.url).pathname);

const pathOf = (url: URL) => decodeURIComponent(url.pathname).replace(/\/$/, "");

/** Files in any folder above PAI's checkout that Deno reads to decide what PAI's imports load. */
const PROJECT_FILES = ["deno.json", "deno.jsonc", "deno.lock", "package.json", "node_modules", ".npmrc"];

/**
 * PAI's own program, protected like its config: its whole checkout (sources, tools, config, lock — and any
 * `package.json` or `node_modules` put beside them, which Deno would load PAI's npm imports from), the folder of its
 * main module, what Deno reads in the folders above it (a parent `deno.json` can make the checkout a member of its
 * workspace), and the installed `pai` script. An agent that could write any of them would change PAI, sandbox
 * included, for the next run.
 */
/** PAI's checkout: the folder of its `deno.json`. */
const PAI_ROOT = pathOf(new URL("../..", import.meta.url));

function programPaths(): string[] {
  const root = PAI_ROOT;
  const main = Deno.mainModule.startsWith("file:") ? pathOf(new URL(".", Deno.mainModule)) : root;
  const above: string[] = [];
  for (let dir = root.slice(0, root.lastIndexOf("/")) || "/";; dir = dir.slice(0, dir.lastIndexOf("/")) || "/") {
    above.push(...PROJECT_FILES.map((name) => `${dir === "/" ? "" : dir}/${name}`));
    if (dir === "/") break;
  }
  const home = Deno.env.get("HOME");
  const installRoot = Deno.env.get("DENO_INSTALL_ROOT") ?? (home ? `${home}/.deno` : undefined);
  return [...new Set([root, main, TOOLS_DIR, ...above, ...(installRoot ? [`${installRoot}/bin`] : [])])];
}

/** Options for {@linkcode createToolManager}. */
export interface ToolSetupOptions {
  db: Database;
  /** Calls are recorded in the audit log under this session; with none, only an actor's (`actor`) are recorded. */
  session?: Session;
  mode: Mode;
  /** The mode's profile when it is not the mode's own (`UNATTENDED`, for `pai assistant run`). */
  profile?: ModeProfile;
  /** The labels of written files the run's context judges by too (read here when absent); this run's writes join it. */
  written?: Map<string, Label>;
  /** Real paths and hosts from `--allow-read`, `--allow-write`, `--allow-net`. */
  pregrants: Permissions;
  prompter?: Prompter;
  policy: Policy;
  /** The workspace's real path. */
  workspace: string;
  /** `user` for the user's own commands (`pai resource get|put`): recorded as theirs, with no mode. */
  actor?: "user";
  /** For `pai policy test`: decide from the policy alone, not from the user's saved approvals. */
  ignoreSavedApprovals?: boolean;
  /** Labels of paths and the provider's ceiling (absent for `pai policy explain|test`). */
  labels?: Pick<NonNullable<ToolManagerOptions["labels"]>, "ceiling" | "mainCeiling" | "provider">;
  /**
   * What the audit log keeps of each text a record carries (the data guard's
   * `auditText`, applied to every field by `redactEvent`): a tool call, a
   * decision or a result holding a secret is recorded with the secret's
   * placeholder, never raw — a result the policy withholds from the model included.
   */
  auditText?: (payload: string) => string;
  /** Results wait for the next row's commit (`ToolManagerOptions.holdResults`): for the turn loop's runs. */
  holdResults?: boolean;
  /** The run whose file changes `pai undo` can put back (absent: the user's own commands, kept by nobody). */
  undoRun?: UndoRun;
}

/**
 * Approvals, both in the database: "session" ones under the PAI session (a second `pai chat` on it does not ask
 * again; `pai reset` and `pai init` end them), "always" ones saved for good (until `pai policy revoke`).
 */
class DatabaseApprovalBook implements ApprovalBook {
  #db: Database;
  #sessionId?: string;

  constructor(db: Database, sessionId: string | undefined) {
    this.#db = db;
    this.#sessionId = sessionId;
  }

  entries(tool: string): ApprovalEntry[] {
    const session = this.#sessionId ? listSessionGrants(this.#db, this.#sessionId, tool) : [];
    return [
      ...session.map((g) => ({ id: `s${g.id}`, scope: "session" as const, kind: g.kind, value: g.value })),
      ...listSavedGrants(this.#db, tool).map((g) => ({
        id: String(g.id),
        scope: "always" as const,
        kind: g.kind,
        value: g.value,
      })),
    ];
  }

  remember(tool: string, p: Permissions, scope: "session" | "always"): void {
    if (scope === "always") return saveGrants(this.#db, tool, p);
    // With no session (none is ever run without one) the answer holds for this one call, as "once".
    if (this.#sessionId) saveSessionGrants(this.#db, this.#sessionId, tool, p);
  }
}

const NO_APPROVALS: ApprovalBook = {
  entries: () => [],
  remember: () => {},
};

/** The registry and notes, for the resource tools of one run. */
async function resourceHost(db: Database, configDir: string, workspace: string): Promise<ResourceHost> {
  let resources = await loadResources(configDir);
  const save = (next: Resource[]) => {
    saveResources(configDir, next);
    resources = next;
  };
  return {
    list: () => resources,
    note: (name) => noteText(db, name),
    setNote: (name, text) => setNote(db, name, text),
    register: (resource, text) => {
      if (text !== undefined) setNote(db, resource.name, text);
      save([...resources, resource]);
    },
    deleteNote: (name) => {
      deleteNote(db, name);
      save(resources.filter((r) => r.name !== name));
    },
    secret: (variable) => Deno.env.get(variable),
    awsCredentials,
    // The backends load only when the model asks for a resource: a turn that asks for none never needs them.
    check: async (request) => {
      const { checkDefinition } = await lazyImport<typeof import("../resources/definition.ts")>(
        "../resources/definition.ts",
        import.meta.url,
      );
      return checkDefinition(request.name, request, { cwd: workspace, env: (name) => Deno.env.get(name) });
    },
  };
}

/** What paths are labelled, from the policy's file rules and the resources that cover them (as registered now). */
function pathLabels(
  policy: Policy,
  resources: ResourceHost,
  written: ReadonlyMap<string, Label>,
  given: NonNullable<ToolSetupOptions["labels"]>,
): NonNullable<ToolManagerOptions["labels"]> {
  const labelled = () => [
    ...policy.files.flatMap((f) => f.paths.map((glob) => ({ pattern: globSource(glob), label: f.label }))),
    ...resources.list().flatMap((r) => {
      const pattern = coverPattern(r);
      return pattern ? [{ pattern, label: r.label }] : [];
    }),
    ...[...written].map(([path, label]) => ({ pattern: `^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, label })),
  ];
  return {
    ...given,
    of: (path) => labelOfPath(path, policy, (p) => fileLabel(resources.list(), written, p)),
    withheld: (ceiling = given.ceiling) =>
      labelled().filter((l) => !mayReceive(ceiling, l.label)).map((l) => l.pattern),
    highest: () => labelled().map((l) => l.label).reduce(higherLabel, "internal"),
  };
}

/**
 * The session's working memory for the memory tools. A search returns the memories this provider may receive, each
 * judged by its stored label raised to what its sources are labelled now (as the history is); a memory is saved with
 * the label of what the run has seen, never below "internal".
 */
async function memoryHost(
  db: Database,
  session: Session,
  labels: { ceiling: Label; labelOf(sources: readonly string[]): Label | undefined } | undefined,
): Promise<MemoryHost> {
  // The working memory's store loads only for the modes that have it.
  const { deleteMemory, saveMemory, searchMemories } = await lazyImport<typeof import("../store/memories.ts")>(
    "../store/memories.ts",
    import.meta.url,
  );
  const labelNow = (m: Memory) => {
    const now = m.sources.length ? labels?.labelOf(m.sources) : undefined;
    return now ? higherLabel(m.label, now) : m.label;
  };
  return {
    save: (text, from) => {
      const memory = saveMemory(db, session.id, { text, label: from.label, sources: from.sources });
      return { id: memory.id, label: memory.label };
    },
    search: (query, limit) => {
      const matches = searchMemories(db, session.id, query, limit).map((m) => ({ ...m, label: labelNow(m) }));
      const found = matches.filter((m) => !labels || mayReceive(labels.ceiling, m.label));
      return {
        found: found.map((m) => ({ id: m.id, text: m.text, label: m.label, created: m.createdAt })),
        withheld: matches.length - found.length,
        sources: [...new Set(found.flatMap((m) => m.sources))],
      };
    },
    forget: (id) => deleteMemory(db, session.id, id),
  };
}

/** A file's label from the resources that cover it and, when a run wrote it holding labelled data, that run's. */
export function fileLabel(
  resources: readonly Resource[],
  written: ReadonlyMap<string, Label>,
  path: string,
): Label | undefined {
  const covered = labelFromResources(resources, path);
  const wrote = written.get(path);
  return covered && wrote ? higherLabel(covered, wrote) : covered ?? wrote;
}

/** Keeps what a run's file tools change, for `pai undo`. */
function undoKeeper(db: Database, run: UndoRun): NonNullable<ToolManagerOptions["changes"]> {
  // Loaded with the first change: a run that writes nothing never needs it.
  const store = () => lazyImport<typeof import("../store/undo_files.ts")>("../store/undo_files.ts", import.meta.url);
  return {
    before: async (tool, paths) => (await store()).keepBefore(db, run, tool, paths),
    after: async (paths) => (await store()).keepAfter(db, run.id, paths),
  };
}

/** The tool manager for a run in `mode`, recording every call, decision and result. */
export async function createToolManager(options: ToolSetupOptions): Promise<ToolManager> {
  const { db, session, mode, policy } = options;
  const profile = options.profile ?? PROFILES[mode];
  const home = Deno.env.get("HOME") ?? "/";
  const resources = await resourceHost(db, paiPaths().configDir, options.workspace);
  // Refreshed after each write the run labels, so that the file is judged so by the run's next calls too.
  const written = options.written ?? new Map(await liveWrittenLabels(db));
  return new ToolManager({
    profile,
    workspace: options.workspace,
    protectedPaths: await protectedPaths(home, paiPaths(), { denoDir: denoCacheDir(), program: programPaths() }),
    // Said with the refusal, for the user who runs PAI in its own clone (where `deno task pai` starts).
    protectedWhy: new Map([[PAI_ROOT, "it is PAI's own checkout; run PAI from your project's folder"]]),
    secretFolders: secretFolders(home, paiPaths()),
    policyFolders: await policyFolders(options.workspace),
    pregrants: options.pregrants,
    // `pai policy explain` has no session of its own: it shows what the current session's next call would get.
    approvals: options.ignoreSavedApprovals
      ? NO_APPROVALS
      : new DatabaseApprovalBook(db, (session ?? currentSession(db))?.id),
    prompter: options.prompter,
    record: async (r, how) => {
      // Without a session only the user's own commands run tools (`pai resource get|put` before `pai init`): their
      // rows are the user's, under no session. `pai policy explain|test` only plan, and write nothing.
      if (!session && !options.actor) return;
      const event = {
        ...(options.auditText ? redactEvent(r, options.auditText) : r),
        ...(session ? { sessionId: session.id, provider: session.provider, model: session.model } : {}),
        // What the user does at the command line is the user's, not a mode's.
        ...(options.actor ? { actor: options.actor } : { mode }),
      };
      return how?.hold ? { payloadHash: await auditSink(db).hold(event) } : await appendAudit(db, event);
    },
    holdResults: options.holdResults,
    limits: TOOL_LIMITS,
    // One registry per run: the built-in tools, and those added to this run.
    registry: new ToolRegistry({ toolsDir: TOOLS_DIR }),
    policy: options.policy,
    // A path's label comes from the policy's file rules and the resources that cover it (as registered now).
    labels: options.labels && pathLabels(policy, resources, written, options.labels),
    ...(options.undoRun ? { changes: undoKeeper(db, options.undoRun) } : {}),
    wrote: async (paths, seen) => {
      await markWritten(db, paths, { label: seen.label, sources: seen.sources, sessionId: session?.id });
      for (const [path, label] of await liveWrittenLabels(db)) written.set(path, label);
    },
    resources,
    ...(profile.workingMemory && session
      ? {
        memory: await memoryHost(
          db,
          session,
          options.labels && memoryLabels(policy, resources, written, options.labels),
        ),
      }
      : {}),
  });
}

/** How memories are labelled now: by their sources, as the policy and the resources label them. */
function memoryLabels(
  policy: Policy,
  resources: ResourceHost,
  written: ReadonlyMap<string, Label>,
  given: NonNullable<ToolSetupOptions["labels"]>,
): { ceiling: Label; labelOf(sources: readonly string[]): Label | undefined } {
  return {
    ceiling: given.ceiling,
    labelOf: (sources) =>
      labelOfSources(sources, policy, resources.list(), (p) => fileLabel(resources.list(), written, p)),
  };
}

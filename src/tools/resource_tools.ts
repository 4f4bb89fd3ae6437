/**
 * The model-facing resource tools. Each call expands into either an answer
 * PAI gives itself (the registry, a note's text) or an ordinary sandboxed
 * call (`fs_read`, `fs_list`, `fs_write`, `sql_query`) on the resource's real
 * path, run through the same pipeline (rules, grants, labels, scanning,
 * audit) with that resource pre-granted: registering it was the user's
 * consent. What each mode may do is decided here: every mode reads; only
 * agent and assistant create, update and delete. What a call on one kind
 * expands to is its backend's (`src/resources/backends/`).
 */
import { type ModeProfile, reaches, reachesResource, type ResourceReach } from "../core/mode_profile.ts";
import type { Label, Resource } from "../core/types.ts";
import type {
  CreateArgs,
  DeleteArgs,
  Expansion,
  KindContext,
  ReadArgs,
  ResourceBackend,
  ResourceHost,
  ResourceRequest,
  UpdateArgs,
} from "../resources/backend.ts";
import { backendOf, BACKENDS } from "../resources/backends.ts";
import type { ToolManifest } from "./manifest.ts";

/** The context an expansion needs. */
export interface ExpandContext {
  host: ResourceHost;
  /** The mode's reach over resources (its profile). */
  profile: Pick<ModeProfile, "mode" | "resources">;
}

type Expand<A> = (args: A, ctx: ExpandContext) => Expansion;

/** A resource tool: a manifest whose calls expand (no program of its own). */
export type ResourceToolManifest<A> = ToolManifest<A> & { expand: Expand<A> };

/** The arguments of each resource tool (their schemas: `tool_schemas.ts`). */
export type ResourceNamed<A> = { name: string } & A;
export type ResourceRequestArgs = Omit<ResourceRequest, "label"> & { label?: Label };

/** The resources a mode reaches: with `defaults` reach only the user's default ones, else all. */
function reachable(ctx: ExpandContext): Resource[] {
  return ctx.host.list().filter((r) => reachesResource(ctx.profile, r));
}

function find(ctx: ExpandContext, name: string): Resource | string {
  const r = reachable(ctx).find((x) => x.name === name);
  if (r) return r;
  return !reaches(ctx.profile, "read") && ctx.host.list().some((x) => x.name === name)
    ? `${ctx.profile.mode} mode reaches only default resources; "${name}" is not one (pai resource update ${name} --default)`
    : `No resource named "${name}"; resource_list shows the registered ones`;
}

/** The named resource, if the mode reaches it, with the backend of its kind. */
function target(ctx: ExpandContext, name: string): { backend: ResourceBackend; on: KindContext } | { refuse: string } {
  const resource = find(ctx, name);
  if (typeof resource === "string") return { refuse: resource };
  return { backend: backendOf(resource.kind), on: { resource, host: ctx.host } };
}

/** A manifest shell for the resource tools (they have no program: their calls expand). */
function resourceTool<A>(
  name: string,
  description: string,
  reach: ResourceReach,
  expand: Expand<A>,
): ResourceToolManifest<A> {
  const readOnly = reach !== "crud";
  return {
    name,
    description,
    program: "",
    access: readOnly ? "read" : "write",
    reach,
    needs: () => ({ read: [], write: [], net: [] }),
    request: (a) => a,
    permissionsDoc: readOnly
      ? "the registered resource only (granted by its registration); its label decides which models may see it"
      : "the registered resource only; in the modes that create, update and delete resources",
    expand,
  };
}

export const RESOURCE_LIST = resourceTool<Record<string, never>>(
  "resource_list",
  "List the user's registered resources: name, kind, sensitivity label and description.",
  "defaults",
  (_, ctx) => ({
    answer: reachable(ctx).map((r) => ({ name: r.name, kind: r.kind, label: r.label, description: r.description })),
    label: "internal",
  }),
);

export const RESOURCE_READ = resourceTool<ResourceNamed<ReadArgs>>(
  "resource_read",
  "Read a resource: a note's text, a file, a folder's entries or one file in it (path), " +
    "or a SQLite database's tables or one read-only SQL statement (query).",
  "defaults",
  (a, ctx) => {
    const t = target(ctx, a.name);
    return "refuse" in t ? t : t.backend.read(t.on, a);
  },
);

export const RESOURCE_CREATE = resourceTool<CreateArgs>(
  "resource_create",
  "Create a new note resource (agent mode).",
  "crud",
  (a, ctx) => {
    if (!reaches(ctx.profile, "crud")) {
      return { refuse: `${ctx.profile.mode} mode reads resources only; pai agent may create them` };
    }
    if (ctx.host.list().some((r) => r.name === a.name)) {
      return { refuse: `A resource named "${a.name}" exists already` };
    }
    return BACKENDS.note.create(ctx.host, a);
  },
);

export const RESOURCE_UPDATE = resourceTool<ResourceNamed<UpdateArgs>>(
  "resource_update",
  "Change a resource (agent mode): a note's text, a file's content, a file inside a folder (path + content), " +
    "an S3 object (key + content), a web API (path + content, method POST/PUT/PATCH), " +
    "or one SQL statement that changes a database (query).",
  "crud",
  (a, ctx) => {
    if (!reaches(ctx.profile, "crud")) {
      return { refuse: `${ctx.profile.mode} mode reads resources only; pai agent may change them` };
    }
    const t = target(ctx, a.name);
    return "refuse" in t ? t : t.backend.update(t.on, a);
  },
);

export const RESOURCE_DELETE = resourceTool<ResourceNamed<DeleteArgs>>(
  "resource_delete",
  "Delete (agent mode): a note, a file inside a folder (path), an object under an S3 prefix (key), " +
    "or a web API's item (path, with DELETE). " +
    "Rows are deleted with resource_update and SQL; other resources are removed by the user.",
  "crud",
  (a, ctx) => {
    if (!reaches(ctx.profile, "crud")) return { refuse: `${ctx.profile.mode} mode reads resources only` };
    const t = target(ctx, a.name);
    return "refuse" in t ? t : t.backend.delete(t.on, a);
  },
);

export const RESOURCE_REQUEST = resourceTool<ResourceRequestArgs>(
  "resource_request",
  "Ask the user for access to data that is not registered (a file, folder, SQLite database, URL or S3 prefix), " +
    "saying why. If the user approves, it becomes a resource you can read.",
  "read",
  (a, ctx) => {
    if (!reaches(ctx.profile, "read")) return { refuse: `${ctx.profile.mode} mode uses the registered resources only` };
    if (ctx.host.list().some((r) => r.name === a.name)) {
      return { refuse: `A resource named "${a.name}" exists already` };
    }
    return { request: { name: a.name, kind: a.kind, uri: a.uri, label: a.label ?? "internal", reason: a.reason } };
  },
);

export const RESOURCE_TOOLS = [
  RESOURCE_LIST,
  RESOURCE_READ,
  RESOURCE_CREATE,
  RESOURCE_UPDATE,
  RESOURCE_DELETE,
  RESOURCE_REQUEST,
];

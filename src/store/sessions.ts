/** The sessions table and which session is current. */
import type { Mode } from "../core/types.ts";
import type { Database } from "./db.ts";

/** How a provider receives the system prompt (see `providers/system_prompt.ts`). */
export type SystemRole = "system" | "fold";

/** Where a session's data goes, fixed when it starts (see `providers/endpoint.ts`). */
export interface PinnedEndpoint {
  /** The base URL actually used, without credentials. */
  baseUrl: string;
  /** The resolved locality, not the user's flag. */
  locality: "local" | "remote";
}

/** The roles a session may name a model for, besides its main one. */
export const ROLES = ["local", "planner", "summarizer"] as const;
export type ModelRole = typeof ROLES[number];

/** What each role is, as `pai init` and `pai status` say. */
export const ROLE_WORDS: Readonly<Record<ModelRole, string>> = {
  local: "local model (data the main model may not receive)",
  planner: "planner (plans agent and assistant runs)",
  summarizer: "summariser (writes the summaries of older turns)",
};

/** A role's model: its provider, its name, and the endpoint it was pinned to when the session started. */
export interface RoleModel {
  provider: string;
  model: string;
  pinned: PinnedEndpoint;
  /** The user's word on where it runs, when it shares the main model's endpoint and the user gave one for that. */
  locality?: "local" | "remote";
}

/** The session's models for roles (`local`: where data the main provider may not receive goes). */
export type SessionRoles = Partial<Record<ModelRole, RoleModel>>;

/** A session as stored: which provider and model it talks to. */
export interface Session {
  id: string;
  /** The name the user gave it (`pai init --name`, `pai sessions rename`), if any. */
  name: string | null;
  provider: string;
  model: string;
  /** Set only when the user gave `--base-url`; otherwise the provider's env or default applies. */
  baseUrl: string | null;
  /** The name (never the value) of the variable holding the API key, when not the provider's default. */
  apiKeyEnv: string | null;
  systemRole: SystemRole;
  /** `auto`: local when the host is loopback or a declared local host; or the user's word. */
  locality: "auto" | "local" | "remote";
  /** The endpoint it was started with; `null` for a session from before PAI pinned endpoints. */
  pinned: PinnedEndpoint | null;
  /** Models for roles: the local model private data is routed to, the planner, the summariser. */
  roles: SessionRoles;
  mode: Mode;
  createdAt: string;
  updatedAt: string;
}

/** What `pai init` (or the default provider) chooses. */
export type NewSession =
  & Pick<Session, "provider" | "model" | "baseUrl" | "apiKeyEnv" | "systemRole" | "locality">
  & { pinned: PinnedEndpoint; roles?: SessionRoles; name?: string | null };

interface SessionRow {
  id: string;
  name: string | null;
  provider: string;
  model: string;
  base_url: string | null;
  api_key_env: string | null;
  system_role: SystemRole;
  locality: "auto" | "local" | "remote";
  pinned_base_url: string | null;
  pinned_locality: "local" | "remote" | null;
  roles: string | null;
  mode: Mode;
  created_at: string;
  updated_at: string;
}

function toSession(row: SessionRow): Session {
  return {
    id: row.id,
    name: row.name ?? null,
    provider: row.provider,
    model: row.model,
    baseUrl: row.base_url,
    apiKeyEnv: row.api_key_env,
    systemRole: row.system_role,
    locality: row.locality,
    pinned: row.pinned_base_url !== null && row.pinned_locality !== null
      ? { baseUrl: row.pinned_base_url, locality: row.pinned_locality }
      : null,
    roles: row.roles ? JSON.parse(row.roles) as SessionRoles : {},
    mode: row.mode,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Creates a session and makes it the current one. */
export function createSession(db: Database, fields: NewSession, now = new Date()): Session {
  const id = crypto.randomUUID();
  const at = now.toISOString();
  db.prepare(
    `INSERT INTO sessions (id, name, provider, model, base_url, api_key_env, system_role, locality,
                           pinned_base_url, pinned_locality, roles, mode, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'chat', ?, ?)`,
  ).run(
    id,
    fields.name ?? null,
    fields.provider,
    fields.model,
    fields.baseUrl,
    fields.apiKeyEnv,
    fields.systemRole,
    fields.locality,
    fields.pinned.baseUrl,
    fields.pinned.locality,
    fields.roles && Object.keys(fields.roles).length ? JSON.stringify(fields.roles) : null,
    at,
    at,
  );
  db.prepare("INSERT OR REPLACE INTO state (key, value) VALUES ('current_session', ?)").run(id);
  return getSession(db, id)!;
}

/** The session with this id, if any. */
export function getSession(db: Database, id: string): Session | undefined {
  const row = db.prepare("SELECT * FROM sessions WHERE id = ?").get(id) as SessionRow | undefined;
  return row && toSession(row);
}

/** The current session, if one was started. */
export function currentSession(db: Database): Session | undefined {
  const row = db.prepare(
    "SELECT s.* FROM sessions s JOIN state ON state.key = 'current_session' AND state.value = s.id",
  ).get() as SessionRow | undefined;
  return row && toSession(row);
}

/** Records the mode a session was last used in. */
export function touchSession(db: Database, id: string, mode: Mode, now = new Date()): void {
  db.prepare("UPDATE sessions SET mode = ?, updated_at = ? WHERE id = ?").run(mode, now.toISOString(), id);
}

/** Pins a session from before PAI pinned endpoints; a session already pinned keeps its endpoint. */
export function pinSession(db: Database, id: string, endpoint: PinnedEndpoint): void {
  db.prepare(
    "UPDATE sessions SET pinned_base_url = ?, pinned_locality = ? WHERE id = ? AND pinned_base_url IS NULL",
  ).run(endpoint.baseUrl, endpoint.locality, id);
}

/** Every session, the one used last first. */
export function listSessions(db: Database): Session[] {
  return (db.prepare("SELECT * FROM sessions ORDER BY updated_at DESC, rowid DESC").all() as unknown as SessionRow[])
    .map(toSession);
}

/**
 * The session a user names: by its name, its id, or the start of its id (at least 4 characters, naming one session).
 * `undefined` when none matches; an error message when the start of an id names several.
 */
export function findSession(db: Database, ref: string): Session | string | undefined {
  const byName = db.prepare("SELECT * FROM sessions WHERE name = ?").get(ref) as SessionRow | undefined;
  if (byName) return toSession(byName);
  const exact = getSession(db, ref);
  if (exact || ref.length < 4) return exact;
  const starts = db.prepare("SELECT * FROM sessions WHERE id LIKE ? || '%'").all(ref) as unknown as SessionRow[];
  if (starts.length > 1) return `"${ref}" is the start of ${starts.length} sessions' ids: give more of it, or a name`;
  return starts[0] && toSession(starts[0]);
}

/** Makes the session the current one. */
export function makeCurrent(db: Database, id: string): void {
  db.prepare("INSERT OR REPLACE INTO state (key, value) VALUES ('current_session', ?)").run(id);
}

/** Names a session (`null`: no name); a name another session has is refused by the database's unique index. */
export function renameSession(db: Database, id: string, name: string | null): void {
  db.prepare("UPDATE sessions SET name = ? WHERE id = ?").run(name, id);
}

/** Deletes a session and what it holds (history, summary, working memory, its approvals); the audit log keeps its rows. */
export function deleteSession(db: Database, id: string): void {
  db.prepare("DELETE FROM sessions WHERE id = ?").run(id);
  db.prepare("DELETE FROM state WHERE key = 'current_session' AND value = ?").run(id);
}

/**
 * Numbered schema migrations, applied in order at open. Entry N brings the
 * schema from `user_version` N to N+1. Never edit a released entry: add one.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE sessions (
     id          TEXT PRIMARY KEY,
     provider    TEXT NOT NULL,
     model       TEXT NOT NULL,
     base_url    TEXT,
     api_key_env TEXT,
     system_role TEXT NOT NULL DEFAULT 'system',
     mode        TEXT NOT NULL DEFAULT 'chat',
     created_at  TEXT NOT NULL,
     updated_at  TEXT NOT NULL
   );
   CREATE TABLE state (
     key   TEXT PRIMARY KEY,
     value TEXT NOT NULL
   );
   CREATE TABLE messages (
     id          INTEGER PRIMARY KEY AUTOINCREMENT,
     session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
     role        TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
     content     TEXT NOT NULL,
     mode        TEXT NOT NULL,
     interrupted INTEGER NOT NULL DEFAULT 0,
     created_at  TEXT NOT NULL
   );
   CREATE INDEX messages_by_session ON messages(session_id, id);
   -- The audit log: append-only, each row chained to the previous by hash.
   CREATE TABLE audit_log (
     id            INTEGER PRIMARY KEY AUTOINCREMENT,
     ts            TEXT NOT NULL,
     os_user       TEXT NOT NULL,
     session_id    TEXT,
     mode          TEXT,
     provider      TEXT,
     model         TEXT,
     kind          TEXT NOT NULL,
     input_tokens  INTEGER NOT NULL DEFAULT 0,
     output_tokens INTEGER NOT NULL DEFAULT 0,
     cost_usd      REAL,
     payload       TEXT,
     payload_hash  TEXT NOT NULL,
     prev_hash     TEXT NOT NULL,
     hash          TEXT NOT NULL
   );
   CREATE INDEX audit_by_session ON audit_log(session_id, id);`,
  // 2: approvals the user chose to keep ("always"), per tool and permission.
  `CREATE TABLE saved_grants (
     id         INTEGER PRIMARY KEY AUTOINCREMENT,
     tool       TEXT NOT NULL,
     kind       TEXT NOT NULL CHECK (kind IN ('read', 'write', 'net')),
     value      TEXT NOT NULL,
     created_at TEXT NOT NULL,
     UNIQUE (tool, kind, value)
   );`,
  // 3: project folders whose policy the user trusts to widen theirs (`pai policy trust`).
  `CREATE TABLE trusted_folders (
     path       TEXT PRIMARY KEY,
     created_at TEXT NOT NULL
   );`,
  // 4: the user's own word on where a provider runs (a loopback proxy to a cloud model is remote).
  `ALTER TABLE sessions ADD COLUMN locality TEXT NOT NULL DEFAULT 'auto';`,
  // 5: the text of note resources (their definitions are in resources.json).
  `CREATE TABLE notes (
     name       TEXT PRIMARY KEY,
     text       TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );`,
  // 6: trust names the policy file's content: a trusted policy that changed is untrusted until trusted again.
  `ALTER TABLE trusted_folders ADD COLUMN policy_hash TEXT;`,
  // 7: the endpoint a session was started with (credential-free base URL, resolved locality): a later
  // environment that points elsewhere is refused. NULL for older sessions: pinned on their next run.
  `ALTER TABLE sessions ADD COLUMN pinned_base_url TEXT;
   ALTER TABLE sessions ADD COLUMN pinned_locality TEXT CHECK (pinned_locality IN ('local', 'remote'));`,
  // 8: approvals "for this session": they last the PAI session (until `pai reset` or a new `pai init`), not one run.
  `CREATE TABLE session_grants (
     id         INTEGER PRIMARY KEY AUTOINCREMENT,
     session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
     tool       TEXT NOT NULL,
     kind       TEXT NOT NULL CHECK (kind IN ('read', 'write', 'net')),
     value      TEXT NOT NULL,
     created_at TEXT NOT NULL,
     UNIQUE (session_id, tool, kind, value)
   );`,
  // 9: the history keeps what happened: tool calls (on assistant rows), tool results (tool rows), each message's
  // estimated tokens and the most sensitive label of its data; and the summary of a session's older turns.
  // SQLite cannot widen a CHECK in place, so the table is rebuilt (ids kept).
  `CREATE TABLE messages_v9 (
     id           INTEGER PRIMARY KEY AUTOINCREMENT,
     session_id   TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
     role         TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'tool')),
     content      TEXT NOT NULL,
     mode         TEXT NOT NULL,
     interrupted  INTEGER NOT NULL DEFAULT 0,
     created_at   TEXT NOT NULL,
     tool_calls   TEXT,
     tool_call_id TEXT,
     tokens       INTEGER,
     label        TEXT
   );
   INSERT INTO messages_v9 (id, session_id, role, content, mode, interrupted, created_at)
     SELECT id, session_id, role, content, mode, interrupted, created_at FROM messages;
   DROP TABLE messages;
   ALTER TABLE messages_v9 RENAME TO messages;
   CREATE INDEX messages_by_session ON messages(session_id, mode, id);
   CREATE TABLE summaries (
     session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
     through_id INTEGER NOT NULL,
     text       TEXT NOT NULL,
     label      TEXT NOT NULL,
     tokens     INTEGER NOT NULL,
     made       INTEGER NOT NULL DEFAULT 1,
     updated_at TEXT NOT NULL
   );`,
  // 10: typed audit events: a row's fields other than its content (kept in payload) as JSON. NULL in rows written
  // before; the hash of a row that has one covers it (audit/log.ts).
  `ALTER TABLE audit_log ADD COLUMN detail TEXT;`,
];

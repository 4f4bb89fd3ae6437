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
  // tokens, the most sensitive label of its data, the files and resources it came from (labels are judged again
  // from them when it is sent) and why it taints a run; and the summary of a session's older turns.
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
     label        TEXT,
     taint        TEXT,
     sources      TEXT
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
     taint      TEXT,
     sources    TEXT,
     tokens     INTEGER NOT NULL,
     made       INTEGER NOT NULL DEFAULT 1,
     updated_at TEXT NOT NULL
   );`,
  // 10: typed audit events: a row's fields other than its content (kept in payload) as JSON. NULL in rows written
  // before; the hash of a row that has one covers it (audit/log.ts).
  `ALTER TABLE audit_log ADD COLUMN detail TEXT;`,
  // 11: budgets (`pai budget set`), the spend ledger they are checked against (each request's reservation, then
  // what it used; shared by every pai process), and the 80 % warnings already given (once per budget per day).
  `CREATE TABLE budgets (
     id         INTEGER PRIMARY KEY AUTOINCREMENT,
     period     TEXT NOT NULL CHECK (period IN ('session', 'day', 'month')),
     unit       TEXT NOT NULL CHECK (unit IN ('tokens', 'usd')),
     amount     REAL NOT NULL CHECK (amount > 0),
     provider   TEXT NOT NULL DEFAULT '',
     mode       TEXT NOT NULL DEFAULT '',
     created_at TEXT NOT NULL,
     UNIQUE (period, unit, provider, mode)
   );
   CREATE TABLE budget_spend (
     id         INTEGER PRIMARY KEY AUTOINCREMENT,
     ts         TEXT NOT NULL,
     day        TEXT NOT NULL,
     month      TEXT NOT NULL,
     session_id TEXT NOT NULL,
     provider   TEXT NOT NULL,
     model      TEXT NOT NULL,
     mode       TEXT NOT NULL,
     tokens     INTEGER NOT NULL,
     cost_usd   REAL,
     expires_at INTEGER
   );
   CREATE INDEX budget_spend_by_day ON budget_spend(day);
   CREATE INDEX budget_spend_by_month ON budget_spend(month);
   CREATE INDEX budget_spend_by_session ON budget_spend(session_id);
   CREATE TABLE budget_warnings (
     budget_id INTEGER NOT NULL REFERENCES budgets(id) ON DELETE CASCADE,
     period    TEXT NOT NULL,
     day       TEXT NOT NULL,
     PRIMARY KEY (budget_id, period, day)
   );`,
  // 12: full-text search of the audit log (`pai audit search`): an FTS5 index over what each row stores (payload and
  // detail), reading the text from audit_log itself (external content: nothing is stored twice), filled from the
  // rows there are and kept in step by triggers. The delete trigger lets a prune remove rows; the update trigger
  // keeps the index to what is stored, so an index never finds words a row no longer holds.
  `CREATE VIRTUAL TABLE audit_fts USING fts5(
     payload, detail,
     content = 'audit_log', content_rowid = 'id',
     tokenize = 'unicode61 remove_diacritics 2'
   );
   INSERT INTO audit_fts(audit_fts) VALUES ('rebuild');
   CREATE TRIGGER audit_fts_insert AFTER INSERT ON audit_log BEGIN
     INSERT INTO audit_fts(rowid, payload, detail) VALUES (new.id, new.payload, new.detail);
   END;
   CREATE TRIGGER audit_fts_delete AFTER DELETE ON audit_log BEGIN
     INSERT INTO audit_fts(audit_fts, rowid, payload, detail) VALUES ('delete', old.id, old.payload, old.detail);
   END;
   CREATE TRIGGER audit_fts_update AFTER UPDATE ON audit_log BEGIN
     INSERT INTO audit_fts(audit_fts, rowid, payload, detail) VALUES ('delete', old.id, old.payload, old.detail);
     INSERT INTO audit_fts(rowid, payload, detail) VALUES (new.id, new.payload, new.detail);
   END;`,
  // 13: where data went (`pai audit where`): an index of what each request row carried, by piece hash and by
  // source (derived from the rows' detail, which the chain covers; `verify` rebuilds it to check it); rows found
  // by their payload hash (a piece names the row that recorded it so); and each message of the history keeps the
  // payload hash of the row that first recorded it, so a turn that sends it again names the same row.
  `CREATE TABLE audit_carried (
     audit_id INTEGER NOT NULL,
     piece    INTEGER NOT NULL,
     hash     TEXT,
     source   TEXT
   );
   CREATE INDEX audit_carried_by_hash ON audit_carried(hash, audit_id);
   CREATE INDEX audit_carried_by_source ON audit_carried(source, audit_id);
   CREATE INDEX audit_carried_by_row ON audit_carried(audit_id);
   CREATE INDEX audit_by_payload_hash ON audit_log(payload_hash);
   ALTER TABLE messages ADD COLUMN audit_hash TEXT;`,
  // 14: a summary keeps the hash that names the answer it is (`answerIdentity`), so that `pai audit where TEXT`
  // follows a text the model put into a summary to every request that carried the summary.
  `ALTER TABLE summaries ADD COLUMN audit_hash TEXT;`,
  // 15: assistant mode. The task queue: each task's schedule (`due_at`, and `every_ms` for one that repeats), who
  // holds it (`lease_owner` until `lease_until`, epoch ms: a holder that dies lets it go when the lease runs out),
  // the steps an interrupted run had taken (`progress`, JSON), and what came of its last run. Working memory: what
  // the assistant saved, per session, with the label and sources of the data it came from; found by FTS5.
  `CREATE TABLE tasks (
     id            INTEGER PRIMARY KEY AUTOINCREMENT,
     text          TEXT NOT NULL,
     status        TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
     due_at        INTEGER NOT NULL,
     every_ms      INTEGER,
     max_tokens    INTEGER,
     lease_owner   TEXT,
     lease_until   INTEGER,
     attempts      INTEGER NOT NULL DEFAULT 0,
     runs          INTEGER NOT NULL DEFAULT 0,
     progress      TEXT NOT NULL DEFAULT '[]',
     session_id    TEXT,
     result        TEXT,
     error         TEXT,
     input_tokens  INTEGER NOT NULL DEFAULT 0,
     output_tokens INTEGER NOT NULL DEFAULT 0,
     cost_usd      REAL,
     created_at    TEXT NOT NULL,
     updated_at    TEXT NOT NULL,
     finished_at   TEXT
   );
   CREATE INDEX tasks_due ON tasks(status, due_at);
   CREATE TABLE memories (
     id         INTEGER PRIMARY KEY AUTOINCREMENT,
     session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
     text       TEXT NOT NULL,
     label      TEXT NOT NULL,
     sources    TEXT,
     created_at TEXT NOT NULL
   );
   CREATE INDEX memories_by_session ON memories(session_id, id);
   CREATE VIRTUAL TABLE memories_fts USING fts5(
     text, content = 'memories', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
   );
   CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
     INSERT INTO memories_fts(rowid, text) VALUES (new.id, new.text);
   END;
   CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
     INSERT INTO memories_fts(memories_fts, rowid, text) VALUES ('delete', old.id, old.text);
   END;`,
  // 16: models for roles (`pai init --local-model --planner --summarizer`): each role's provider, model and the
  // endpoint it was pinned to when the session started, as JSON; NULL for a session with none.
  `ALTER TABLE sessions ADD COLUMN roles TEXT;`,
  // 17: files a run wrote while it held data labelled private or secret (routed to the local model): each keeps that
  // label and the data's sources, as long as the file is as the run left it (its size and modification time).
  `CREATE TABLE written_labels (
     path       TEXT PRIMARY KEY,
     label      TEXT NOT NULL,
     sources    TEXT,
     stamp      TEXT NOT NULL,
     session_id TEXT,
     written_at TEXT NOT NULL
   );`,
  // 18: a session's name (`pai init --name`, `pai sessions rename`), unique among those that have one.
  `ALTER TABLE sessions ADD COLUMN name TEXT;
   CREATE UNIQUE INDEX sessions_by_name ON sessions(name) WHERE name IS NOT NULL;`,
  // 19: what `pai undo` puts back: for each file a run changed, its content before the run's first change (NULL:
  // it did not exist, or was too large to keep) and the hash of what the run left (NULL: the run left no file).
  `CREATE TABLE undo_files (
     id          INTEGER PRIMARY KEY,
     run_id      TEXT NOT NULL,
     session_id  TEXT,
     mode        TEXT,
     path        TEXT NOT NULL,
     existed     INTEGER NOT NULL,
     previous    BLOB,
     file_mode   INTEGER,
     kept        INTEGER NOT NULL,
     after_hash  TEXT,
     tool        TEXT NOT NULL,
     changed_at  TEXT NOT NULL,
     undone_at   TEXT,
     UNIQUE (run_id, path)
   );
   CREATE INDEX undo_files_by_run ON undo_files(run_id);`,
  // 20: the model that wrote an answer (`PROVIDER:MODEL`), for `pai history`: `-m` and `/model` change it mid-session.
  `ALTER TABLE messages ADD COLUMN model TEXT;`,
];

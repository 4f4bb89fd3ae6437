/**
 * Opens PAI's state database (one SQLite file through the built-in
 * `node:sqlite`): WAL so readers never block the writer, a busy timeout so
 * several `pai` processes can write at once, foreign keys on, and the
 * numbered migrations applied inside one exclusive transaction.
 */
import { DatabaseSync } from "node:sqlite";
import { join } from "../core/paths.ts";
import { EXIT, PaiError } from "../core/errors.ts";
import { MIGRATIONS } from "./migrations.ts";

export type Database = DatabaseSync;

/** How long a writer waits for another process's lock before failing. */
const BUSY_TIMEOUT_MS = 10_000;

/** Options for {@linkcode openDatabase}. */
export interface OpenDatabaseOptions {
  /** File name inside `dataDir`; defaults to `pai.db`. */
  fileName?: string;
}

/**
 * Opens (creating with mode 0600 if needed) and migrates the database in
 * `dataDir`. A file that is not a PAI database is reported, never replaced.
 */
export function openDatabase(dataDir: string, options: OpenDatabaseOptions = {}): Database {
  const path = join(dataDir, options.fileName ?? "pai.db");
  ensurePrivateFile(dataDir, path);
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS, enableForeignKeyConstraints: true });
    db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
    migrate(db, path);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof PaiError) throw error;
    throw new PaiError(`Cannot open the state database "${path}": ${messageOf(error)}`, {
      exitCode: EXIT.CONFIG,
      hint: "PAI never overwrites it: move the file aside to start with a fresh state",
      cause: error,
    });
  }
}

function migrate(db: DatabaseSync, path: string): void {
  const version = Number(db.prepare("PRAGMA user_version").get()?.user_version ?? 0);
  if (version > MIGRATIONS.length) {
    throw new PaiError(
      `Cannot use the state database "${path}": it has schema version ${version}, newer than this PAI knows (${MIGRATIONS.length})`,
      { exitCode: EXIT.CONFIG, hint: "Upgrade PAI, or move the file aside" },
    );
  }
  if (version === MIGRATIONS.length) return;
  // EXCLUSIVE: two processes opening a fresh database at once must not both migrate.
  db.exec("BEGIN EXCLUSIVE");
  try {
    const current = Number(db.prepare("PRAGMA user_version").get()?.user_version ?? 0);
    for (let v = current; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]);
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`);
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}

/** Creates the folder (0700) and an empty file (0600) so SQLite never creates them world-readable. */
function ensurePrivateFile(dir: string, path: string): void {
  Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    Deno.writeFileSync(path, new Uint8Array(), { createNew: true, mode: 0o600 });
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) {
      throw new PaiError(`Cannot create the state database "${path}": ${messageOf(error)}`, {
        exitCode: EXIT.CONFIG,
        hint: "Check the folder's permissions, or set PAI_HOME to a writable folder",
      });
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

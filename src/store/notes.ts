/** The text of note resources, kept by PAI in its database. */
import type { Database } from "./db.ts";

export function noteText(db: Database, name: string): string | undefined {
  const row = db.prepare("SELECT text FROM notes WHERE name = ?").get(name) as { text: string } | undefined;
  return row?.text;
}

export function setNote(db: Database, name: string, text: string, now = new Date()): void {
  db.prepare("INSERT OR REPLACE INTO notes (name, text, updated_at) VALUES (?, ?, ?)").run(
    name,
    text,
    now.toISOString(),
  );
}

export function deleteNote(db: Database, name: string): void {
  db.prepare("DELETE FROM notes WHERE name = ?").run(name);
}

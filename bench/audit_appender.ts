/**
 * One appending process for `bench/audit.ts`: appends `count` audit rows to the database in `dir`, all queued at
 * once (as a turn's tool rows may be), and prints when its appends began and ended (ms since the epoch), as JSON:
 * `deno run -A bench/audit_appender.ts <dir> <label> <count>`.
 */
import { appendAudit } from "../src/audit/log.ts";
import { openDatabase } from "../src/store/db.ts";

const [dir, label, count] = Deno.args;
const db = openDatabase(dir);
const text = "Summarise the notes in notes/*.md into one page, keeping the dates. ".repeat(3);
const start = performance.timeOrigin + performance.now();
await Promise.all(
  Array.from(
    { length: Number(count) },
    (_, i) => appendAudit(db, { kind: "prompt", sessionId: label, mode: "chat", text: `${label}-${i}: ${text}` }),
  ),
);
const end = performance.timeOrigin + performance.now();
db.close();
console.log(JSON.stringify({ start, end }));

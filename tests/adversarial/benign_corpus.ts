/** The benign corpus: ordinary text a user sends, none of it a secret or personal data. */

/** Ordinary text a user sends: none of it is a secret or personal data. */
export const BENIGN_CORPUS = [
  "Summarise the attached meeting notes and list the three decisions we made on 2026-11-24.",
  "The build failed at commit 3f2a9c1b7e4d6f8a0b2c4d6e8f0a1b3c5d7e9f1a; the test at line 42 timed out after 30 s.",
  'Use `const apiKey = Deno.env.get("OPENAI_API_KEY")` instead of hard-coding it.',
  "The invoice total is 1,234.56 EUR, due in 30 days; order number 2026-0042.",
  "Set password = ${DB_PASSWORD} in the template and never commit the real one.",
  "Version 2.9.6 fixed the bug; see https://docs.deno.com/runtime/ for the permission flags.",
  "Our office is open 9:00–17:30, Monday to Friday; the meeting room is B-204.",
  "The SHA-256 of the file is 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.",
  "Call the function with base64 input such as SGVsbG8gd29ybGQ= and compare the output.",
  'In JSON, write {"name": "pai", "version": "0.1.0"} and keep keys sorted.',
  "Rename CONFIGURATION_MANAGER_FACTORY_INSTANCE to something shorter.",
  "The UUID 123e4567-e89b-12d3-a456-426614174000 identifies the record.",
  "Coordinates 48.8566, 2.3522 are in Paris; the tower is 330 m tall.",
  "Run `git log --oneline | head -20` and paste the output.",
  "The PR #1234 adds retries with backoff of 0.5, 1, 2 and 4 seconds.",
];

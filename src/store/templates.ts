/**
 * Templates: a named system prompt, and optionally a model, for `pai prompt|chat|agent -t NAME` (as `llm -t` and
 * aichat's roles). Kept in `templates.json` beside `config.json`, which a user may edit by hand: it is validated on
 * every read, and written whole, atomically.
 */
import { z } from "zod";
import { EXIT, PaiError } from "../core/errors.ts";
import { writeFileAtomic } from "./atomic_file.ts";
import { readJsonFile } from "./json_file.ts";

const TEMPLATE_SCHEMA = z.strictObject({
  /** The system prompt, in place of config.json's. */
  system: z.string().min(1),
  /** The model, as `-m` takes it (`PROVIDER:MODEL`, a model of the session's provider, or an alias). */
  model: z.string().min(1).optional(),
});

const TEMPLATES_SCHEMA = z.strictObject({ templates: z.record(z.string(), TEMPLATE_SCHEMA) });

/** A template. */
export type Template = z.infer<typeof TEMPLATE_SCHEMA>;

/** What a template name may be: a word a shell passes as it is. */
const TEMPLATE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function templatesPath(configDir: string): string {
  return `${configDir}/templates.json`;
}

/** Every template, by name. */
export function loadTemplates(configDir: string): Record<string, Template> {
  return readJsonFile(templatesPath(configDir), TEMPLATES_SCHEMA)?.templates ?? {};
}

/** The template named; a clear error when there is none. */
export function findTemplate(configDir: string, name: string): Template {
  const templates = loadTemplates(configDir);
  const found = Object.hasOwn(templates, name) ? templates[name] : undefined;
  if (!found) {
    const known = Object.keys(templates).join(", ") || "none yet";
    throw new PaiError(`No template "${name}" (${known})`, {
      exitCode: EXIT.USAGE,
      hint: `Add it: pai template add ${TEMPLATE_NAME.test(name) ? name : "NAME"} --system "…"`,
    });
  }
  return found;
}

/** Saves a template; an existing one of that name is replaced only with `replace`. */
export function saveTemplate(configDir: string, name: string, template: Template, replace = false): void {
  if (!TEMPLATE_NAME.test(name)) {
    throw new PaiError(`"${name}" cannot name a template: use letters, digits, ".", "_" and "-" (64 at most)`, {
      exitCode: EXIT.USAGE,
    });
  }
  const templates = loadTemplates(configDir);
  if (Object.hasOwn(templates, name) && !replace) {
    throw new PaiError(`Template "${name}" exists: nothing was changed`, {
      exitCode: EXIT.USAGE,
      hint: `Replace it with: pai template add ${name} --force …`,
    });
  }
  write(configDir, { ...templates, [name]: TEMPLATE_SCHEMA.parse(template) });
}

/** Removes a template; false when there was none. */
export function removeTemplate(configDir: string, name: string): boolean {
  const templates = loadTemplates(configDir);
  if (!Object.hasOwn(templates, name)) return false;
  const { [name]: _, ...rest } = templates;
  write(configDir, rest);
  return true;
}

function write(configDir: string, templates: Record<string, Template>): void {
  writeFileAtomic(templatesPath(configDir), `${JSON.stringify({ templates }, null, 2)}\n`, { createNew: false });
}

/** PAI's optional `config.json` (JSON with comments), with the defaults that apply when it is absent. */
import { join } from "../core/paths.ts";
import { readJsonFile } from "./json_file.ts";
import { lazyImport } from "../core/lazy_import.ts";
import type { AssistantConfig, AuditConfig, ModelsConfig } from "./config_schema.ts";

/** The settings PAI runs with. */
export interface Config {
  systemPrompt: string;
  localHosts: readonly string[];
  maxRetries: number;
  timeoutSeconds: number;
  maxTokens: number;
  /** The proxy provider traffic may go through (see config_schema.ts). */
  proxy?: string;
  /** Settings per model: limits and prices (see config_schema.ts). */
  models?: ModelsConfig;
  /** What the audit log keeps of each event's content (see config_schema.ts); absent: `redacted`. */
  audit?: AuditConfig;
  /** Whether a line with each answer's tokens and cost follows it in a terminal (see config_schema.ts). */
  usageLine?: boolean;
  /** Short names for models, for `-m/--model` (see config_schema.ts). */
  aliases?: Readonly<Record<string, string>>;
  /** Assistant mode's lease, polling, per-task tokens and attempts (see config_schema.ts). */
  assistant?: AssistantConfig;
}

export const DEFAULT_SYSTEM_PROMPT =
  "You are PAI, a personal assistant running in the user's terminal. Answer clearly and concisely. " +
  "Say so when you are not sure.";

export const DEFAULT_CONFIG: Readonly<Config> = Object.freeze({
  systemPrompt: DEFAULT_SYSTEM_PROMPT,
  localHosts: [],
  maxRetries: 2,
  timeoutSeconds: 600,
  maxTokens: 4096,
});

/** The path of the config file in `configDir`. */
export function configPath(configDir: string): string {
  return join(configDir, "config.json");
}

/** Loads `config.json` from `configDir` over the defaults; a broken file stops PAI with its path and line. */
export async function loadConfig(configDir: string): Promise<Config> {
  const path = configPath(configDir);
  try {
    Deno.statSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { ...DEFAULT_CONFIG };
  }
  const { CONFIG_SCHEMA } = await lazyImport<typeof import("./config_schema.ts")>(
    "./config_schema.ts",
    import.meta.url,
  );
  // JSON with comments, as policy.json and resources.json: one format for every file a user edits.
  return { ...DEFAULT_CONFIG, ...readJsonFile(path, CONFIG_SCHEMA, { comments: true }) };
}

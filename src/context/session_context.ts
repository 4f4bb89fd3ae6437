/** The context manager of a run: the session's model window (config, table, Ollama's own word) and its tokenizer. */
import type { ModeProfile } from "../core/mode_profile.ts";
import type { Label } from "../core/types.ts";
import { ollamaContextLength } from "../providers/local_probe.ts";
import { resolveModelWindow } from "../providers/model_windows.ts";
import type { ResolvedProvider } from "../providers/registry.ts";
import type { Config } from "../store/config.ts";
import type { Database } from "../store/db.ts";
import { join, paiPaths } from "../core/paths.ts";
import { BYTES, ContextManager } from "./context_manager.ts";
import { openTokenMemo } from "./token_memo.ts";
import { loadTokenCounter } from "./tokens.ts";

/** What {@linkcode sessionContext} needs besides the session. */
export interface SessionContextOptions {
  config: Pick<Config, "maxTokens" | "models">;
  resolved: ResolvedProvider;
  /** The provider as a refusal names it ("openai (remote)"). */
  provider: string;
  mayReceive(label: Label): boolean;
  /** How data from these files and resources is labelled now (see `ContextLimits.labelOf`). */
  labelOf?(sources: readonly string[]): Label | undefined;
}

/** The context manager for a session's turns in one mode. */
export async function sessionContext(
  db: Database,
  session: { id: string; model: string },
  profile: Pick<ModeProfile, "mode" | "context">,
  options: SessionContextOptions,
): Promise<ContextManager> {
  const { resolved, config } = options;
  const name = resolved.spec.name;
  // Ollama's window is what its server runs the model with: asked once per run (within its probe's time limit).
  const ollama = name === "ollama" ? await ollamaContextLength(resolved.baseUrl, session.model) : undefined;
  const window = resolveModelWindow(name, session.model, { models: config.models, ollama });
  return new ContextManager(db, session, profile, {
    window: window.contextWindow,
    output: Math.min(config.maxTokens, window.maxOutputTokens),
    model: session.model,
    provider: options.provider,
    mayReceive: options.mayReceive,
    labelOf: options.labelOf,
  }, {
    bound: BYTES,
    exact: () => loadTokenCounter(name, session.model),
    // In the state folder, which no tool is granted: a count made smaller would let a request overflow the window.
    remembered: openTokenMemo(join(paiPaths().dataDir, "token_counts.json"), `${name}/${session.model}`),
  });
}

/** `pai init`: choose a provider and model for a new session. */
import type { CommandContext } from "@stricli/core";
import { appendAudit } from "../audit/log.ts";
import { EXIT, PaiError } from "../core/errors.ts";
import { openState, sdkCache } from "../modes/session_setup.ts";
import { probeModels } from "../providers/local_probe.ts";
import { type ProviderName, resolveProvider, type SystemRole } from "../providers/registry.ts";
import { ensureBundle } from "../providers/sdk_loader.ts";
import { createSession } from "../store/sessions.ts";
import { stderr, stdout } from "../ui/output.ts";

/** Flags of `pai init`. */
export interface InitFlags {
  model: string;
  baseUrl?: string;
  apiKeyEnv?: string;
  systemRole: SystemRole;
  locality: "auto" | "local" | "remote";
}

/** How many valid model names an error lists before "…". */
const LISTED_MODELS = 20;

/**
 * Checks the choice (key present, URL valid, model offered when the provider
 * can say) and starts the session. Nothing is stored when a check fails.
 */
export async function init(this: CommandContext, flags: InitFlags, provider: ProviderName): Promise<void> {
  const model = flags.model.trim();
  if (!model) throw new PaiError("--model cannot be empty", { exitCode: EXIT.USAGE });
  if (flags.apiKeyEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(flags.apiKeyEnv)) {
    throw new PaiError(`--api-key-env "${flags.apiKeyEnv}" is not a variable name`, {
      exitCode: EXIT.USAGE,
      hint: "Give the variable's name, such as OPENROUTER_API_KEY, not its value",
    });
  }
  const { config, db } = await openState();
  try {
    const choice = {
      provider,
      model,
      baseUrl: flags.baseUrl ?? null,
      apiKeyEnv: flags.apiKeyEnv ?? null,
      systemRole: flags.systemRole,
      locality: flags.locality,
    };
    const resolved = resolveProvider(choice, { env: (n) => Deno.env.get(n), localHosts: config.localHosts });
    const offered = await probeModels(resolved);
    if (offered && offered.length > 0 && !offered.includes(model)) {
      const listed = offered.slice(0, LISTED_MODELS).join(", ") + (offered.length > LISTED_MODELS ? ", …" : "");
      throw new PaiError(`Unknown model "${model}" for ${provider}: it offers ${listed}`, {
        exitCode: EXIT.USAGE,
        hint: `Run "pai init ${provider} --model NAME" with one of them`,
      });
    }
    if (!offered) {
      stderr.write(`Note: could not list the models at ${resolved.baseUrl}; "${model}" was not checked.\n`);
    }
    const session = createSession(db, choice);
    await appendAudit(db, {
      kind: "session",
      sessionId: session.id,
      provider,
      model,
      payload: `session started at ${resolved.baseUrl}`,
    });
    stdout.write(
      `Started session ${session.id}: ${provider}, model "${model}" at ${resolved.baseUrl} (${resolved.locality}).\n`,
    );
    // Set-up time is the time to bundle the SDK, so that the first prompt starts as fast as the others.
    const cache = sdkCache((n) => Deno.env.get(n), (line) => stderr.write(`Note: ${line}\n`));
    if (cache) await ensureBundle(resolved.spec.protocol, cache);
  } finally {
    db.close();
  }
}

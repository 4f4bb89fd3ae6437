/** `pai status`: the current session at a glance. */
import type { CommandContext } from "@stricli/core";
import { sessionUsage } from "../audit/log.ts";
import { PaiError } from "../core/errors.ts";
import { openState } from "../modes/session_setup.ts";
import { type ProviderName, resolveProvider } from "../providers/registry.ts";
import { countMessages } from "../store/messages.ts";
import { currentSession } from "../store/sessions.ts";
import { stdout } from "../ui/output.ts";
import { printTable } from "../ui/table.ts";

/** Flags of `pai status`. */
export interface StatusFlags {
  json: boolean;
}

/** Prints provider, model, mode, message count and tokens used. */
export async function status(this: CommandContext, flags: StatusFlags): Promise<void> {
  const { config, db } = await openState();
  try {
    const session = currentSession(db);
    if (!session) {
      if (flags.json) stdout.write(`${JSON.stringify({ session: null })}\n`);
      else stdout.write('No session. Start one with "pai init PROVIDER --model MODEL" (see "pai providers").\n');
      return;
    }
    let endpoint: { baseUrl: string; locality: string } | { problem: string };
    try {
      const resolved = resolveProvider(
        { ...session, provider: session.provider as ProviderName },
        { env: (n) => Deno.env.get(n), localHosts: config.localHosts },
      );
      endpoint = { baseUrl: resolved.baseUrl, locality: resolved.locality };
    } catch (error) {
      if (!(error instanceof PaiError)) throw error;
      endpoint = { problem: error.message };
    }
    const usage = sessionUsage(db, session.id);
    const messages = countMessages(db, session.id);
    if (flags.json) {
      stdout.write(`${JSON.stringify({ session: { ...session, ...endpoint, messages, usage } })}\n`);
      return;
    }
    printTable(stdout, [
      ["session", `${session.id} (started ${session.createdAt})`],
      ["provider", session.provider],
      "problem" in endpoint
        ? ["endpoint", `not ready: ${endpoint.problem}`]
        : ["endpoint", `${endpoint.baseUrl} (${endpoint.locality})`],
      ["model", session.model],
      ["mode", session.mode],
      ["messages", String(messages)],
      ["tokens", `${usage.inputTokens} in, ${usage.outputTokens} out`],
    ]);
  } finally {
    db.close();
  }
}

/** The provider of `pai ask`: the session's model, another one, or the default, with no session of its own. */
import { sessionStart } from "../audit/log.ts";
import { endpointOf } from "../providers/endpoint.ts";
import { type ProviderName, type ResolvedProvider, resolveProvider } from "../providers/registry.ts";
import { currentSession, type Session } from "../store/sessions.ts";
import { checkEndpoint, checkProxy, driftError } from "./endpoint_pin.ts";
import {
  defaultChoice,
  modelRef,
  type OpenSessionOptions,
  openState,
  policyHere,
  readyProvider,
  type SessionContext,
} from "./session_setup.ts";

/**
 * For `pai ask`: a quick prompt's provider, with no session of its own. It is the current session's provider and
 * model (held to the session's pinned endpoint, which it never changes), another model of it, another provider's
 * (`--model PROVIDER:MODEL`, resolved from the environment), or with no session the default choice. The session it
 * returns exists for this run only (`ask-…`, never stored): it names the run's rows in the audit log and its spend
 * in the budgets' ledger, so a session-tokens budget bounds each ask.
 */
export async function openAsk(options: OpenSessionOptions): Promise<SessionContext> {
  const env = options.env ?? ((name: string) => Deno.env.get(name));
  const { config, db } = await openState(env);
  try {
    const { policy, workspace } = await policyHere(db, env, options.notice);
    if (options.safe) policy.safe = true;
    const ref = options.model === undefined ? undefined : modelRef(options.model, config);
    const current = currentSession(db);
    const resolveOptions = { env, localHosts: config.localHosts };
    let resolved: ResolvedProvider;
    let pinnedTo: Session | undefined;
    if (ref?.provider && ref.provider !== current?.provider) {
      resolved = resolveProvider({ provider: ref.provider, model: ref.model }, resolveOptions);
    } else if (current) {
      resolved = resolveProvider(
        { ...current, provider: current.provider as ProviderName, model: ref?.model ?? current.model },
        resolveOptions,
      );
      pinnedTo = current;
    } else {
      const choice = await defaultChoice(config, env);
      const model = ref?.model ?? choice.model;
      resolved = choice.resolved && !ref ? choice.resolved : resolveProvider({ ...choice, model }, resolveOptions);
      options.notice(`No session: ${ref ? `using ${choice.provider} with model "${model}"` : choice.said}.`);
    }
    checkProxy(resolved, { allowed: config.proxy, env });
    const endpoint = endpointOf(resolved);
    if (pinnedTo) {
      // The session's model goes where the session goes: an environment that points elsewhere is refused.
      const check = checkEndpoint(pinnedTo, endpoint, pinnedTo.pinned ? undefined : sessionStart(db, pinnedTo.id));
      if (check.kind === "drift") throw driftError({ session: pinnedTo, resolved }, check);
    }
    const provider = await readyProvider(resolved, { config, policy, env, notice: options.notice });
    const at = new Date().toISOString();
    const session: Session = {
      id: `ask-${crypto.randomUUID()}`,
      name: null,
      provider: resolved.spec.name,
      model: resolved.model,
      baseUrl: null,
      apiKeyEnv: null,
      systemRole: resolved.systemRole,
      locality: "auto",
      pinned: endpoint,
      roles: {},
      mode: "prompt",
      createdAt: at,
      updatedAt: at,
    };
    return { config, db, session, provider, policy, workspace };
  } catch (error) {
    db.close();
    throw error;
  }
}

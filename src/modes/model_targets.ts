/**
 * Where a request may go: the session's main model, or one of its models for roles (`pai init --local-model
 * --planner --summarizer`). Each is a target with its own provider (built on first use: a run that never routes
 * loads nothing more), endpoint, price, budget and label ceiling. A role's model is held to the endpoint it was
 * pinned to when the session started, as the main one is; the local model must still resolve to a local endpoint.
 */
import { EXIT, PaiError } from "../core/errors.ts";
import { higherLabel, type Label, type Mode } from "../core/types.ts";
import { type Endpoint, endpointOf, sameEndpoint } from "../providers/endpoint.ts";
import { type ModelPrice, resolvePrice } from "../providers/prices.ts";
import type { Provider } from "../providers/provider.ts";
import { type ProviderName, type ResolvedProvider, resolveProvider } from "../providers/registry.ts";
import { mayReceive } from "../policy/labels.ts";
import { providerCeiling } from "../policy/policy.ts";
import { type ModelRole, ROLES } from "../store/sessions.ts";
import { sessionBudget } from "./budget.ts";
import { checkProxy } from "./endpoint_pin.ts";
import { readyProvider, type SessionContext } from "./session_setup.ts";
import type { AuditPort, BudgetPort } from "./turn_ports.ts";

/** One model a request may be sent to, with everything that request needs. */
export interface ModelTarget {
  role: "main" | ModelRole;
  /** As the user reads it: `ollama:llama3.2 (local)`. */
  name: string;
  /** The audit columns of its requests. */
  who: { provider: string; model: string };
  endpoint: Endpoint;
  resolved: ResolvedProvider;
  provider(): Promise<Provider>;
  price: ModelPrice | null;
  budget: BudgetPort;
  /** The most sensitive label it may receive (the policy's ceiling for it). */
  ceiling: Label;
}

/** Whether the target may receive data with this label. */
export function receives(target: Pick<ModelTarget, "ceiling">, label: Label | undefined): boolean {
  return !label || mayReceive(target.ceiling, label);
}

/**
 * The most sensitive label a run may hold, and who may receive it, as refusals say: what the main model may receive,
 * or with a local model what either may (a request holding more than the main model may receive goes to the local one).
 */
export function runCeiling(targets: { main: ModelTarget; local?: ModelTarget }): { ceiling: Label; receivers: string } {
  const { main, local } = targets;
  if (!local) return { ceiling: main.ceiling, receivers: main.name };
  return { ceiling: higherLabel(main.ceiling, local.ceiling), receivers: `${main.name} or ${local.name}` };
}

/** The session's targets for roles, keyed by role (those it names). */
export type RoleTargets = Partial<Record<ModelRole, ModelTarget>>;

/**
 * The session's models for roles, resolved from this environment and held to their pins: a role whose endpoint is
 * not the one it was pinned to, or a local model that is no longer local, stops the run before anything is sent.
 */
export function roleTargets(
  ctx: SessionContext,
  mode: Mode,
  audit: Pick<AuditPort, "emit">,
  env: (name: string) => string | undefined = (n) => Deno.env.get(n),
): RoleTargets {
  const targets: RoleTargets = {};
  for (const role of ROLES) {
    const chosen = ctx.session.roles[role];
    if (!chosen) continue;
    const { provider, model, pinned, locality } = chosen;
    const resolved = resolveProvider({ provider: provider as ProviderName, model, locality: locality ?? "auto" }, {
      env,
      localHosts: ctx.config.localHosts,
    });
    checkProxy(resolved, { allowed: ctx.config.proxy, env });
    const endpoint = endpointOf(resolved);
    if (!sameEndpoint(pinned, endpoint)) {
      throw new PaiError(
        `The session's ${role} model (${provider}:${model}) was pinned to ${pinned.baseUrl} (${pinned.locality}), ` +
          `but this environment points it to ${endpoint.baseUrl} (${endpoint.locality}): nothing was sent`,
        {
          exitCode: EXIT.CONFIG,
          hint: `Set ${resolved.spec.baseUrlEnv ?? "its base URL"} back, or start a new session with "pai init"`,
        },
      );
    }
    targets[role] = target(ctx, role, resolved, mode, audit, env);
  }
  return targets;
}

/** The session's main model as a target (its provider is already built). */
export function mainTarget(ctx: SessionContext, budget: BudgetPort, price: ModelPrice | null): ModelTarget {
  const { resolved } = ctx.provider;
  return {
    role: "main",
    name: `${ctx.session.provider}:${ctx.session.model} (${resolved.locality})`,
    who: { provider: ctx.session.provider, model: ctx.session.model },
    endpoint: endpointOf(resolved),
    resolved,
    provider: () => Promise.resolve(ctx.provider),
    price,
    budget,
    ceiling: providerCeiling(ctx.policy, resolved.spec.name, resolved.locality),
  };
}

function target(
  ctx: SessionContext,
  role: ModelRole,
  resolved: ResolvedProvider,
  mode: Mode,
  audit: Pick<AuditPort, "emit">,
  env: (name: string) => string | undefined,
): ModelTarget {
  const who = { provider: resolved.spec.name, model: resolved.model };
  const price = resolvePrice(resolved, ctx.config.models).price;
  let provider: Promise<Provider> | undefined;
  return {
    role,
    name: `${who.provider}:${who.model} (${resolved.locality})`,
    who,
    endpoint: endpointOf(resolved),
    resolved,
    provider: () =>
      provider ??= readyProvider(resolved, { config: ctx.config, policy: ctx.policy, env, notice: () => {} }),
    price,
    // Its requests count against the budgets of its own provider and model.
    budget: sessionBudget(ctx, mode, { audit, price, spender: who }),
    ceiling: providerCeiling(ctx.policy, resolved.spec.name, resolved.locality),
  };
}

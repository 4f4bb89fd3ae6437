/**
 * Routing by data, for one turn: which model each request goes to. The turn follows the most sensitive label of what
 * its requests hold (the input, the history, summary and memories the context sent, each tool result): a request
 * goes to the model it is for (the main one, the planner, the summariser) when that model may receive the label;
 * otherwise to the session's local model, when it may — said once on stderr and recorded before the request row —
 * and otherwise it is refused, nothing sent. Each target gets its own turn guard: its rows name its provider and
 * model, its requests its endpoint, its answers its price.
 */
import { EXIT, PaiError } from "../core/errors.ts";
import { higherLabel, type Label } from "../core/types.ts";
import type { TurnContext } from "./engine.ts";
import { type ModelTarget, receives } from "./model_targets.ts";
import { TurnGuard, type Who } from "./turn_guard.ts";

/** A request's target, and the guard that records what goes to it. */
export interface Route {
  target: ModelTarget;
  guard: TurnGuard;
}

export class TurnRouter {
  readonly main: ModelTarget;
  #ctx: TurnContext;
  #who: Who;
  #onNotice?: (text: string) => void;
  #label?: Label;
  #guards = new Map<ModelTarget, TurnGuard>();
  #told = new Set<string>();
  /** The local model the turn was routed to, if it was. */
  routedTo?: string;

  constructor(ctx: TurnContext, who: Who, onNotice?: (text: string) => void) {
    this.#ctx = ctx;
    this.#who = who;
    this.#onNotice = onNotice;
    this.main = ctx.targets?.main ?? {
      role: "main",
      name: `${ctx.session.provider}:${ctx.session.model}`,
      who: { provider: ctx.session.provider, model: ctx.session.model },
      endpoint: { baseUrl: ctx.provider.resolved.baseUrl, locality: ctx.provider.resolved.locality },
      resolved: ctx.provider.resolved,
      provider: () => Promise.resolve(ctx.provider),
      price: ctx.price ?? null,
      budget: ctx.budget,
      // Without targets (tests with fakes), nothing is routed: the context and the tools hold the labels.
      ceiling: "secret",
    };
  }

  /** The turn's requests hold data with this label from now on. */
  raise(label: Label | undefined): void {
    if (label) this.#label = this.#label ? higherLabel(this.#label, label) : label;
  }

  /** The guard of the main model: what records the turn's input. */
  get guard(): TurnGuard {
    return this.guardOf(this.main);
  }

  guardOf(target: ModelTarget): TurnGuard {
    let guard = this.#guards.get(target);
    if (!guard) {
      const { audit, guard: scanners, tools } = this.#ctx;
      guard = new TurnGuard(
        { audit, guard: scanners, tools, price: target.price, endpoint: target.endpoint },
        { ...this.#who, ...target.who },
        this.#onNotice,
      );
      this.#guards.set(target, guard);
    }
    return guard;
  }

  /** Where a request would go now, with nothing recorded or said (a dry run); `undefined` when it would be refused. */
  peek(preferred: ModelTarget = this.main): ModelTarget | undefined {
    if (receives(preferred, this.#label)) return preferred;
    const local = this.#ctx.targets?.local;
    return local && receives(local, this.#label) ? local : undefined;
  }

  /**
   * Where a request for `preferred` (the main model unless a role's) goes, holding what the turn holds and `label`
   * (a summary's own). Throws a `PaiError` (exit 7), nothing sent, when neither it nor the local model may have it.
   */
  async route(preferred: ModelTarget = this.main, purpose?: "summary" | "plan", label?: Label): Promise<Route> {
    const holds = label && this.#label ? higherLabel(label, this.#label) : label ?? this.#label;
    if (receives(preferred, holds)) return { target: preferred, guard: this.guardOf(preferred) };
    const local = this.#ctx.targets?.local;
    if (!local || !receives(local, holds)) {
      const message = `Not sent: the request holds data labelled ${holds}, which ${preferred.name} may not receive`;
      await this.guard.recordLabelRefusal(message);
      throw new PaiError(message, {
        exitCode: EXIT.POLICY,
        hint: local
          ? `The local model ${local.name} may not receive it either (the policy's ceilings)`
          : "Name a local model for such data: pai init PROVIDER --model M --local-model ollama:MODEL",
      });
    }
    await this.guard.recordRoute({
      label: holds!,
      from: preferred.name,
      to: local.name,
      ...(purpose ? { purpose } : {}),
    });
    const notice = `${preferred.name}|${holds}`;
    if (!this.#told.has(notice)) {
      this.#told.add(notice);
      this.#onNotice?.(
        `pai: this request holds data labelled ${holds}, which ${preferred.name} may not receive: ` +
          `sent to ${local.name} instead`,
      );
    }
    if (!purpose) this.routedTo = local.name;
    return { target: local, guard: this.guardOf(local) };
  }
}

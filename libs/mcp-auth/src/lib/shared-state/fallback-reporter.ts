import type { Logger } from '@mcp-factory/shared-util';
import { errorMessage } from '@mcp-factory/shared-util';

/** The parts of the service that keep state in Redis, each with its own behaviour when Redis is down. */
export type SharedStateComponent = 'rate-limit' | 'session-slots' | 'event-bus';

/** What each component does while Redis is unreachable (docs/scale-out.md has the same table). */
export const FALLBACK_BEHAVIOUR: Readonly<Record<SharedStateComponent, string>> = {
  'rate-limit': 'fails open to a per-replica token bucket (a user may get up to replicas × the limit)',
  'session-slots': 'falls back to the per-replica caps; slots taken meanwhile are registered in Redis once it is back',
  'event-bus': 'delivers on this replica only; events published meanwhile do not reach other replicas',
};

/** Options of {@link FallbackReporter}. */
export interface FallbackReporterOptions {
  logger: Logger;
  /** Called on every fallback (wire it to a counter: `mcp_shared_state_fallbacks_total{component}`). */
  onFallback?: (component: SharedStateComponent) => void;
  /** Called when a component reaches Redis again after falling back. */
  onRecovered?: (component: SharedStateComponent) => void;
  /** At most one warning per component per this many ms while degraded. Default 30000. */
  warnIntervalMs?: number;
  now?: () => number;
}

/**
 * Counts and logs the moments a component could not reach Redis and used its local fallback: a
 * warning when it starts (then at most one per interval), one line when it recovers. Never throws.
 */
export class FallbackReporter {
  private readonly degradedSince = new Map<SharedStateComponent, number>();
  private readonly lastWarning = new Map<SharedStateComponent, number>();
  private readonly totals = new Map<SharedStateComponent, number>();
  private readonly warnIntervalMs: number;
  private readonly now: () => number;

  constructor(private readonly options: FallbackReporterOptions) {
    this.warnIntervalMs = options.warnIntervalMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /** A component used its fallback because of `error`. */
  fallback(component: SharedStateComponent, error: unknown): void {
    const now = this.now();
    this.totals.set(component, (this.totals.get(component) ?? 0) + 1);
    if (!this.degradedSince.has(component)) this.degradedSince.set(component, now);
    const last = this.lastWarning.get(component);
    if (last === undefined || now - last >= this.warnIntervalMs) {
      this.lastWarning.set(component, now);
      this.options.logger.warn('redis unavailable: using the local fallback', {
        component,
        behaviour: FALLBACK_BEHAVIOUR[component],
        fallbacks: this.totals.get(component),
        error: errorMessage(error),
      });
    }
    this.options.onFallback?.(component);
  }

  /** A component reached Redis; logs once if it was degraded. */
  succeeded(component: SharedStateComponent): void {
    const since = this.degradedSince.get(component);
    if (since === undefined) return;
    this.degradedSince.delete(component);
    this.lastWarning.delete(component);
    this.options.logger.info('redis reachable again: shared state restored', { component, degradedMs: this.now() - since });
    this.options.onRecovered?.(component);
  }

  /** Components currently on their fallback. */
  get degraded(): SharedStateComponent[] {
    return [...this.degradedSince.keys()];
  }

  /** Fallbacks so far, per component. */
  count(component: SharedStateComponent): number {
    return this.totals.get(component) ?? 0;
  }
}

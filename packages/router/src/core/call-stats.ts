// Calls by outcome and their latency per procedure, kept only while metrics are on, with labels bounded however
// many URIs clients use.
import { ErrorUri } from '@wamp/protocol';
import { Histogram } from './histogram.js';

/** Upper bounds (ms) of the call latency buckets, the last one `+Inf`. */
export const LATENCY_BUCKETS_MS: readonly number[] = [
  1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000,
];

/** Series of their own at most, for error URIs (and by default for procedures); the rest share the value `other`. */
export const MAX_LABELS = 100;
/** Calls (or errors) a name needs before it gets a series of its own, while fewer than {@link MAX_LABELS} have one. */
export const PROMOTE_AFTER = 100;
/** Names counted towards promotion at most; past that every count is halved (and the zeros go), so it stays bounded. */
const MAX_CANDIDATES = 10_000;

export const OTHER = 'other';

/**
 * Names (procedure or error URIs) mapped to a bounded set of label values: the names of the allow-list have
 * theirs from the start; another gets its own once it has been seen {@link PROMOTE_AFTER} times, so the busiest
 * come first, and keeps it (a Prometheus series never goes backwards); once `maxPromoted` have one, every other
 * name is `other`. Slot 0 is `other`.
 *
 * @example
 * ```ts
 * const labels = new BoundedLabels(['com.app.checkout']);
 * labels.slotOf('com.app.checkout'); // 1, from the first call
 * labels.slotOf('com.app.add'); // 0 (other) until it was seen 100 times
 * ```
 */
export class BoundedLabels {
  /** The label value of each slot; slot 0 is `other`. */
  readonly names: string[] = [OTHER];
  private readonly slots = new Map<string, number>();
  private readonly candidates = new Map<string, number>();
  /** Names past which no other is promoted: `other`, the allow-list, and `maxPromoted` more. */
  private readonly maxNames: number;

  constructor(allowed: readonly string[] = [], maxPromoted = MAX_LABELS) {
    for (const name of allowed) this.addSlot(name);
    this.maxNames = this.names.length + maxPromoted;
  }

  slotOf(name: string): number {
    const slot = this.slots.get(name);
    if (slot !== undefined) return slot;
    if (this.names.length >= this.maxNames) return 0;
    const seen = (this.candidates.get(name) ?? 0) + 1;
    if (seen < PROMOTE_AFTER) {
      if (seen === 1 && this.candidates.size >= MAX_CANDIDATES) this.decay();
      this.candidates.set(name, seen);
      return 0;
    }
    this.candidates.delete(name);
    return this.addSlot(name);
  }

  private addSlot(name: string): number {
    const existing = this.slots.get(name);
    if (existing !== undefined) return existing;
    this.slots.set(name, this.names.length);
    this.names.push(name);
    return this.names.length - 1;
  }

  /**
   * Halves every candidate's count and drops those at zero: a flood of names seen once is gone at the first
   * decay, while a busy name keeps most of its count and still reaches {@link PROMOTE_AFTER}.
   */
  private decay(): void {
    for (const [name, seen] of this.candidates) {
      if (seen < 2) this.candidates.delete(name);
      else this.candidates.set(name, seen >> 1);
    }
  }
}

/**
 * Which procedures have latency series of their own: the allow-list, and up to `topProcedures` of the busiest.
 *
 * @example
 * ```ts
 * const labels: ProcedureLabels = { procedures: ['com.shop.checkout'], topProcedures: 20 };
 * ```
 */
export interface ProcedureLabels {
  procedures: readonly string[];
  topProcedures: number;
}

/** What a call is counted under: the registered procedure, which remembers its series once it has one. */
export interface CalledProcedure {
  readonly procedure: string;
  latencySlot: number;
}

/** How a call ended, as the metric's `outcome` label. */
export type CallOutcome = 'result' | 'error' | 'canceled' | 'timeout';

/**
 * Calls by outcome, failed calls by error URI, and call latency per procedure at the router (CALL to the RESULT
 * or ERROR the caller got), for the metrics endpoint. `labels` says which procedures have series of their own.
 *
 * @example
 * ```ts
 * const stats = new CallStats({ procedures: ['com.shop.checkout'], topProcedures: 100 });
 * stats.ended(registration, 'result', 3.2);
 * ```
 */
export class CallStats {
  readonly outcomes: Record<CallOutcome, number> = { result: 0, error: 0, canceled: 0, timeout: 0 };
  readonly procedures: BoundedLabels;
  readonly errorUris = new BoundedLabels();
  /** Failed calls by the slot of their error URI in {@link CallStats.errorUris}. */
  readonly errors: number[] = [0];
  /** Latency in ms by the slot of the procedure in {@link CallStats.procedures}. */
  readonly latency: Histogram[] = [new Histogram(LATENCY_BUCKETS_MS)];

  constructor(labels: ProcedureLabels) {
    this.procedures = new BoundedLabels(labels.procedures, labels.topProcedures);
  }

  /** A call of `called` ended with `uri` (`'result'` for a result) after `durationMs`. */
  ended(called: CalledProcedure, uri: string, durationMs: number): void {
    const outcome = outcomeOf(uri);
    this.outcomes[outcome]++;
    if (outcome === 'error') {
      const slot = this.errorUris.slotOf(uri);
      this.errors[slot] = (this.errors[slot] ?? 0) + 1;
    }
    // A registration that has a series of its own remembers it: no lookup per call from then on.
    let slot = called.latencySlot;
    if (slot === 0) slot = called.latencySlot = this.procedures.slotOf(called.procedure);
    let histogram = this.latency[slot];
    if (histogram === undefined) {
      histogram = new Histogram(LATENCY_BUCKETS_MS);
      this.latency[slot] = histogram;
    }
    histogram.observe(durationMs);
  }
}

/**
 * How a call ended, from the URI the dealer ended it with (`'result'` for a result).
 *
 * @example
 * ```ts
 * outcomeOf('wamp.error.canceled'); // 'canceled'
 * ```
 */
export function outcomeOf(uri: string): CallOutcome {
  if (uri === 'result') return 'result';
  if (uri === ErrorUri.CANCELED) return 'canceled';
  if (uri === ErrorUri.TIMEOUT) return 'timeout';
  return 'error';
}

// The cluster's registrations live in a JetStream key-value bucket, one key per (realm, procedure, match), each
// value the whole registration (ID, policy, callees in registration order). Every change is a compare-and-set on
// the key's revision, so two nodes cannot both create a `single` registration, and a shared registration's callee
// list is never lost to a race. Every node watches the bucket and keeps its dealer's view of it.
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { ErrorUri, globalId, type InvocationPolicy, type MatchPolicy } from '@wamp/protocol';
import type { ClusterCallee, ClusterRegisterOutcome, ClusterRegistration } from '../core/fabric.js';
import type { Logger } from '../logger.js';
import { openBucket } from './kv-bucket.js';

/** The bucket's name; one per NATS account, shared by every realm of the cluster. */
export const REGISTRY_BUCKET = 'wamp-registrations';
/** Compare-and-set attempts before a change is given up (only under heavy contention on one procedure). */
const MAX_ATTEMPTS = 50;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/**
 * The key of a registration: key-value keys allow only `[-/_=.A-Za-z0-9]`, so the realm and the procedure are
 * base64url-encoded, each behind a letter so that no token is empty.
 *
 * @example
 * ```ts
 * registryKey('realm1', 'com.app.add', 'exact'); // 'rcmVhbG0x.pY29tLmFwcC5hZGQ.exact'
 * ```
 */
export function registryKey(realm: string, procedure: string, match: MatchPolicy): string {
  return `r${base64url(realm)}.p${base64url(procedure)}.${match}`;
}

/** The realm of a registry key, or undefined for a key this version does not write. */
function realmOf(key: string): string | undefined {
  const dot = key.indexOf('.');
  if (!key.startsWith('r') || dot === -1) return undefined;
  return Buffer.from(key.slice(1, dot), 'base64url').toString('utf8');
}

function isConflict(error: unknown): boolean {
  return error instanceof Error && /wrong last sequence|key exists/i.test(error.message);
}

/** A registration value from the bucket, checked; undefined when it is not one this version writes. */
export function decodeRegistration(data: Uint8Array): ClusterRegistration | undefined {
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8.decode(data));
  } catch {
    return undefined;
  }
  const record = value as Partial<ClusterRegistration> | null;
  if (
    typeof record !== 'object' ||
    record === null ||
    typeof record.id !== 'number' ||
    typeof record.procedure !== 'string' ||
    !['exact', 'prefix', 'wildcard'].includes(record.match as string) ||
    !['single', 'roundrobin', 'random', 'first', 'last'].includes(record.invoke as string) ||
    !Array.isArray(record.callees)
  ) {
    return undefined;
  }
  for (const callee of record.callees as unknown[]) {
    const c = callee as Partial<ClusterCallee> | null;
    if (
      typeof c !== 'object' ||
      c === null ||
      typeof c.node !== 'string' ||
      typeof c.session !== 'number' ||
      typeof c.order !== 'number' ||
      !Array.isArray(c.features)
    ) {
      return undefined;
    }
  }
  return record as ClusterRegistration;
}

function encode(registration: ClusterRegistration): Uint8Array {
  return utf8.encode(JSON.stringify(registration));
}

/** A change to the registry, as every node's watch sees it. */
export type RegistryChange = (
  realm: string,
  procedure: string,
  match: MatchPolicy,
  registration: ClusterRegistration | null,
) => void;

/**
 * The cluster's registrations in a JetStream key-value bucket: atomic changes, and a watch that tells each node
 * what changed (in revision order), so that every node routes calls by the same table.
 *
 * @example
 * ```ts
 * const registry = await Registry.open(connection, log);
 * await registry.add('realm1', 'com.app.add', 'exact', 'single', { node: 'n1', session: 7, features: [] });
 * ```
 */
export class Registry {
  /** What each key holds, as last seen by the watch: a removal needs the registration it removes from. */
  private readonly known = new Map<string, { procedure: string; match: MatchPolicy }>();
  private stopped = false;
  /** The bucket revision the watch has handled; with `waiting`, for {@link Registry.caughtUp}. */
  private revision = 0;
  private readonly waiting: { revision: number; resolve: () => void }[] = [];
  /** The look at the bucket in progress, and the one the misses that arrived meanwhile wait for. */
  private look: Promise<void> | null = null;
  private nextLook: Promise<void> | null = null;

  private constructor(
    private readonly kv: KV,
    private readonly log: Logger,
  ) {}

  /** Opens the registry bucket, creating it on first use (JetStream must be enabled on the NATS server). */
  static async open(connection: NatsConnection, log: Logger): Promise<Registry> {
    const kv = await openBucket(connection, REGISTRY_BUCKET);
    return new Registry(kv, log);
  }

  /**
   * Adds a callee to the registration of `(procedure, match)`, creating the registration when there is none.
   * A `single` registration, or one under another policy, refuses further callees.
   */
  async add(
    realm: string,
    procedure: string,
    match: MatchPolicy,
    invoke: InvocationPolicy,
    callee: Omit<ClusterCallee, 'order'>,
  ): Promise<ClusterRegisterOutcome> {
    const key = registryKey(realm, procedure, match);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const entry = await this.kv.get(key);
      const current = entry !== null && entry.operation === 'PUT' ? decodeRegistration(entry.value) : undefined;
      if (current === undefined) {
        const registration: ClusterRegistration = {
          id: globalId(),
          procedure,
          match,
          invoke,
          callees: [{ ...callee, order: 1 }],
        };
        try {
          // A key that never existed is created; one deleted (or holding garbage) is replaced at its revision.
          if (entry === null) await this.kv.create(key, encode(registration));
          else await this.kv.update(key, encode(registration), entry.revision);
          return { registration };
        } catch (error) {
          if (isConflict(error)) continue;
          throw error;
        }
      }
      if (current.callees.some((known) => known.node === callee.node && known.session === callee.session)) {
        // Already there (announced again after an outage, say): nothing to change.
        return { registration: current };
      }
      if (current.invoke === 'single' || current.invoke !== invoke) {
        return {
          error: ErrorUri.PROCEDURE_ALREADY_EXISTS,
          message:
            current.invoke === 'single'
              ? `${procedure} is registered already (single)`
              : `${procedure} is registered with invoke "${current.invoke}", not "${invoke}"`,
        };
      }
      const order = current.callees.reduce((highest, known) => Math.max(highest, known.order), 0) + 1;
      const registration = { ...current, callees: [...current.callees, { ...callee, order }] };
      try {
        await this.kv.update(key, encode(registration), entry!.revision);
        return { registration };
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
    }
    return {
      error: ErrorUri.UNAVAILABLE,
      message: `too many concurrent changes to ${procedure} in the cluster: try again`,
    };
  }

  /** Removes callees (those `drop` selects) from the registration at `key`; the last one removes the registration. */
  private async removeFrom(key: string, drop: (callee: ClusterCallee) => boolean): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const entry = await this.kv.get(key);
      const current = entry !== null && entry.operation === 'PUT' ? decodeRegistration(entry.value) : undefined;
      if (current === undefined) return;
      const callees = current.callees.filter((callee) => !drop(callee));
      if (callees.length === current.callees.length) return;
      try {
        if (callees.length === 0) await this.kv.delete(key, { previousSeq: entry!.revision });
        else await this.kv.update(key, encode({ ...current, callees }), entry!.revision);
        return;
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
    }
    this.log.warn({ key }, 'registry: gave up removing a callee after repeated conflicts');
  }

  /** Removes one callee of one node from the registration of `(procedure, match)`. */
  remove(realm: string, procedure: string, match: MatchPolicy, node: string, session: number): Promise<void> {
    return this.removeFrom(
      registryKey(realm, procedure, match),
      (callee) => callee.node === node && callee.session === session,
    );
  }

  /** Removes every callee of `node` from every registration (the node left, or was declared dead). */
  async removeNode(node: string): Promise<void> {
    for (const [key] of this.known) await this.removeFrom(key, (callee) => callee.node === node);
  }

  /**
   * Follows the registry: every current registration first, then each change as it happens, in revision order,
   * until {@link Registry.stop}. Malformed values are skipped with a log line.
   */
  async watch(onChange: RegistryChange): Promise<void> {
    const updates = await this.kv.watch({ key: '>' });
    void (async () => {
      for await (const entry of updates) {
        if (this.stopped) break;
        this.handled(entry.revision);
        const realm = realmOf(entry.key);
        if (realm === undefined) continue;
        if (entry.operation !== 'PUT') {
          const known = this.known.get(entry.key);
          this.known.delete(entry.key);
          if (known !== undefined) this.notify(onChange, realm, known.procedure, known.match, null);
          continue;
        }
        const registration = decodeRegistration(entry.value);
        if (registration === undefined) {
          this.log.warn({ key: entry.key }, 'registry: skipped a malformed registration');
          continue;
        }
        this.known.set(entry.key, { procedure: registration.procedure, match: registration.match });
        this.notify(onChange, realm, registration.procedure, registration.match, registration);
      }
    })();
  }

  /** Tells `onChange`; a failure there is logged, and the watch goes on with the next change. */
  private notify(
    onChange: RegistryChange,
    realm: string,
    procedure: string,
    match: MatchPolicy,
    registration: ClusterRegistration | null,
  ): void {
    try {
      onChange(realm, procedure, match, registration);
    } catch (error) {
      this.log.error({ err: error, procedure }, 'registry: applying a change failed');
    }
  }

  /**
   * Resolves once the watch has handled every change the bucket held when asked (at most `timeoutMs` later): a node
   * that finds no registration for a call waits for this before saying `no_such_procedure`, so a procedure
   * registered on another node is callable here as soon as its REGISTERED went out. One look at the bucket is in
   * flight at a time: misses arriving meanwhile share the next one (it must start after them to see what they
   * may be looking for), so a flood of calls to unknown procedures costs one JetStream request per round trip.
   */
  caughtUp(timeoutMs = 1_000): Promise<void> {
    if (this.nextLook !== null) return this.nextLook;
    if (this.look === null) {
      this.look = this.catchUp(timeoutMs).finally(() => {
        this.look = null;
      });
      return this.look;
    }
    this.nextLook = this.look.then(() => {
      this.nextLook = null;
      return this.caughtUp(timeoutMs);
    });
    return this.nextLook;
  }

  /** Never rejects: with the bucket out of reach (NATS down), the node answers from what it has seen. */
  private async catchUp(timeoutMs: number): Promise<void> {
    let latest: number;
    try {
      // JetStream's own timeout is 5 s; a call should not wait that long for a look that NATS cannot give now.
      latest = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no answer within the catch-up timeout')), timeoutMs);
        this.kv.status().then(
          (status) => {
            clearTimeout(timer);
            resolve(status.streamInfo.state.last_seq);
          },
          (error: unknown) => {
            clearTimeout(timer);
            reject(error);
          },
        );
      });
    } catch (error) {
      this.log.debug({ err: error }, 'registry: cannot look at the bucket; answering from what this node has seen');
      return;
    }
    if (this.revision >= latest) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiting.push({
        revision: latest,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  private handled(revision: number): void {
    this.revision = revision;
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      if (this.waiting[i]!.revision <= revision) this.waiting.splice(i, 1)[0]!.resolve();
    }
  }

  stop(): void {
    this.stopped = true;
  }
}

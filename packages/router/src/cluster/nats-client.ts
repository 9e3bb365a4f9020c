// The NATS client packages, loaded on the first use by a cluster node: a router on its own never loads them
// (they are the largest part of the router's dependency tree, and its startup time).

import type { Kvm } from '@nats-io/kv';
import type { connect } from '@nats-io/transport-node';

/** What the cluster uses of the NATS client. */
export interface NatsClient {
  connect: typeof connect;
  Kvm: typeof Kvm;
}

let loading: Promise<NatsClient> | undefined;

/** Loads the NATS client once per process. */
export function natsClient(): Promise<NatsClient> {
  loading ??= Promise.all([import('@nats-io/transport-node'), import('@nats-io/kv')]).then(([transport, kv]) => ({
    connect: transport.connect,
    Kvm: kv.Kvm,
  }));
  return loading;
}

import type { Dict, EventDetails, MatchPolicy } from '@wamp/protocol';
import type { ReceiverLists } from './broker/receivers.js';

/** A publication as it travels between nodes: everything a node needs to deliver it to its own subscribers. */
export interface Publication {
  /** The publication ID, the same on every node. */
  id: number;
  topic: string;
  args: unknown[] | undefined;
  kwargs: Dict | undefined;
  /** EVENT details as the publisher's node made them (publisher disclosure, payload passthru keys). */
  details: EventDetails;
  /** The publisher's session ID when it is excluded from receiving (`exclude_me`, the default); 0 otherwise. */
  excludedSession: number;
  receivers: ReceiverLists | null;
}

/**
 * What a node's brokers (and, later, dealers) tell the rest of the cluster. A router on one node has none: the
 * brokers then route in-process only and pay nothing for the seam (a null check per publication). The clustered
 * implementation runs on NATS (see `../cluster/`).
 */
export interface Fabric {
  /**
   * Makes publications matching `(pattern, match)` in `realm` come to this node, before its first subscription to
   * them exists; resolves once they do, so that SUBSCRIBED never promises events the cluster would not deliver.
   * Each call is followed by one {@link Fabric.releaseInterest}, whether the subscription was made or not.
   */
  prepareInterest(realm: string, pattern: string, match: MatchPolicy): Promise<void>;
  /** Ends what one {@link Fabric.prepareInterest} started; the interest stays while a subscription needs it. */
  releaseInterest(realm: string, pattern: string, match: MatchPolicy): void;
  /** This node has its first subscriber to `(pattern, match)` in `realm`: publications to it should come here. */
  subscriptionCreated(realm: string, pattern: string, match: MatchPolicy): void;
  /** This node's last subscriber to `(pattern, match)` in `realm` left. */
  subscriptionDeleted(realm: string, pattern: string, match: MatchPolicy): void;
  /** A session of this node published (and the local subscribers have it): other nodes' subscribers get it too. */
  publish(realm: string, publication: Publication): void;
}

/** What the fabric delivers into this node. */
export interface FabricReceiver {
  /** A publication from another node, for this node's subscribers in `realm`. */
  deliverPublication(realm: string, publication: Publication): void;
}

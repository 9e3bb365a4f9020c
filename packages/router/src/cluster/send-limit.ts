// The largest message a node may send to another, and the refusal of a larger one.
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../logger.js';

/**
 * The largest message a node may send to another: the router's `limits.maxMessageBytes`, and what the NATS server
 * takes (`max_payload`, 1 MiB unless raised; nats.js throws on a larger one). The server's value is read at each
 * send, since a reconnect may land on a server with another. Shared by publications and calls, which log the first
 * refusal at warn (the operator has a setting to change) and the rest not at all (each sender gets its ERROR).
 */
export class SendLimit {
  private warned = false;

  constructor(
    private readonly connection: NatsConnection,
    /** The router's `limits.maxMessageBytes`, also the bound on what this node accepts from others. */
    readonly maxMessageBytes: number,
    private readonly log: Logger,
  ) {}

  /**
   * Why a message of `bytes` (encoded for the cluster) cannot be sent, for the WAMP ERROR to its sender; undefined
   * when it can. `what` names it: "the call to com.app.upload", "the publication to com.app.news".
   */
  refusal(bytes: number, what: string): string | undefined {
    const maxPayload = this.connection.info?.max_payload ?? Number.POSITIVE_INFINITY;
    if (bytes <= this.maxMessageBytes && bytes <= maxPayload) return undefined;
    const why =
      maxPayload < this.maxMessageBytes
        ? `${what} is ${bytes} bytes for the cluster, over the NATS server's max_payload of ${maxPayload} bytes: ` +
          "raise max_payload in nats-server's config (up to 64 MiB) to carry it between router nodes"
        : `${what} is ${bytes} bytes for the cluster, over limits.maxMessageBytes of ${this.maxMessageBytes} bytes`;
    if (!this.warned) {
      this.warned = true;
      this.log.warn({ bytes, maxMessageBytes: this.maxMessageBytes, maxPayload }, `cluster: ${why}`);
    }
    return why;
  }
}

// The payload a pass-through serializer decoded last, shared by the JSON and the binary ones.
import { payloadIndex } from './payload-index.js';

/**
 * The payload (Arguments, and ArgumentsKw or nothing) of the message a pass-through serializer decoded last, by
 * identity. The router routes a message in the same turn in which it decodes it, so an encode in that turn meets
 * these very values; for any other values, or once the next message is decoded, the payload is written anew. One
 * slot per serializer, overwritten by each decode that keeps a payload.
 *
 * @example
 * ```ts
 * const at = slot.payloadOf(decoded); // where its payload begins, or -1 when it has none
 * if (at >= 0) slot.keep(decoded, at);
 * if (slot.holds(outgoing, payloadIndex(outgoing[0], outgoing.length))) copyTheBytes();
 * ```
 */
export class PayloadSlot {
  private args: unknown = null;
  private kwargs: unknown;
  /** 1 (Arguments only) or 2 (and ArgumentsKw); 0 before the first payload, which no message matches. */
  private elements = 0;

  /** Where the payload of a decoded message begins, or -1 when it has none (no Arguments list). */
  payloadOf(message: unknown[]): number {
    const at = payloadIndex(message[0], message.length);
    return Array.isArray(message[at]) ? at : -1;
  }

  /** Remembers the payload of `message`, which begins at `at` (from {@link payloadOf}). */
  keep(message: unknown[], at: number): void {
    this.args = message[at];
    this.kwargs = message[at + 1];
    this.elements = message.length - at;
  }

  /** True when `message`'s elements from `at` to its end are the payload remembered (never for none at all). */
  holds(message: unknown[], at: number): boolean {
    return (
      message[at] === this.args &&
      this.elements === message.length - at &&
      (this.elements === 1 || message[at + 1] === this.kwargs)
    );
  }
}

// Payload passthru mode: the `ppt_*` keys copied from a message's options to the details of the message it becomes.
import type { PassthruOptions } from '@wamp/protocol';

/**
 * Copies the payload passthru keys (`ppt_scheme`, `ppt_serializer`, `ppt_cipher`, `ppt_keyid`) from a message's
 * options to the details of the message it becomes, so end-to-end encrypted or otherwise opaque payloads reach
 * the other side with what is needed to read them. The payload itself is never touched.
 *
 * @example
 * ```ts
 * copyPassthru(call[2], invocationDetails);
 * ```
 */
export function copyPassthru(from: PassthruOptions, to: PassthruOptions): void {
  if (from.ppt_scheme !== undefined) to.ppt_scheme = from.ppt_scheme;
  if (from.ppt_serializer !== undefined) to.ppt_serializer = from.ppt_serializer;
  if (from.ppt_cipher !== undefined) to.ppt_cipher = from.ppt_cipher;
  if (from.ppt_keyid !== undefined) to.ppt_keyid = from.ppt_keyid;
}

// Subscription and registration revocation (spec, advanced profile): the router takes a session out of a
// subscription or registration on its own initiative, and tells it when it announced it can be told.
import { unregistered, unsubscribed } from '@wamp/protocol';
import type { RouterSession } from './session.js';

/** What was revoked: the detail key naming it, the role that announces the feature, and the message to tell it. */
const REVOKED = {
  subscription: { role: 'subscriber', feature: 'subscription_revocation', message: unsubscribed },
  registration: { role: 'callee', feature: 'registration_revocation', message: unregistered },
} as const;

/**
 * Tells `session` it was taken out of subscription or registration `id`: UNSUBSCRIBED `[35, 0, {subscription,
 * reason}]` or UNREGISTERED `[67, 0, {registration, reason}]`, when it announced the revocation feature.
 *
 * @example
 * ```ts
 * tellRevoked(session, 'registration', registration.id, 'wamp.registration.revoked');
 * ```
 */
export function tellRevoked(
  session: RouterSession,
  kind: keyof typeof REVOKED,
  id: number,
  reason: string | undefined,
): void {
  const { role, feature, message } = REVOKED[kind];
  if (!session.supports(role, feature)) return;
  const details: Record<string, unknown> = { [kind]: id };
  if (reason !== undefined) details.reason = reason;
  session.send(message(0, details));
}

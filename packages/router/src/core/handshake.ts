import {
  ErrorUri,
  globalId,
  type HelloMessage,
  isValidUri,
  type RoleDetails,
  type WelcomeDetails,
  welcome,
} from '@wamp/protocol';
import { LIMIT_REACHED } from './limits.js';
import type { RouterCore } from './router-core.js';
import type { RouterSession } from './session.js';

const CLIENT_ROLES = ['publisher', 'subscriber', 'caller', 'callee'] as const;

/**
 * The roles and features the router announces in WELCOME: only what is implemented, so a client never
 * relies on a feature that is not there.
 */
export const ROUTER_ROLES: WelcomeDetails['roles'] = Object.freeze({
  broker: {
    features: {
      publisher_exclusion: true,
      publisher_identification: true,
      subscriber_blackwhite_listing: true,
      pattern_based_subscription: true,
      event_retention: true,
      payload_passthru_mode: true,
      session_meta_api: true,
      subscription_meta_api: true,
      event_history: true,
      subscription_revocation: true,
    },
  },
  dealer: {
    features: {
      caller_identification: true,
      pattern_based_registration: true,
      shared_registration: true,
      progressive_call_results: true,
      progressive_call_invocations: true,
      call_canceling: true,
      call_timeout: true,
      payload_passthru_mode: true,
      session_meta_api: true,
      registration_meta_api: true,
      testament_meta_api: true,
      registration_revocation: true,
    },
  },
});

function isDict(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The problem with HELLO's `roles`, or undefined when they are valid: a dict naming at least one client role. */
function checkRoles(roles: unknown): string | undefined {
  if (!isDict(roles)) return 'HELLO.Details.roles must be a dict';
  let known = 0;
  for (const role of CLIENT_ROLES) {
    const details = roles[role];
    if (details === undefined) continue;
    if (!isDict(details)) return `HELLO.Details.roles.${role} must be a dict`;
    const features = (details as RoleDetails).features;
    if (features !== undefined && !isDict(features)) return `HELLO.Details.roles.${role}.features must be a dict`;
    known++;
  }
  return known === 0 ? `HELLO.Details.roles must announce at least one of ${CLIENT_ROLES.join(', ')}` : undefined;
}

/**
 * Answers HELLO with WELCOME, or with ABORT when the realm is invalid or unknown or the roles are malformed.
 * Authentication (CHALLENGE/AUTHENTICATE through the `AUTHENTICATING` state) slots in between the checks and
 * {@link admit}.
 */
export function handleHello(core: RouterCore, session: RouterSession, message: HelloMessage): void {
  const realmName = message[1];
  const details = message[2];
  const rolesProblem = checkRoles(details.roles);
  if (rolesProblem !== undefined) {
    session.abort(ErrorUri.PROTOCOL_VIOLATION, rolesProblem);
    return;
  }
  if (realmName.length > core.options.limits.maxUriLength || !isValidUri(realmName, core.options.uriCheck)) {
    session.abort(ErrorUri.INVALID_URI, `"${realmName}" is not a valid realm URI`, 1000);
    return;
  }
  const realm = core.realm(realmName);
  if (realm === undefined) {
    session.abort(ErrorUri.NO_SUCH_REALM, `no realm named "${realmName}" exists on this router`, 1000);
    return;
  }
  const limits = core.options.limits;
  const routerFull = core.clientSessionCount() >= limits.maxSessions;
  if (!session.trusted && (routerFull || realm.clientCount >= limits.maxSessionsPerRealm)) {
    const which = routerFull ? 'router' : `realm "${realmName}"`;
    session.abort(LIMIT_REACHED, `the ${which} is at its session limit: try again later`, 1000);
    return;
  }
  session.roles = details.roles;
  admit(core, session, realmName);
}

/** Admits a session that passed the handshake: picks its ID, joins the realm and sends WELCOME. */
function admit(core: RouterCore, session: RouterSession, realmName: string): void {
  const realm = core.realm(realmName)!;
  let id = globalId();
  while (core.sessionsById.has(id)) id = globalId();
  session.authid = id.toString(36);
  session.authrole = 'anonymous';
  session.authmethod = 'anonymous';
  session.establish(realm, id);
  core.sessionsById.set(id, session);
  realm.join(session);
  session.send(
    welcome(id, {
      roles: ROUTER_ROLES,
      realm: realmName,
      authid: session.authid,
      authrole: session.authrole,
      authmethod: session.authmethod,
      authprovider: 'static',
      agent: core.agent,
    }),
  );
  session.log.debug({ session: id, realm: realmName }, 'session joined');
}

// The router's side of joining a realm: HELLO, the authentication round, then WELCOME with the announced roles,
// or ABORT.
import {
  type AuthenticateMessage,
  challenge,
  ErrorUri,
  type HelloMessage,
  isDict,
  isValidUri,
  type RoleDetails,
  type WelcomeDetails,
  welcome,
} from '@wamp/protocol';
import type { AuthGranted, AuthStep } from './auth.js';
import { addressOf } from './auth-failures.js';
import { LIMIT_REACHED } from './limits.js';
import type { Realm } from './realm.js';
import type { RouterCore } from './router-core.js';
import { type RouterSession, SessionState } from './session.js';

const CLIENT_ROLES = ['publisher', 'subscriber', 'caller', 'callee'] as const;

/**
 * The roles and features the router announces in WELCOME: only what is implemented, so a client never
 * relies on a feature that is not there. Frozen all the way down, so the JSON serializer writes it once for every
 * WELCOME (see `jsonPassThroughSerializer`).
 */
export const ROUTER_ROLES: WelcomeDetails['roles'] = Object.freeze({
  broker: Object.freeze({
    features: Object.freeze({
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
    }),
  }),
  dealer: Object.freeze({
    features: Object.freeze({
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
    }),
  }),
});

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
  if (refusedAtLimit(core, session, realm)) return;
  session.roles = details.roles;
  let id = core.newSessionId();
  while (core.sessionsById.has(id)) id = core.newSessionId();
  // The router's own sessions are trusted as they are; everyone else goes through the authenticator.
  const step: AuthStep | Promise<AuthStep> = session.trusted
    ? { kind: 'welcome', authid: 'router', authrole: 'trusted', authmethod: 'internal', authprovider: 'router' }
    : core.authenticator.start({
        realm: realmName,
        authmethods: Array.isArray(details.authmethods) ? details.authmethods.filter((m) => typeof m === 'string') : [],
        authid: typeof details.authid === 'string' ? details.authid : undefined,
        details,
        session: id,
        peer: session.transport.peer,
        protocol: session.transport.protocol,
      });
  if (step instanceof Promise) {
    // A dynamic authenticator is asked before the CHALLENGE; an AUTHENTICATE meanwhile is a protocol violation.
    session.state = SessionState.AUTHENTICATING;
    proceedLater(core, session, realmName, id, step);
    return;
  }
  proceed(core, session, realmName, id, step);
}

/** Answers AUTHENTICATE: the pending challenge's check decides between WELCOME and ABORT. */
export function handleAuthenticate(core: RouterCore, session: RouterSession, message: AuthenticateMessage): void {
  const pending = session.pendingAuth;
  session.pendingAuth = null;
  if (pending === null) {
    session.abort(ErrorUri.PROTOCOL_VIOLATION, 'AUTHENTICATE without a CHALLENGE');
    return;
  }
  const outcome = pending.challenge.verify(message[1], message[2]);
  if (!(outcome instanceof Promise)) {
    proceed(core, session, pending.realm, pending.id, outcome);
    return;
  }
  proceedLater(core, session, pending.realm, pending.id, outcome);
}

/** Goes on once an asynchronous step is known, if the session is still waiting for it. */
function proceedLater(
  core: RouterCore,
  session: RouterSession,
  realmName: string,
  id: number,
  step: Promise<AuthStep>,
): void {
  step.then(
    (known) => {
      // The session may have gone while the authenticator ran: only a session still waiting is admitted.
      if (session.state === SessionState.AUTHENTICATING && session.pendingAuth === null) {
        proceed(core, session, realmName, id, known);
      }
    },
    (error: unknown) => {
      session.log.error({ err: error }, 'authenticator failed');
      if (session.state === SessionState.AUTHENTICATING) {
        session.abort(ErrorUri.AUTHENTICATION_FAILED, 'authentication failed', 1000);
      }
    },
  );
}

function proceed(core: RouterCore, session: RouterSession, realmName: string, id: number, step: AuthStep): void {
  if (step.kind === 'deny') {
    // Logged without the secret or which part was wrong; the client learns only the reason URI, and only after
    // a delay that grows with the failures from its address.
    if (step.reason !== ErrorUri.AUTHENTICATION_FAILED) {
      session.abort(step.reason, step.message, 1000);
      return;
    }
    // The method of the challenge it failed (see below), or none when the authenticator refused at HELLO.
    core.counters.authFailed(session.authmethod);
    const delay = core.authFailures.failed(addressOf(session.transport.peer.remoteAddress));
    setTimeout(() => session.abort(step.reason, step.message, 1000), delay).unref?.();
    return;
  }
  if (step.kind === 'challenge') {
    session.pendingAuth = { realm: realmName, id, challenge: step };
    // Until WELCOME sets it again, the method being tried: a failure is counted under it.
    session.authmethod = step.method;
    session.state = SessionState.AUTHENTICATING;
    session.send(challenge(step.method, step.extra));
    return;
  }
  if (step.authmethod !== 'anonymous') core.authFailures.succeeded(addressOf(session.transport.peer.remoteAddress));
  admit(core, session, realmName, id, step);
}

/** ABORTs a client session when the router or its realm is at its session limit; true when it did. */
function refusedAtLimit(core: RouterCore, session: RouterSession, realm: Realm): boolean {
  const limits = core.options.limits;
  const routerFull = core.clientSessionCount() >= limits.maxSessions;
  if (session.trusted || (!routerFull && realm.clientCount < limits.maxSessionsPerRealm)) return false;
  const which = routerFull ? 'router' : `realm "${realm.name}"`;
  session.abort(LIMIT_REACHED, `the ${which} is at its session limit: try again later`, 1000);
  return true;
}

/**
 * Admits a session that passed the handshake: joins the realm and sends WELCOME with who it is. The session limits
 * are checked again here, since others may have joined while this one answered a CHALLENGE or an authenticator ran.
 */
function admit(core: RouterCore, session: RouterSession, realmName: string, id: number, granted: AuthGranted): void {
  const realm = core.realm(realmName)!;
  if (refusedAtLimit(core, session, realm)) return;
  session.authid = granted.authid;
  session.authrole = granted.authrole;
  session.authmethod = granted.authmethod;
  session.authprovider = granted.authprovider;
  session.authextra = granted.authextra;
  session.establish(realm, id);
  core.sessionsById.set(id, session);
  realm.join(session);
  const details: WelcomeDetails = {
    roles: ROUTER_ROLES,
    realm: realmName,
    authid: granted.authid,
    authrole: granted.authrole,
    authmethod: granted.authmethod,
    authprovider: granted.authprovider,
    agent: core.agent,
  };
  if (granted.authextra !== undefined) details.authextra = granted.authextra;
  session.send(welcome(id, details));
  if (!session.trusted) {
    core.counters.joins++;
    core.sessionLog.joined(session);
  }
}

// Dynamic authenticators: asking a procedure registered in the realm who a connecting session is.
import type { Dict } from '@wamp/protocol';
import { isDict } from '@wamp/protocol';
import type { AuthRequest } from '../core/auth.js';

/** A procedure of the realm, registered by a trusted backend, that decides about one authentication method. */
export interface DynamicAuthenticator {
  procedure: string;
  /** How long it may take before the session is refused; default 5,000 ms. */
  timeoutMs?: number;
}

/** Calls a procedure in a realm as the router: how a dynamic authenticator is reached. */
export type RealmCaller = (realm: string, procedure: string, args: unknown[], timeoutMs: number) => Promise<unknown[]>;

/** Who the authenticator says the session is; `secret` and the salt fields only for WAMP-CRA. */
export interface DynamicPrincipal {
  role: string;
  authid?: string;
  authextra?: Dict;
  secret?: string;
  salt?: string;
  iterations?: number;
  keylen?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;

/** Reads an authenticator's answer: a role, or `{ role, authid?, authextra?, secret?, salt?, … }`. */
function readPrincipal(answer: unknown): DynamicPrincipal | undefined {
  if (typeof answer === 'string') return { role: answer };
  if (!isDict(answer) || typeof answer.role !== 'string') return undefined;
  const principal: DynamicPrincipal = { role: answer.role };
  if (typeof answer.authid === 'string') principal.authid = answer.authid;
  if (isDict(answer.authextra)) principal.authextra = answer.authextra as Dict;
  if (typeof answer.secret === 'string') principal.secret = answer.secret;
  if (typeof answer.salt === 'string') principal.salt = answer.salt;
  if (Number.isInteger(answer.iterations) && (answer.iterations as number) > 0) {
    principal.iterations = answer.iterations as number;
  }
  if (Number.isInteger(answer.keylen) && (answer.keylen as number) > 0) principal.keylen = answer.keylen as number;
  return principal;
}

/**
 * Asks a dynamic authenticator about a session: it is called with `[realm, authid, details]`, where `details` is
 * `{ authmethod, session, authextra, transport: { peer, protocol }, …extra }` (e.g. the `ticket`). Resolves with the
 * principal, or undefined when it refused, failed, answered nonsense or took longer than its timeout: the client
 * learns nothing more than "authentication failed".
 */
export async function askAuthenticator(
  callRealm: RealmCaller | undefined,
  authenticator: DynamicAuthenticator,
  request: AuthRequest,
  authmethod: string,
  extra: Dict = {},
): Promise<DynamicPrincipal | undefined> {
  if (callRealm === undefined) return undefined;
  const details: Dict = {
    authmethod,
    session: request.session,
    authextra: request.details.authextra ?? {},
    transport: { peer: request.peer.remoteAddress, protocol: request.protocol },
    ...extra,
  };
  try {
    const answer = await callRealm(
      request.realm,
      authenticator.procedure,
      [request.realm, request.authid ?? null, details],
      authenticator.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    );
    return readPrincipal(answer[0]);
  } catch {
    return undefined;
  }
}

// What the core needs of authentication: what a HELLO asks, and the steps an Authenticator answers with.
import type { Dict, HelloDetails } from '@wamp/protocol';
import type { PeerInfo } from '@wamp/transport';

/** What a HELLO asks of authentication. */
export interface AuthRequest {
  realm: string;
  /** `HELLO.Details.authmethods`, most preferred first; empty when the client offered none. */
  authmethods: string[];
  authid: string | undefined;
  details: HelloDetails;
  /** The session ID the session will get, which WAMP-CRA challenges name. */
  session: number;
  /** The connection: its address, and its TLS channel binding data for WAMP-Cryptosign. */
  peer: PeerInfo;
  /** The negotiated WebSocket subprotocol, e.g. `wamp.2.json`. */
  protocol: string;
}

/** A successful authentication: what WELCOME says about the session. */
export interface AuthGranted {
  kind: 'welcome';
  authid: string;
  authrole: string;
  authmethod: string;
  authprovider: string;
  authextra?: Dict;
}

/** A refusal: the ABORT reason and a message that gives no hint of which part was wrong. */
export interface AuthDenied {
  kind: 'deny';
  reason: string;
  message: string;
}

/** A CHALLENGE to send, and how to check the AUTHENTICATE that answers it. */
export interface AuthChallenge {
  kind: 'challenge';
  method: string;
  extra: Dict;
  /** Checks the answer; asynchronous for dynamic authenticators (a WAMP procedure decides). */
  verify(signature: string, extra: Dict): AuthGranted | AuthDenied | Promise<AuthGranted | AuthDenied>;
}

/** One step of the handshake's authentication. */
export type AuthStep = AuthGranted | AuthDenied | AuthChallenge;

/**
 * Decides who a connecting session is. The core calls it between HELLO and WELCOME; implementations (static
 * users from the config, later dynamic authenticators) live outside the core, with the crypto they need.
 */
export interface Authenticator {
  /** The first step; a promise when a dynamic authenticator must be asked before the CHALLENGE. */
  start(request: AuthRequest): AuthStep | Promise<AuthStep>;
}

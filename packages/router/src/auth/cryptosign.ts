// WAMP-Cryptosign on the router: the challenge, and the check of the Ed25519 signature that answers it.
import { createHash, createPublicKey, type KeyObject, randomBytes, timingSafeEqual, verify } from 'node:crypto';
import { ErrorUri } from '@wamp/protocol';
import type { AuthChallenge, AuthDenied, AuthGranted, AuthRequest } from '../core/auth.js';

const FAILED: AuthDenied = { kind: 'deny', reason: ErrorUri.AUTHENTICATION_FAILED, message: 'authentication failed' };
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const HEX_ANSWER = /^[0-9a-fA-F]{192}$/;

/** An Ed25519 public key from its 32 raw bytes in hex; undefined when it is not one. */
export function ed25519Key(hex: string): KeyObject | undefined {
  if (!HEX_KEY.test(hex)) return undefined;
  try {
    return createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(hex, 'hex').toString('base64url') },
      format: 'jwk',
    });
  } catch {
    return undefined;
  }
}

/** The public key the client announced in `HELLO.Details.authextra.pubkey`, in lower-case hex ('' when none). */
export function announcedPubkey(request: AuthRequest): string {
  const pubkey = request.details.authextra?.pubkey;
  return typeof pubkey === 'string' ? pubkey.toLowerCase() : '';
}

/**
 * The channel ID to bind the signature to: SHA-256 of the connection's `tls-unique` data, when the client asked for
 * `tls-unique` binding and the connection is TLS. Otherwise undefined, and the challenge says `channel_binding: null`
 * (the spec lets the router go on unbound; the client must check that the binding it asked for is in use).
 */
function channelId(request: AuthRequest): Buffer | undefined {
  if (request.details.authextra?.channel_binding !== 'tls-unique' || request.peer.tlsUnique === undefined) {
    return undefined;
  }
  return createHash('sha256').update(request.peer.tlsUnique).digest();
}

/**
 * A WAMP-Cryptosign challenge: 32 random bytes in hex. The answer is the Ed25519 signature of the challenge (XORed
 * with the channel ID under channel binding) followed by the signed 32 bytes, 96 bytes in hex. Once the signature
 * holds for `pubkey`, `identify` says who the key holder is (a configured user, or a dynamic authenticator's answer).
 */
export function cryptosignChallenge(
  request: AuthRequest,
  pubkey: string,
  identify: () => AuthGranted | AuthDenied | Promise<AuthGranted | AuthDenied>,
): AuthChallenge {
  const key = ed25519Key(pubkey);
  const challenge = randomBytes(32);
  const binding = channelId(request);
  const signed = Buffer.from(challenge);
  if (binding !== undefined) for (let i = 0; i < 32; i++) signed[i] = signed[i]! ^ binding[i]!;
  return {
    kind: 'challenge',
    method: 'cryptosign',
    extra: { challenge: challenge.toString('hex'), channel_binding: binding === undefined ? null : 'tls-unique' },
    verify: (answer) => {
      if (key === undefined || !HEX_ANSWER.test(answer)) return FAILED;
      const bytes = Buffer.from(answer, 'hex');
      if (!timingSafeEqual(bytes.subarray(64), signed) || !verify(null, signed, key, bytes.subarray(0, 64))) {
        return FAILED;
      }
      return identify();
    },
  };
}

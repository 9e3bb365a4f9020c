// WAMP-CRA, WAMP-Cryptosign and WAMP-SCRAM on the platform's WebCrypto (Node 20 and evergreen browsers): no
// dependency.
import { ErrorUri, saslprep, WampError, type WelcomeDetails } from '@wamp/protocol';
import type { AuthOptions } from './options.js';

const utf8 = new TextEncoder();
/** The DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows it. */
const PKCS8_ED25519_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/**
 * The WAMP-CRA key for a salted secret: PBKDF2-SHA256 of the password, base64, as the router's `salt`,
 * `iterations` and `keylen` say (the spec's key derivation; Autobahn's `derive_key`).
 *
 * @example
 * ```ts
 * const key = await deriveCraKey('password', 'salt123', 1000, 32);
 * ```
 */
export async function deriveCraKey(secret: string, salt: string, iterations = 1000, keylen = 32): Promise<string> {
  const material = await crypto.subtle.importKey('raw', utf8.encode(secret), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: utf8.encode(salt), iterations },
    material,
    keylen * 8,
  );
  return toBase64(new Uint8Array(bits));
}

/**
 * WAMP-CRA authentication: signs the router's challenge with HMAC-SHA256 under `secret`, or under the key derived
 * from it when the router sends a salt.
 *
 * @example
 * ```ts
 * await Session.connect({ url, realm: 'app', auth: wampcraAuth('bob', 'bob-secret') });
 * ```
 */
export function wampcraAuth(authid: string, secret: string): AuthOptions {
  return {
    authid,
    authmethods: ['wampcra'],
    async onChallenge({ extra }) {
      const key =
        typeof extra.salt === 'string'
          ? await deriveCraKey(
              secret,
              extra.salt,
              extra.iterations as number | undefined,
              extra.keylen as number | undefined,
            )
          : secret;
      const hmac = await crypto.subtle.importKey('raw', utf8.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, [
        'sign',
      ]);
      return toBase64(new Uint8Array(await crypto.subtle.sign('HMAC', hmac, utf8.encode(String(extra.challenge)))));
    },
  };
}

/** An Ed25519 key pair for WAMP-Cryptosign, both halves as hex (the private key is the 32-byte seed). */
export interface CryptosignKeyPair {
  privateKey: string;
  publicKey: string;
}

async function importSeed(seedHex: string): Promise<{ key: CryptoKey; publicKey: string }> {
  const pkcs8 = new Uint8Array(PKCS8_ED25519_PREFIX.length + 32);
  pkcs8.set(PKCS8_ED25519_PREFIX);
  pkcs8.set(fromHex(seedHex), PKCS8_ED25519_PREFIX.length);
  const key = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, true, ['sign']);
  const jwk = await crypto.subtle.exportKey('jwk', key);
  return { key, publicKey: toHex(fromBase64Url(jwk.x!)) };
}

/**
 * A new Ed25519 key pair for WAMP-Cryptosign. Give the router the public key; keep the private one.
 *
 * @example
 * ```ts
 * const { privateKey, publicKey } = await generateCryptosignKeyPair();
 * ```
 */
export async function generateCryptosignKeyPair(): Promise<CryptosignKeyPair> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  const privateKey = toHex(pkcs8.subarray(pkcs8.length - 32));
  const publicKey = toHex(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)));
  return { privateKey, publicKey };
}

/** Options of {@link cryptosignAuth}. */
export interface CryptosignOptions {
  /**
   * Bind the signature to this TLS connection (`tls-unique`, Node only): the router must confirm the binding, and
   * the signature is over the challenge XORed with SHA-256 of the connection's channel binding data, so it is
   * worthless on any other connection. The join fails if the router does not confirm it.
   */
  channelBinding?: 'tls-unique';
}

/** SHA-256 of the connection's tls-unique data: the channel ID the spec XORs the challenge with. */
async function channelIdOf(tlsUnique: Uint8Array | undefined): Promise<Uint8Array> {
  if (tlsUnique === undefined) {
    throw new Error('tls-unique channel binding needs a TLS connection (wss://) in Node; this connection has none');
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', tlsUnique as Uint8Array<ArrayBuffer>));
}

/**
 * WAMP-Cryptosign authentication: announces the public key of `privateKey` (a 32-byte Ed25519 seed in hex) in
 * HELLO and answers the challenge with the signature followed by the signed bytes, as the spec requires.
 * Asynchronous because the public key is derived with WebCrypto.
 *
 * @example
 * ```ts
 * await Session.connect({ url, realm: 'app', auth: await cryptosignAuth(privateKeyHex, 'carol') });
 * // bound to the TLS connection:
 * await cryptosignAuth(privateKeyHex, 'carol', { channelBinding: 'tls-unique' });
 * ```
 */
export async function cryptosignAuth(
  privateKey: string,
  authid?: string,
  options: CryptosignOptions = {},
): Promise<AuthOptions> {
  const { key, publicKey } = await importSeed(privateKey);
  const { channelBinding } = options;
  return {
    ...(authid !== undefined && { authid }),
    authmethods: ['cryptosign'],
    authextra:
      channelBinding === undefined ? { pubkey: publicKey } : { pubkey: publicKey, channel_binding: channelBinding },
    async onChallenge({ extra, tlsUnique }) {
      const message = fromHex(String(extra.challenge));
      if (channelBinding !== undefined) {
        // The spec: the client MUST check that the binding in use is the one it asked for.
        if (extra.channel_binding !== channelBinding) {
          throw new Error(`the router did not confirm ${channelBinding} channel binding`);
        }
        const channelId = await channelIdOf(tlsUnique);
        for (let i = 0; i < message.length; i++) message[i] = message[i]! ^ channelId[i]!;
      }
      const signature = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, key, message));
      return toHex(signature) + toHex(message);
    },
  };
}

// --- WAMP-SCRAM -----------------------------------------------------------------------------------------------

/** SASLprep (RFC 4013), as the spec normalizes WAMP-SCRAM user names and passwords; the router does the same. */
function prepared(text: string, what: string): string {
  try {
    return saslprep(text);
  } catch (error) {
    throw new TypeError(`scramAuth: the ${what}: ${(error as Error).message}`);
  }
}

/** The bytes of a canonical base64 string (padded, no whitespace), or undefined when `text` is not one. */
function fromCanonicalBase64(text: unknown): Uint8Array<ArrayBuffer> | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.length % 4 !== 0) return undefined;
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return undefined;
  }
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return toBase64(bytes) === text ? bytes : undefined;
}

async function hmacSha256(
  key: Uint8Array<ArrayBuffer>,
  data: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  const hmac = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', hmac, data));
}

/** `ClientKey` and `ServerKey` from the password: what a client may cache instead of redoing the KDF. */
interface ScramKeys {
  clientKey: Uint8Array<ArrayBuffer>;
  serverKey: Uint8Array<ArrayBuffer>;
}

/** PBKDF2-HMAC-SHA256 of the (normalized) password, 32 bytes, then the two HMACs RFC 5802 defines. */
async function scramKeys(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<ScramKeys> {
  const material = await crypto.subtle.importKey('raw', utf8.encode(password), 'PBKDF2', false, ['deriveBits']);
  const saltedPassword = new Uint8Array(
    await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material, 256),
  );
  return {
    clientKey: await hmacSha256(saltedPassword, utf8.encode('Client Key')),
    serverKey: await hmacSha256(saltedPassword, utf8.encode('Server Key')),
  };
}

/** The spec's AuthMessage without channel binding, in RFC 5802's syntax (`c=biws` is `Base64("n,,")`). */
function authMessage(
  authid: string,
  clientNonce: string,
  serverNonce: string,
  salt: string,
  iterations: number,
): string {
  const name = authid.replace(/[=,]/g, (char) => (char === '=' ? '=3D' : '=2C'));
  return `n=${name},r=${clientNonce},r=${serverNonce},s=${salt},i=${iterations},c=biws,r=${serverNonce}`;
}

/** The ClientProof and the ServerSignature the router must answer with, both base64. */
async function scramAnswer(
  keys: ScramKeys,
  message: string,
): Promise<{ clientProof: string; serverSignature: string }> {
  const storedKey = new Uint8Array(await crypto.subtle.digest('SHA-256', keys.clientKey));
  const clientSignature = await hmacSha256(storedKey, utf8.encode(message));
  const proof = keys.clientKey.map((byte, i) => byte ^ clientSignature[i]!);
  return {
    clientProof: toBase64(proof),
    serverSignature: toBase64(await hmacSha256(keys.serverKey, utf8.encode(message))),
  };
}

/** What {@link scramProof} computes from. */
export interface ScramProofInput {
  authid: string;
  password: string;
  clientNonce: string;
  serverNonce: string;
  /** Base64. */
  salt: string;
  iterations: number;
}

/**
 * The WAMP-SCRAM ClientProof and expected ServerSignature (base64) for one exchange, PBKDF2 variant, without channel
 * binding: what {@link scramAuth} computes. Internal; exported to check it against RFC 7677's test vector.
 *
 * @internal
 * @example
 * ```ts
 * const { clientProof, serverSignature } = await scramProof({
 *   authid: 'user', password: 'pencil', clientNonce: 'rOprNGfwEbeRWgbNEkqO',
 *   serverNonce: 'rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0', salt: 'W22ZaJ0SNY7soEsUEjb6gQ==', iterations: 4096,
 * }); // 'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='
 * ```
 */
export async function scramProof(input: ScramProofInput): Promise<{ clientProof: string; serverSignature: string }> {
  const salt = fromCanonicalBase64(input.salt);
  if (salt === undefined) throw new TypeError('scramProof: salt must be canonical base64');
  const keys = await scramKeys(prepared(input.password, 'password'), salt, input.iterations);
  const name = prepared(input.authid, 'authid');
  return scramAnswer(keys, authMessage(name, input.clientNonce, input.serverNonce, input.salt, input.iterations));
}

/** Options of {@link scramAuth}. */
export interface ScramOptions {
  /**
   * The least PBKDF2 iteration count to accept from the router; a CHALLENGE asking for fewer is refused, as the spec
   * advises (a rogue router could be after a hash that is cheap to crack). Default 4096, RFC 7677's minimum.
   */
  minIterations?: number;
}

function scramRefusal(reason: string): WampError {
  return new WampError(ErrorUri.AUTHENTICATION_FAILED, [`WAMP-SCRAM: ${reason}`]);
}

/**
 * WAMP-SCRAM authentication (`wamp-scram`, PBKDF2-HMAC-SHA256, no channel binding), on WebCrypto: the password is
 * never sent. Each HELLO carries a fresh client nonce; the CHALLENGE's nonce must begin with it, its KDF must be
 * `pbkdf2` (Argon2id is not in WebCrypto, so an `argon2id13` user fails the join with a clear error) and its
 * iteration count at least `minIterations`. The answer is the ClientProof with `nonce`, `channel_binding: null` and
 * `cbind_data: null`. WELCOME must then carry the router's ServerSignature (`authextra.scram_server_signature`, or
 * the spec's `authextra.verifier`): a missing or wrong one means the router does not know the password, and the
 * join fails with `wamp.error.authentication_failed` (mutual authentication). Name and password are normalized with
 * SASLprep; the derived keys are kept in memory for the next join with the same salt and iteration count.
 *
 * @example
 * ```ts
 * const session = await Session.connect({ url, realm: 'app', auth: scramAuth('dana', 'dana-password') });
 * session.welcome.authmethod; // 'wamp-scram'
 * ```
 */
export function scramAuth(authid: string, password: string, options: ScramOptions = {}): AuthOptions {
  const name = prepared(authid, 'authid');
  const secret = prepared(password, 'password');
  const minIterations = options.minIterations ?? 4096;
  /** Handshakes under way, by client nonce, with the ServerSignature each expects once it has answered. */
  const exchanges = new Map<string, { serverSignature?: string }>();
  let cached: { salt: string; iterations: number; keys: Promise<ScramKeys> } | undefined;
  return {
    authid: name,
    authmethods: ['wamp-scram'],
    get authextra() {
      const nonce = toBase64(crypto.getRandomValues(new Uint8Array(16)));
      exchanges.set(nonce, {});
      // Handshakes that never finished are forgotten, oldest first.
      if (exchanges.size > 8) exchanges.delete(exchanges.keys().next().value!);
      return { nonce, channel_binding: null };
    },
    async onChallenge({ method, extra }) {
      if (method !== 'wamp-scram') throw scramRefusal(`the router asked for ${method} instead`);
      const { nonce, salt, kdf, iterations } = extra;
      if (kdf !== 'pbkdf2') {
        throw scramRefusal(
          typeof kdf === 'string' && kdf.startsWith('argon2')
            ? `the router asks for the Argon2id KDF (${kdf}), which this client does not support (WebCrypto has no Argon2): the user must be stored with pbkdf2`
            : `the router asks for the KDF ${JSON.stringify(kdf)}; this client supports only pbkdf2`,
        );
      }
      const clientNonce =
        typeof nonce === 'string' ? [...exchanges.keys()].find((sent) => nonce.startsWith(sent)) : undefined;
      if (clientNonce === undefined) {
        throw scramRefusal('the CHALLENGE nonce does not begin with the client nonce sent in HELLO');
      }
      const saltBytes = fromCanonicalBase64(salt);
      if (saltBytes === undefined) throw scramRefusal('the CHALLENGE salt is not base64');
      if (typeof iterations !== 'number' || !Number.isInteger(iterations) || iterations < minIterations) {
        throw scramRefusal(`the CHALLENGE asks for ${iterations} PBKDF2 iterations, fewer than ${minIterations}`);
      }
      if (cached === undefined || cached.salt !== salt || cached.iterations !== iterations) {
        cached = { salt: salt as string, iterations, keys: scramKeys(secret, saltBytes, iterations) };
      }
      const message = authMessage(name, clientNonce, nonce as string, salt as string, iterations);
      const { keys } = cached;
      const derived = await keys.catch((error: unknown) => {
        if (cached?.keys === keys) cached = undefined; // not kept: the next join derives again
        throw error;
      });
      const { clientProof, serverSignature } = await scramAnswer(derived, message);
      exchanges.set(clientNonce, { serverSignature });
      return { signature: clientProof, extra: { nonce, channel_binding: null, cbind_data: null } };
    },
    onWelcome(welcome: WelcomeDetails) {
      const authextra = welcome.authextra ?? {};
      const offered = [authextra.scram_server_signature, authextra.verifier]
        .filter((signature) => signature !== undefined)
        .map((signature) => (typeof signature === 'string' ? signature.replace(/^v=/, '') : ''));
      if (offered.length === 0) {
        throw scramRefusal('WELCOME carries no server signature, so the router did not prove it knows the password');
      }
      for (const [clientNonce, { serverSignature }] of exchanges) {
        if (serverSignature !== undefined && offered.every((signature) => signature === serverSignature)) {
          exchanges.delete(clientNonce);
          return;
        }
      }
      throw scramRefusal('the server signature in WELCOME is wrong: the router does not know the password');
    },
  };
}

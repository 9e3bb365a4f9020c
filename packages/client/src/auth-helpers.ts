import type { AuthOptions } from './options.js';

// WAMP-CRA and WAMP-Cryptosign on the platform's WebCrypto (Node 20 and evergreen browsers): no dependency.

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

// The slice of wampy's authentication plugins (untyped CommonJS) that the interop suite uses.
declare module 'wampy-cra' {
  /** An `authPlugins.wampcra` handler: signs the challenge with `secret`, deriving a key first when salted. */
  export function sign(secret: string): (method: string, extra: Record<string, unknown>) => string;
  export function deriveKey(secret: string, salt: string, iterations?: number, keylen?: number): string;
  export function signManual(key: string, challenge: string): string;
}

declare module 'wampy-cryptosign' {
  /**
   * An `authPlugins.cryptosign` handler for an Ed25519 private key in hex: the 32-byte seed (64 hex digits) or
   * tweetnacl's 64-byte secret key.
   */
  export function sign(privateKey: string): (method: string, extra: Record<string, unknown>) => string;
  export function hex2bytes(hex: string): Uint8Array;
  export function bytes2hex(bytes: Uint8Array): string | null;
}

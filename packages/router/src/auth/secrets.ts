// The comparison of secrets in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares two strings in time independent of where they differ (by hashing both to equal-length digests). */
export function sameSecret(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

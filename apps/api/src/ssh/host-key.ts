import { createHash, timingSafeEqual } from 'node:crypto';

/** The `SHA256:<base64 without padding>` form `ssh-keygen -lf` prints. */
export const FINGERPRINT_PATTERN = /^SHA256:[A-Za-z0-9+/]{43}$/;

/** SHA256 fingerprint of a raw SSH public key blob, as ssh2 hands it to `hostVerifier`. */
export function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

export function isFingerprint(value: unknown): value is string {
  return typeof value === 'string' && FINGERPRINT_PATTERN.test(value);
}

/** True only when a pin exists and equals the presented fingerprint. */
export function matchesPin(presented: string, pinned: string | null): boolean {
  if (pinned === null || !isFingerprint(pinned) || presented.length !== pinned.length) {
    return false;
  }
  return timingSafeEqual(Buffer.from(presented), Buffer.from(pinned));
}

/** The algorithm name at the start of an SSH public key blob (`ssh-ed25519`, `ssh-rsa`, ...). */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) {
    return 'unknown';
  }
  const length = key.readUInt32BE(0);
  return length > 0 && length <= 64 && key.length >= 4 + length
    ? key.subarray(4, 4 + length).toString('latin1')
    : 'unknown';
}

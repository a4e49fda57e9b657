import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Characters of the random part shown in lists beside the prefix. */
const HINT_LENGTH = 4;

export interface NewSecret {
  /** Shown to the user once, never stored. */
  token: string;
  tokenHash: string;
  hint: string;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** `<prefix><43 base64url characters>`: 32 random bytes behind a prefix secret scanners know. */
export function newSecret(prefix: string): NewSecret {
  const token = prefix + randomBytes(32).toString('base64url');
  return {
    token,
    tokenHash: hashToken(token),
    hint: `${token.slice(0, prefix.length + HINT_LENGTH)}…`,
  };
}

/** Hex digests of equal length, compared in constant time. */
export function hashesMatch(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

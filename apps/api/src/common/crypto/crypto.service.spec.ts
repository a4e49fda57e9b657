import { randomBytes } from 'node:crypto';
import { CryptoService } from './crypto.service';

describe('CryptoService', () => {
  const crypto = new CryptoService({ secretKey: randomBytes(32) });

  it('round-trips a secret and never stores it in clear', () => {
    const secret = '-----BEGIN OPENSSH PRIVATE KEY----- abc';
    const sealed = crypto.seal(secret);
    expect(sealed).not.toContain('OPENSSH');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(crypto.open(sealed)).toBe(secret);
  });

  it('uses a fresh IV each time', () => {
    expect(crypto.seal('same')).not.toBe(crypto.seal('same'));
  });

  it('rejects a tampered ciphertext', () => {
    const [version, iv, tag, body] = crypto.seal('password123').split('.');
    const flipped = Buffer.from(body ?? '', 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    const tampered = [version, iv, tag, flipped.toString('base64url')].join('.');
    expect(() => crypto.open(tampered)).toThrow();
  });

  it('cannot be opened with another key', () => {
    const other = new CryptoService({ secretKey: randomBytes(32) });
    expect(() => other.open(crypto.seal('password123'))).toThrow();
  });

  it('refuses a value that is not sealed', () => {
    expect(() => crypto.open('plain text')).toThrow('Not a sealed value');
  });
});

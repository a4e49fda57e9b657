import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CryptoService } from '../../common/crypto/crypto.service';
import { authMethodOf, SshTargetSecrets } from './ssh-target-secrets';

describe('SshTargetSecrets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'archnest-secrets-'));
  const keygen = (name: string, passphrase = ''): string => {
    const file = join(dir, name);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-f', file]);
    return readFileSync(file, 'utf8');
  };
  const plainKey = keygen('plain');
  const lockedKey = keygen('locked', 'correct horse');
  const secrets = new SshTargetSecrets(new CryptoService({ secretKey: randomBytes(32) }));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('seals credentials so that neither the key nor the password is readable', () => {
    const sealed = secrets.seal({ privateKey: plainKey });
    expect(sealed).not.toContain('OPENSSH');
    expect(secrets.open(sealed)).toEqual({ privateKey: plainKey });
    expect(secrets.seal({ password: 'hunter2-hunter2' })).not.toContain('hunter2');
  });

  it('accepts exactly one of password or privateKey on create', () => {
    expect(authMethodOf(secrets.forCreate({ password: 'pw' }))).toBe('password');
    expect(authMethodOf(secrets.forCreate({ privateKey: plainKey }))).toBe('key');
    expect(() => secrets.forCreate({})).toThrow(/either password or privateKey/);
    expect(() => secrets.forCreate({ password: 'pw', privateKey: plainKey })).toThrow(/not both/);
    expect(() => secrets.forCreate({ password: 'pw', passphrase: 'x' })).toThrow(/key auth only/);
  });

  it('checks a key with its passphrase, never echoing key material', () => {
    expect(secrets.forCreate({ privateKey: lockedKey, passphrase: 'correct horse' })).toEqual({
      privateKey: lockedKey,
      passphrase: 'correct horse',
    });
    expect(() => secrets.forCreate({ privateKey: lockedKey })).toThrow(
      /^privateKey is encrypted: the passphrase is missing or wrong$/,
    );
    expect(() => secrets.forCreate({ privateKey: lockedKey, passphrase: 'wrong' })).toThrow(
      /passphrase is missing or wrong/,
    );
    const publicKey = readFileSync(join(dir, 'plain.pub'), 'utf8');
    expect(() => secrets.forCreate({ privateKey: publicKey })).toThrow(/private key/);
    expect(() => secrets.forCreate({ privateKey: 'garbage' })).toThrow(
      /^privateKey is not an OpenSSH, PEM or PuTTY private key$/,
    );
  });

  it('keeps stored credentials on update unless new ones are given; a passphrase re-keys', () => {
    const stored = secrets.seal({ privateKey: lockedKey, passphrase: 'old' });
    expect(secrets.forUpdate({}, stored)).toBeNull();
    expect(secrets.forUpdate({ passphrase: 'correct horse' }, stored)).toEqual({
      privateKey: lockedKey,
      passphrase: 'correct horse',
    });
    expect(secrets.forUpdate({ password: 'new' }, stored)).toEqual({ password: 'new' });
    const password = secrets.seal({ password: 'pw' });
    expect(() => secrets.forUpdate({ passphrase: 'x' }, password)).toThrow(/key auth only/);
  });
});

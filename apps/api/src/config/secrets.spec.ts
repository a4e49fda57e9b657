import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateSecrets } from './secrets';

describe('loadOrCreateSecrets', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'archnest-secrets-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates both secrets on first start, in files only the owner can read', () => {
    const secrets = loadOrCreateSecrets(dir, {});
    expect(secrets.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(secrets.secretKey).toHaveLength(32);
    for (const file of ['jwt-secret', 'secret-key']) {
      expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
    }
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8').trim()).toBe(secrets.jwtSecret);
  });

  it('keeps the same secrets across restarts', () => {
    const first = loadOrCreateSecrets(dir, {});
    const second = loadOrCreateSecrets(dir, {});
    expect(second.jwtSecret).toBe(first.jwtSecret);
    expect(second.secretKey.equals(first.secretKey)).toBe(true);
  });

  it('prefers configured values', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const secrets = loadOrCreateSecrets(dir, { jwtSecret: 'x'.repeat(40), secretKey: key });
    expect(secrets.jwtSecret).toBe('x'.repeat(40));
    expect(secrets.secretKey.toString('base64')).toBe(key);
  });

  it('refuses a secret key that is not 32 bytes', () => {
    const short = Buffer.alloc(16).toString('base64');
    expect(() => loadOrCreateSecrets(dir, { secretKey: short })).toThrow(/ARCHNEST_SECRET_KEY/);
  });
});

import { hashPassword, verifyPassword } from './password';

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse');
    await expect(verifyPassword('correct horse', hash)).resolves.toBe(true);
    await expect(verifyPassword('correct hors', hash)).resolves.toBe(false);
  });

  it('stores scrypt parameters and a random salt, never the password', async () => {
    const [first, second] = await Promise.all([
      hashPassword('s3cret-pw'),
      hashPassword('s3cret-pw'),
    ]);
    expect(first).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(first).not.toContain('s3cret-pw');
    expect(first).not.toBe(second);
  });

  it('refuses hashes of an unknown scheme', async () => {
    await expect(verifyPassword('x', 'plain$x')).resolves.toBe(false);
  });
});

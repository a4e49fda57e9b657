import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startApiProcess } from '../support/api-process';

const API_MAIN = resolve(__dirname, '../../../../dist/apps/api/main.js');

function startWith(env: NodeJS.ProcessEnv): { status: number | null; stderr: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'archnest-boot-'));
  try {
    const result = spawnSync(process.execPath, [API_MAIN], {
      env: { PATH: process.env.PATH, ARCHNEST_DATA_DIR: dataDir, ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
    return { status: result.status, stderr: result.stderr };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('the built server process', () => {
  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://db' }, 'DATABASE_URL'],
    [{ STALE_AFTER_MS: 'soon' }, 'STALE_AFTER_MS'],
  ])('refuses to start with %j, naming %s', (env, variable) => {
    const { status, stderr } = startWith(env);
    expect(status).toBe(1);
    expect(stderr).toContain(variable);
  });

  it('keeps users and generated secrets across a restart, secrets in 0600 files', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'archnest-restart-'));
    const env = { ARCHNEST_DATA_DIR: dataDir };
    try {
      const first = await startApiProcess(env);
      const setup = await fetch(`${first.baseUrl}/api/auth/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'restart-password' }),
      });
      const { accessToken } = (await setup.json()) as { accessToken: string };
      await first.stop();
      expect(statSync(join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
      expect(statSync(join(dataDir, 'secret-key')).mode & 0o777).toBe(0o600);

      const second = await startApiProcess(env);
      try {
        const me = await fetch(`${second.baseUrl}/api/auth/me`, {
          headers: { authorization: `Bearer ${accessToken}` },
        });
        expect(me.status).toBe(200);
        expect(second.output()).not.toContain('restart-password');
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

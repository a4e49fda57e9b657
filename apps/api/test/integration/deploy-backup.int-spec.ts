/**
 * Deployment (issue 20), against the built server (`npm run build`) as a child process:
 * - an online backup taken while agents post reports restores into a fresh data dir, and a
 *   server started on it finds every user, host and SSH target, with the secrets (old tokens
 *   still valid, stored SSH keys still decrypt). SQLite: `scripts/backup.mjs` + `restore.mjs`;
 *   PostgreSQL: `pg_dump`/`pg_restore` as docs/deploy.md says, plus the scripts for the secrets;
 * - restore refuses to touch the data dir of a running server, and a non-empty one without
 *   --force;
 * - a data dir made by the previous release (fixtures/release-*.tar.gz, written by
 *   fixtures/make-release-fixture.mjs) starts on this one, every migration of this release run.
 */
import type { AgentContainer, AgentHost, User } from '@archnest/contracts';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { MIGRATIONS } from '../../src/database/migrations';
import { loadInfra, testDatabaseKind } from '../harness/infra';
import { run, sleep } from '../harness/proc';
import { AgentFleet } from '../support/agent-fleet';
import {
  call,
  expectedContainers,
  LOAD_AGENT_TOKEN,
  loadReport,
  login,
  seedUsersOver,
  startApiUnderTest,
  type ApiUnderTest,
} from '../support/agent-load';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { targetBody } from '../support/docker-ssh';
import { unexpected } from '../support/faults';
import { ADMIN, MEMBER } from '../support/http';
import { recordFigures } from '../support/load-check';
import { Readers } from '../support/load-readers';
import { createPostgresDatabase, type TestDatabase } from '../support/test-app';

const ROOT = resolve(__dirname, '../../../..');
const FIXTURES = resolve(__dirname, '../fixtures');
const AGENTS = 120;

interface ScriptResult {
  code: number | null;
  stderr: string;
  ms: number;
}

/** Runs one of the deploy scripts as an operator would (node scripts/<name>.mjs …), async. */
function runScript(
  name: 'backup' | 'restore',
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<ScriptResult> {
  const started = Date.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', `${name}.mjs`), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', fail);
    child.once('exit', (code) => done({ code, stderr, ms: Date.now() - started }));
  });
}

/** The manifest a backup file carries (read with the system's tar, as an operator could). */
async function manifestOf(archive: string): Promise<{
  files: { name: string; size: number }[];
  migrations: string[];
  appVersion: string;
}> {
  return JSON.parse(await run('tar', ['-xzOf', archive, 'archnest-backup.json'])) as {
    files: { name: string; size: number }[];
    migrations: string[];
    appVersion: string;
  };
}

/** loadReport() encodes the sequence number in reportedAt. */
function seqOf(reportedAt: string): number {
  return (Date.parse(reportedAt) - Date.UTC(2026, 0, 1)) / 1000;
}

const migrationNames = (): string[] => MIGRATIONS.map((M) => new M().name ?? M.name);

interface Snapshot {
  users: { id: string; username: string; role: string }[];
  targets: { id: string; name: string }[];
}

async function snapshotOf(baseUrl: string, admin: string): Promise<Snapshot> {
  const users = await call<User[]>(baseUrl, 'GET', '/api/users', { token: admin });
  const targets = await call<{ id: string; name: string }[]>(
    baseUrl,
    'GET',
    '/api/docker-ssh/targets',
    { token: admin },
  );
  expect(users.status).toBe(200);
  expect(targets.status).toBe(200);
  const byId = <T extends { id: string }>(a: T, b: T) => a.id.localeCompare(b.id);
  return {
    users: users.body.map(({ id, username, role }) => ({ id, username, role })).sort(byId),
    targets: targets.body.map(({ id, name }) => ({ id, name })).sort(byId),
  };
}

interface HostCheck {
  hosts: number;
  missing: string[];
  outside: string[];
  torn: string[];
}

/**
 * Every agent host whose report was acknowledged before the backup started must be in the
 * restored data, with a report no older than that one and no newer than the last one sent before
 * the backup ended, stored whole (exactly the containers of that report).
 */
async function checkHosts(
  baseUrl: string,
  token: string,
  window: Map<string, { from: number; to: number }>,
): Promise<HostCheck> {
  const list = await call<AgentHost[]>(baseUrl, 'GET', '/api/agents/docker/hosts', { token });
  expect(list.status).toBe(200);
  const rows = new Map(list.body.map((row) => [row.hostId, row]));
  const result: HostCheck = { hosts: rows.size, missing: [], outside: [], torn: [] };
  for (const [hostId, { from, to }] of window) {
    const row = rows.get(hostId);
    if (!row) {
      result.missing.push(hostId);
      continue;
    }
    const seq = seqOf(row.reportedAt);
    if (seq < from || seq > to) {
      result.outside.push(`${hostId}: stored ${seq}, expected ${from}..${to}`);
      continue;
    }
    const containers = await call<AgentContainer[]>(
      baseUrl,
      'GET',
      `/api/agents/docker/hosts/${hostId}/containers`,
      { token },
    );
    if (!isDeepStrictEqual(containers.body, expectedContainers(loadReport(hostId, seq)))) {
      result.torn.push(hostId);
    }
  }
  return result;
}

describe('deploy: backup under ingest load, restore into a fresh data dir', () => {
  const kind = testDatabaseKind();
  let dir: string;
  let server: ApiUnderTest;
  let restored: ApiProcess | undefined;
  let restoredDb: TestDatabase | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(loadInfra().tmpDir, 'deploy-backup-'));
    server = await startApiUnderTest({ dataDir: join(dir, 'data') });
  });
  afterAll(async () => {
    await restored?.stop();
    await restoredDb?.drop();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`keeps every host, user, SSH target and secret (${kind})`, async () => {
    const { baseUrl } = server.api;
    const { admin, member } = await seedUsersOver(baseUrl);
    const extraUsers = ['ops-1', 'ops-2', 'ops-3'].map((username) => ({
      username,
      password: `${username}-password-1`,
      role: 'member',
    }));
    for (const user of extraUsers) {
      expect((await call(baseUrl, 'POST', '/api/users', { token: admin, body: user })).status).toBe(
        201,
      );
    }
    // An SSH target whose private key is stored sealed with the generated secret key, pinned.
    const target = await call<{ id: string }>(baseUrl, 'POST', '/api/docker-ssh/targets', {
      token: admin,
      body: targetBody('backup-target'),
    });
    expect(target.status).toBe(201);
    const scan = await call<{ fingerprint: string }>(
      baseUrl,
      'POST',
      `/api/docker-ssh/targets/${target.body.id}/host-key/scan`,
      { token: admin },
    );
    const pinned = await call(
      baseUrl,
      'POST',
      `/api/docker-ssh/targets/${target.body.id}/host-key/accept`,
      { token: admin, body: { fingerprint: scan.body.fingerprint } },
    );
    expect(pinned.status).toBe(200);
    const before = await snapshotOf(baseUrl, admin);

    // Load: agents posting (one report per ~600 ms each) and members reading, throughout.
    const fleet = new AgentFleet(baseUrl, AGENTS, `backup-${kind}`);
    const readers = new Readers(baseUrl, member, 4, fleet);
    fleet.start();
    readers.start();
    await fleet.everyAgentAcked();
    await sleep(1500);

    const archive = join(dir, 'archnest-backup.tar.gz');
    const dump = join(dir, 'archnest.pgdump');
    const from = new Map(fleet.agents.map((a) => [a.hostId, seqOf(a.acked!.reportedAt)]));
    const backupStarted = Date.now();
    const backup = await runScript('backup', [archive], server.env);
    if (kind === 'postgres') {
      await run('pg_dump', ['--format=custom', `--file=${dump}`, String(server.env.DATABASE_URL)]);
    }
    const backupMs = Date.now() - backupStarted;
    const window = new Map(
      fleet.agents.map((a) => [a.hostId, { from: from.get(a.hostId)!, to: a.seq }]),
    );
    await sleep(1500);
    await Promise.all([fleet.stop(), readers.stop()]);
    const outcomes = [...fleet.tally.outcomes, ...readers.tally.outcomes];
    const duringBackup = outcomes.filter(
      (o) => o.doneAt >= backupStarted && o.sentAt <= backupStarted + backupMs,
    );

    expect(backup).toMatchObject({ code: 0 });
    // Online: the server answered every request, during the backup too.
    expect(unexpected(outcomes, [200])).toEqual([]);
    expect(duringBackup.length).toBeGreaterThan(0);
    expect(statSync(archive).mode & 0o777).toBe(0o600);
    const manifest = await manifestOf(archive);
    const names = manifest.files.map((f) => f.name).sort();
    expect(names).toEqual(
      kind === 'sqlite'
        ? ['archnest.sqlite', 'jwt-secret', 'secret-key']
        : ['jwt-secret', 'secret-key'],
    );
    expect(manifest.migrations).toEqual(kind === 'sqlite' ? migrationNames() : []);
    // Nothing is left behind in the data dir (the snapshot lives there while it is written).
    expect(readdirSync(server.env.ARCHNEST_DATA_DIR!).filter((f) => f.startsWith('.'))).toEqual([]);

    if (kind === 'sqlite') {
      // The data dir of the running server is never overwritten, --force or not.
      const refused = await runScript('restore', ['--force', archive], server.env);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/open in another process: a server is running/);
      expect((await call(baseUrl, 'GET', '/api/health')).status).toBe(200);
    }

    // Restore into a fresh data dir (and, on PostgreSQL, a fresh database) and start on it.
    const freshDir = join(dir, 'restored');
    restoredDb = kind === 'postgres' ? await createPostgresDatabase() : undefined;
    const env = {
      ARCHNEST_DATA_DIR: freshDir,
      ARCHNEST_AGENT_TOKEN: LOAD_AGENT_TOKEN,
      ...(restoredDb ? { DATABASE_URL: restoredDb.url } : {}),
    };
    if (restoredDb) {
      await run('pg_restore', ['--no-owner', `--dbname=${restoredDb.url}`, dump]);
    }
    const restore = await runScript('restore', [archive], env);
    expect(restore).toMatchObject({ code: 0 });
    const again = await runScript('restore', [archive], env);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/already holds .*pass --force/);
    // The generated secrets are back, byte for byte.
    for (const name of ['jwt-secret', 'secret-key']) {
      expect(readFileSync(join(freshDir, name))).toEqual(
        readFileSync(join(server.env.ARCHNEST_DATA_DIR!, name)),
      );
    }
    restored = await startApiProcess(env);
    const url = restored.baseUrl;

    // Users (every password), the JWT secret (a token of the old server still works) ...
    const token = await login(url, ADMIN);
    await login(url, MEMBER);
    for (const user of extraUsers) {
      await login(url, user);
    }
    expect((await call(url, 'GET', '/api/auth/me', { token: admin })).status).toBe(200);
    expect(await snapshotOf(url, token)).toEqual(before);
    // ... the secret key: the stored private key decrypts and logs in to the target's sshd.
    const test = await call<{ dockerVersion: string }>(
      url,
      'POST',
      `/api/docker-ssh/targets/${target.body.id}/test`,
      { token },
    );
    expect(test.status).toBe(200);
    expect(test.body.dockerVersion).toMatch(/^\d+\./);
    // ... and every agent host, each with a whole report from the backup's moment.
    const hosts = await checkHosts(url, token, window);
    recordFigures('deploy.backup', {
      agents: AGENTS,
      requestsDuringBackup: duringBackup.length,
      backupMs,
      archiveBytes: statSync(archive).size,
      ...(kind === 'postgres' ? { dumpBytes: statSync(dump).size } : {}),
      restoreMs: restore.ms,
      hosts: hosts.hosts,
    });
    expect(hosts).toEqual({ hosts: AGENTS, missing: [], outside: [], torn: [] });
  }, 120_000);
});

if (testDatabaseKind() === 'sqlite') {
  describe('deploy: upgrade from the previous release', () => {
    let dir: string;
    let api: ApiProcess | undefined;

    beforeAll(() => {
      dir = mkdtempSync(join(loadInfra().tmpDir, 'deploy-upgrade-'));
    });
    afterAll(async () => {
      await api?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('starts on a data dir made by the previous release, with its migrations and data', async () => {
      const fixtures = readdirSync(FIXTURES).filter((f) => /^release-.+\.tar\.gz$/.test(f));
      expect(fixtures).toHaveLength(1);
      const archive = join(FIXTURES, fixtures[0]);
      const expected = JSON.parse(readFileSync(archive.replace(/\.tar\.gz$/, '.json'), 'utf8')) as {
        users: { username: string; password: string; role: string }[];
        agentHosts: { hostId: string; containerCount: number }[];
        dockerHosts: { id: string; name: string }[];
        sshTargets: { id: string; name: string; jumpTargetId: string | null }[];
      };
      const old = await manifestOf(archive);
      // The fixture's migrations are a prefix of this release's: what it lacks runs at start.
      expect(migrationNames().slice(0, old.migrations.length)).toEqual(old.migrations);

      const dataDir = join(dir, 'data');
      expect(await runScript('restore', [archive], { ARCHNEST_DATA_DIR: dataDir })).toMatchObject({
        code: 0,
      });
      api = await startApiProcess({ ARCHNEST_DATA_DIR: dataDir });
      const url = api.baseUrl;

      const tokens = new Map<string, string>();
      for (const user of expected.users) {
        tokens.set(user.username, await login(url, user));
      }
      const admin = tokens.get('admin')!;
      const users = await call<User[]>(url, 'GET', '/api/users', { token: admin });
      expect(users.body.map(({ username, role }) => ({ username, role })).sort(byName)).toEqual(
        expected.users.map(({ username, role }) => ({ username, role })).sort(byName),
      );
      const agentHosts = await call<AgentHost[]>(url, 'GET', '/api/agents/docker/hosts', {
        token: admin,
      });
      expect(
        agentHosts.body.map(({ hostId, containerCount }) => ({ hostId, containerCount })),
      ).toEqual(expect.arrayContaining(expected.agentHosts));
      expect(agentHosts.body).toHaveLength(expected.agentHosts.length);
      const dockerHosts = await call<{ id: string; name: string }[]>(
        url,
        'GET',
        '/api/docker/hosts',
        { token: admin },
      );
      expect(dockerHosts.body.map(({ id, name }) => ({ id, name }))).toEqual(expected.dockerHosts);
      const targets = await call<{ id: string; name: string; jumpTargetId: string | null }[]>(
        url,
        'GET',
        '/api/docker-ssh/targets',
        { token: admin },
      );
      expect(
        targets.body.map(({ id, name, jumpTargetId }) => ({ id, name, jumpTargetId })),
      ).toEqual(expect.arrayContaining(expected.sshTargets));
      const hosts = await call<{ source: string }[]>(url, 'GET', '/api/containers/hosts', {
        token: tokens.get('mia'),
      });
      expect(hosts.status).toBe(200);

      // Every migration of this release has run on the old database.
      const after = join(dir, 'after-upgrade.tar.gz');
      expect(await runScript('backup', [after], { ARCHNEST_DATA_DIR: dataDir })).toMatchObject({
        code: 0,
      });
      expect((await manifestOf(after)).migrations).toEqual(migrationNames());
    });
  });
}

function byName(a: { username: string }, b: { username: string }): number {
  return a.username.localeCompare(b.username);
}

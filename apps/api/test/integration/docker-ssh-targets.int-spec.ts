/**
 * SSH targets against the harness's real sshd servers: CRUD with write-only sealed credentials,
 * key, passphrase-key and password auth, jump chains, host-key scan/accept, and the guarantees
 * of pinning: nothing is sent to a host whose key is not pinned or has changed.
 */
import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { loadInfra } from '../harness/infra';
import {
  ANY_AUTH,
  auditRows,
  createTarget,
  NEW_CONNECTION,
  pinTarget,
  SshdLog,
  targetBody,
  type TargetBody,
} from '../support/docker-ssh';
import { Http, seedUsers } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';

const infra = loadInfra();
const { ssh } = infra;
const TARGETS = '/api/docker-ssh/targets';

describe('docker-ssh targets', () => {
  let testApp: TestApp;
  let admin: Http;
  let member: Http;

  beforeEach(async () => {
    testApp = await startTestApp();
    const http = new Http(testApp.app);
    const tokens = await seedUsers(http);
    admin = http.as(tokens.admin);
    member = http.as(tokens.member);
  });
  afterEach(() => testApp.close());

  it('stores credentials sealed and never returns them', async () => {
    const key = readFileSync(ssh.clientKey, 'utf8');
    const created = await admin.post<TargetBody>(TARGETS, targetBody('box'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'box',
      authMethod: 'key',
      hostKeyFingerprint: null,
      dockerCommand: 'docker',
    });
    const withPassword = await createTarget(admin, {
      ...targetBody('pw'),
      privateKey: undefined,
      password: ssh.password,
    });
    expect(withPassword.authMethod).toBe('password');

    const listed = await admin.get(TARGETS);
    const keyBody = key.split('\n')[1] ?? '';
    for (const text of [created.text, listed.text, JSON.stringify(await auditRows(admin))]) {
      expect(text).not.toContain(keyBody);
      expect(text).not.toContain(ssh.password);
      expect(text).not.toMatch(/"(privateKey|password|passphrase|credentials\w*)":/);
    }
    const rows = await testApp.app
      .get(DataSource)
      .query<{ credentials_sealed: string }[]>('SELECT credentials_sealed FROM ssh_targets');
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.credentials_sealed).toMatch(/^v1\./);
      expect(row.credentials_sealed).not.toContain(keyBody);
      expect(row.credentials_sealed).not.toContain(ssh.password);
    }
  });

  it('validates credentials, names and fields', async () => {
    const both = { ...targetBody('x'), password: 'p' };
    expect((await admin.post(TARGETS, both)).status).toBe(400);
    const none = { ...targetBody('x'), privateKey: undefined };
    expect((await admin.post(TARGETS, none)).status).toBe(400);
    const garbage = await admin.post<{ message: string }>(TARGETS, {
      ...targetBody('x'),
      privateKey: 'not a key',
    });
    expect(garbage.body.message).toMatch(/not an OpenSSH, PEM or PuTTY private key/);
    const encrypted = readFileSync(ssh.encryptedClientKey, 'utf8');
    const noPhrase = await admin.post<{ message: string }>(TARGETS, {
      ...targetBody('x'),
      privateKey: encrypted,
    });
    expect(noPhrase.body.message).toMatch(/passphrase is missing or wrong/);
    const wrongPhrase = { ...targetBody('x'), privateKey: encrypted, passphrase: 'wrong' };
    expect((await admin.post(TARGETS, wrongPhrase)).status).toBe(400);
    for (const bad of [
      { host: '-oProxyCommand=touch /tmp/x' },
      { host: 'a b' },
      { username: '-l' },
      { port: 70000 },
      { dockerCommand: 'docker; id' },
      { dockerCommand: '-H' },
      { dockerHost: 'ssh://elsewhere' },
      { name: '' },
      { jumpTargetId: 'not-a-uuid' },
    ]) {
      expect([bad, (await admin.post(TARGETS, { ...targetBody('x'), ...bad })).status]).toEqual([
        bad,
        400,
      ]);
    }
    await createTarget(admin, targetBody('dup'));
    expect((await admin.post(TARGETS, targetBody('dup'))).status).toBe(409);
  });

  it('pins through scan and accept, and refuses a fingerprint the host does not present', async () => {
    const target = await createTarget(admin, targetBody('box'));
    const log = new SshdLog('target');
    const scan = await admin.post<{ fingerprint: string; keyType: string; pinned: boolean }>(
      `${TARGETS}/${target.id}/host-key/scan`,
    );
    expect(scan.body).toEqual({
      fingerprint: ssh.target.fingerprint,
      keyType: 'ssh-ed25519',
      pinned: false,
    });
    // The scan stopped at key exchange: no user name, no credential reached sshd.
    expect(log.since()).toMatch(NEW_CONNECTION);
    expect(log.since()).not.toMatch(ANY_AUTH);

    const wrong = await admin.post<{ message: string }>(`${TARGETS}/${target.id}/host-key/accept`, {
      fingerprint: ssh.jump.fingerprint,
    });
    expect(wrong.status).toBe(409);
    expect(wrong.body.message).toMatch(/host key mismatch for target 'box'/);
    expect((await admin.get<TargetBody>(`${TARGETS}/${target.id}`)).body.hostKeyFingerprint).toBe(
      null,
    );

    const accepted = await admin.post<TargetBody>(`${TARGETS}/${target.id}/host-key/accept`, {
      fingerprint: scan.body.fingerprint,
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.hostKeyFingerprint).toBe(ssh.target.fingerprint);
    const audit = await auditRows(admin);
    expect(audit.map((row) => [row.action, row.result])).toEqual(
      expect.arrayContaining([
        ['docker-ssh.host-key.accept', 'success'],
        ['docker-ssh.host-key.accept', 'failure'],
      ]),
    );
  });

  it('sends nothing to a target whose key is not pinned', async () => {
    const target = await createTarget(admin, targetBody('unpinned'));
    const log = new SshdLog('target');
    for (const url of [`${TARGETS}/${target.id}/test`]) {
      const reply = await admin.post<{ message: string }>(url);
      expect(reply.status).toBe(409);
      expect(reply.body.message).toMatch(/'unpinned'.*not pinned/);
    }
    const list = await admin.get(`${TARGETS}/${target.id}/containers`);
    expect(list.status).toBe(409);
    expect(log.since()).not.toMatch(NEW_CONNECTION);
  });

  const logins: [string, () => Record<string, string | undefined>][] = [
    ['a key', () => ({})],
    [
      'a passphrase-protected key',
      () => ({
        privateKey: readFileSync(ssh.encryptedClientKey, 'utf8'),
        passphrase: ssh.passphrase,
      }),
    ],
    ['a password', () => ({ privateKey: undefined, password: ssh.password })],
  ];

  it.each(logins)('logs in with %s and runs docker on the target', async (_how, extra) => {
    const auth = extra();
    const target = await createTarget(admin, targetBody('box', 'target', auth));
    await pinTarget(admin, target.id);
    const log = new SshdLog('target');
    const test = await admin.post<{ dockerVersion: string; chain: string[] }>(
      `${TARGETS}/${target.id}/test`,
    );
    expect(test.status).toBe(200);
    expect(test.body.dockerVersion).toMatch(/^\d+\.\d+/);
    expect(test.body.chain).toEqual(['box']);
    expect(log.since()).toMatch(auth.password ? /Accepted password/ : /Accepted publickey/);
  });

  it('reaches a target through a jump host; the jump sshd carries the session', async () => {
    const jump = await createTarget(admin, targetBody('jump', 'jump'));
    const inner = await createTarget(
      admin,
      targetBody('inner', 'target', {
        jumpTargetId: jump.id,
        privateKey: undefined,
        password: ssh.password,
      }),
    );
    // The inner key cannot be scanned before its jump host is pinned.
    const early = await admin.post<{ message: string }>(`${TARGETS}/${inner.id}/host-key/scan`);
    expect(early.status).toBe(409);
    expect(early.body.message).toMatch(/'jump'.*not pinned/);

    await pinTarget(admin, jump.id);
    const jumpLog = new SshdLog('jump');
    expect(await pinTarget(admin, inner.id)).toBe(ssh.target.fingerprint);
    const test = await admin.post<{ chain: string[] }>(`${TARGETS}/${inner.id}/test`);
    expect(test.status).toBe(200);
    expect(test.body.chain).toEqual(['jump', 'inner']);
    const carried = new RegExp(
      `server_request_direct_tcpip: originator .*, target 127\\.0\\.0\\.1 port ${ssh.target.port}$`,
      'm',
    );
    expect(jumpLog.since()).toMatch(carried);
  });

  it('refuses jump cycles and missing hops, and a jump host still in use', async () => {
    const a = await createTarget(admin, targetBody('a', 'jump'));
    const b = await createTarget(admin, targetBody('b', 'target', { jumpTargetId: a.id }));
    const cycle = await admin.patch<{ message: string }>(`${TARGETS}/${a.id}`, {
      jumpTargetId: b.id,
    });
    expect(cycle.status).toBe(400);
    expect(cycle.body.message).toMatch(/loops back/);
    const self = await admin.patch(`${TARGETS}/${a.id}`, { jumpTargetId: a.id });
    expect(self.status).toBe(400);
    const missing = await admin.post<{ message: string }>(TARGETS, {
      ...targetBody('c'),
      jumpTargetId: '00000000-0000-4000-8000-000000000000',
    });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/does not exist/);

    const inUse = await admin.delete<{ message: string }>(`${TARGETS}/${a.id}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.message).toMatch(/'a' is the jump host of 'b'/);
    expect((await admin.delete(`${TARGETS}/${b.id}`)).status).toBe(204);
    expect((await admin.delete(`${TARGETS}/${a.id}`)).status).toBe(204);
    expect((await admin.get(TARGETS)).body).toEqual([]);
  });

  it('closes the pooled connection when a target is edited, and uses new credentials', async () => {
    const target = await createTarget(admin, targetBody('box'));
    await pinTarget(admin, target.id);
    expect((await admin.post(`${TARGETS}/${target.id}/test`)).status).toBe(200);
    const log = new SshdLog('target');
    const edited = await admin.patch<TargetBody>(`${TARGETS}/${target.id}`, {
      privateKey: undefined,
      password: ssh.password,
    });
    expect(edited.body.authMethod).toBe('password');
    expect((await admin.post(`${TARGETS}/${target.id}/test`)).status).toBe(200);
    expect(log.count(/Accepted password/)).toBe(1);
    const wrong = await admin.patch(`${TARGETS}/${target.id}`, { password: 'wrong-password' });
    expect(wrong.status).toBe(200);
    const refused = await admin.post<{ message: string }>(`${TARGETS}/${target.id}/test`);
    expect(refused.status).toBe(502);
    expect(refused.body.message).toMatch(
      /Authentication as 'archnest-test' failed on target 'box'/,
    );
    expect(refused.text).not.toContain('wrong-password');
  });

  it('is admin-only: members get 403 on the inventory and every change', async () => {
    const target = await createTarget(admin, targetBody('box'));
    const id = target.id;
    const attempts = [
      member.get(TARGETS),
      member.get(`${TARGETS}/${id}`),
      member.post(TARGETS, targetBody('m')),
      member.patch(`${TARGETS}/${id}`, { name: 'renamed' }),
      member.delete(`${TARGETS}/${id}`),
      member.post(`${TARGETS}/${id}/host-key/scan`),
      member.post(`${TARGETS}/${id}/host-key/accept`, { fingerprint: ssh.target.fingerprint }),
      member.post(`${TARGETS}/${id}/test`),
      member.post(`${TARGETS}/${id}/containers/web/start`),
      member.post(`${TARGETS}/${id}/containers/web/stop`),
      member.post(`${TARGETS}/${id}/containers/web/restart`),
      member.post(`${TARGETS}/${id}/containers/web/pause`),
      member.post(`${TARGETS}/${id}/containers/web/unpause`),
      member.delete(`${TARGETS}/${id}/containers/web?force=true`),
    ];
    expect((await Promise.all(attempts)).map((reply) => reply.status)).toEqual(
      attempts.map(() => 403),
    );
    expect((await admin.get<TargetBody>(`${TARGETS}/${id}`)).body).toMatchObject({
      name: 'box',
      hostKeyFingerprint: null,
    });
  });

  it('records every change in the audit log', async () => {
    const target = await createTarget(admin, targetBody('box'));
    await admin.patch(`${TARGETS}/${target.id}`, { name: 'box2', port: ssh.target.port });
    await admin.delete(`${TARGETS}/${target.id}`);
    const rows = (await auditRows(admin)).filter((row) => row.action.startsWith('docker-ssh.'));
    expect(rows.map((row) => [row.action, row.target, row.result])).toEqual([
      ['docker-ssh.target.delete', 'docker-ssh:box2', 'success'],
      ['docker-ssh.target.update', 'docker-ssh:box2', 'success'],
      ['docker-ssh.target.create', 'docker-ssh:box', 'success'],
    ]);
    expect(rows[1]?.detail).toBe('changed name');
  });
});

/**
 * docker-ssh when things go wrong, against real sshd servers: a target whose host key changed
 * is refused before anything is sent; a killed sshd gives a readable 502/504 within 10 s, and
 * the same API process recovers once sshd is back.
 */
import { renameSync, rmSync } from 'node:fs';
import { loadInfra } from '../harness/infra';
import { run } from '../harness/proc';
import { startSshd, stopSshd } from '../harness/ssh-servers';
import {
  ANY_AUTH,
  createTarget,
  engineState,
  NEW_CONNECTION,
  pinTarget,
  removeContainers,
  runBusybox,
  SshdLog,
  targetBody,
} from '../support/docker-ssh';
import { Http, seedUsers } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';

const { ssh } = loadInfra();
const TARGETS = '/api/docker-ssh/targets';
const CONTAINER = 'ssh-fault-web';

/** Gives the target sshd a new host key (as a reinstalled or impersonated host would have). */
async function regenerateTargetHostKey(): Promise<void> {
  await stopSshd('target');
  for (const file of [ssh.target.hostKey, `${ssh.target.hostKey}.pub`]) {
    renameSync(file, `${file}.orig`);
  }
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', ssh.target.hostKey]);
  await startSshd('target');
}

async function restoreTargetHostKey(): Promise<void> {
  await stopSshd('target');
  for (const file of [ssh.target.hostKey, `${ssh.target.hostKey}.pub`]) {
    rmSync(file, { force: true });
    renameSync(`${file}.orig`, file);
  }
  await startSshd('target');
}

describe('docker-ssh faults', () => {
  let testApp: TestApp;
  let admin: Http;

  beforeAll(async () => {
    await runBusybox(CONTAINER, ['sleep', '3600']);
  });
  afterAll(() => removeContainers([CONTAINER]));

  beforeEach(async () => {
    testApp = await startTestApp();
    const http = new Http(testApp.app);
    admin = http.as((await seedUsers(http)).admin);
  });
  afterEach(() => testApp.close());

  it('refuses a target whose host key changed, naming it, and runs nothing there', async () => {
    const target = await createTarget(admin, targetBody('changed-box'));
    await pinTarget(admin, target.id);
    expect((await admin.get(`${TARGETS}/${target.id}/containers`)).status).toBe(200);
    await regenerateTargetHostKey();
    try {
      const log = new SshdLog('target');
      const containers = `${TARGETS}/${target.id}/containers`;
      for (const attempt of [
        () => admin.get(containers),
        () => admin.post(`${containers}/${CONTAINER}/stop`),
        () => admin.delete(`${containers}/${CONTAINER}?force=true`),
        () => admin.post(`${TARGETS}/${target.id}/test`),
      ]) {
        const reply = await attempt();
        expect(reply.status).toBe(502);
        expect((reply.body as { message: string }).message).toMatch(
          /host key mismatch for target 'changed-box'/,
        );
      }
      expect(await engineState(CONTAINER)).toBe('running');
      expect(log.since()).toMatch(NEW_CONNECTION);
      expect(log.since()).not.toMatch(ANY_AUTH);

      // Accepting the old pin again is refused too; the new key is pinned only on purpose.
      const stale = await admin.post<{ message: string }>(
        `${TARGETS}/${target.id}/host-key/accept`,
        { fingerprint: ssh.target.fingerprint },
      );
      expect(stale.status).toBe(409);
      expect(stale.body.message).toMatch(/host key mismatch/);
      const fresh = await pinTarget(admin, target.id);
      expect(fresh).not.toBe(ssh.target.fingerprint);
      expect((await admin.get(containers)).status).toBe(200);
    } finally {
      await restoreTargetHostKey();
    }
  });

  it('answers a readable 502 within 10 s when sshd is killed, and recovers when it returns', async () => {
    const target = await createTarget(admin, targetBody('flaky-box'));
    await pinTarget(admin, target.id);
    const containers = `${TARGETS}/${target.id}/containers`;
    expect((await admin.get(containers)).status).toBe(200);

    await stopSshd('target');
    try {
      const started = Date.now();
      const down = await admin.get<{ message: string }>(containers);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect([502, 504]).toContain(down.status);
      expect(down.body.message).toMatch(/target 'flaky-box' \(127\.0\.0\.1:\d+\)/);
      const hosts = await admin.get<{ hostId: string; status: string }[]>('/api/containers/hosts');
      expect(hosts.body.find((h) => h.hostId === target.id)?.status).toBe('unreachable');
    } finally {
      await startSshd('target');
    }
    const back = await admin.get<{ name: string }[]>(containers);
    expect(back.status).toBe(200);
    expect(back.body.map((c) => c.name)).toContain(CONTAINER);
  });

  it('names the jump host when it is the hop that is down', async () => {
    const jump = await createTarget(admin, targetBody('gateway', 'jump'));
    await pinTarget(admin, jump.id);
    const inner = await createTarget(
      admin,
      targetBody('behind', 'target', { jumpTargetId: jump.id }),
    );
    await pinTarget(admin, inner.id);
    expect((await admin.get(`${TARGETS}/${inner.id}/containers`)).status).toBe(200);
    await stopSshd('jump');
    try {
      const started = Date.now();
      const down = await admin.get<{ message: string }>(`${TARGETS}/${inner.id}/containers`);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(down.status).toBe(502);
      expect(down.body.message).toMatch(/target 'gateway'/);
    } finally {
      await startSshd('jump');
    }
    expect((await admin.get(`${TARGETS}/${inner.id}/containers`)).status).toBe(200);
  });
});

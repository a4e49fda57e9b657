/**
 * Containers of an SSH target, through the API, over the harness's real sshd and the private
 * engine: list, inspect (env masked), logs, stats, every action, one pooled connection for
 * many concurrent requests, the aggregator's host list, and a corpus of hostile refs that is
 * refused before any connection (or, where valid, quoted so nothing runs).
 */
import type {
  ContainerDetail,
  ContainerHost,
  ContainerLogs,
  ContainerStats,
  ContainerSummary,
} from '@archnest/contracts';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runDocker } from '../harness/docker-engine';
import { loadInfra } from '../harness/infra';
import { waitFor } from '../harness/proc';
import {
  ACCEPTED_LOGIN,
  auditRows,
  createTarget,
  engineState,
  NEW_CONNECTION,
  pinTarget,
  removeContainers,
  runBusybox,
  SshdLog,
  targetBody,
  type TargetBody,
} from '../support/docker-ssh';
import { Http, seedUsers } from '../support/http';
import { hostileRefs, VALID_BUT_ABSENT_REFS } from '../support/injection-corpus';
import { startTestApp, TestApp } from '../support/test-app';

const WEB = 'ssh-web';
const LOGGER = 'ssh-logger';
const STOPPED = 'ssh-stopped';
const SECRET = 's3cr3t-value-over-ssh';

describe('docker-ssh containers', () => {
  let testApp: TestApp;
  let admin: Http;
  let member: Http;
  let target: TargetBody;
  let base: string;

  beforeAll(async () => {
    await runBusybox(
      WEB,
      ['httpd', '-f', '-p', '80'],
      [
        '-e',
        `API_TOKEN=${SECRET}`,
        '-e',
        'LANG=C.UTF-8',
        '-l',
        'com.example.team=ops',
        '-p',
        '127.0.0.1:18080:80',
      ],
    );
    await runBusybox(LOGGER, [
      'sh',
      '-c',
      'echo out-one; sleep 1; echo err-one >&2; sleep 1; echo out-two; sleep 3600',
    ]);
    await runBusybox(STOPPED, ['true']);
    testApp = await startTestApp();
    const http = new Http(testApp.app);
    const tokens = await seedUsers(http);
    admin = http.as(tokens.admin);
    member = http.as(tokens.member);
    target = await createTarget(admin, targetBody('docker-box'));
    await pinTarget(admin, target.id);
    base = `/api/docker-ssh/targets/${target.id}/containers`;
  });
  afterAll(async () => {
    await testApp.close();
    await removeContainers([WEB, LOGGER, STOPPED, 'ssh-doomed']);
  });

  it('lists every container in every state, as members see them too', async () => {
    const list = await member.get<ContainerSummary[]>(base);
    expect(list.status).toBe(200);
    const byName = new Map(list.body.map((c) => [c.name, c]));
    expect(byName.get(WEB)).toMatchObject({
      state: 'running',
      image: loadInfra().docker.image,
      stats: null,
    });
    expect(byName.get(WEB)?.ports).toContainEqual({
      hostIp: '127.0.0.1',
      hostPort: 18080,
      containerPort: 80,
      proto: 'tcp',
    });
    expect(byName.get(WEB)?.id).toMatch(/^[a-f0-9]{64}$/);
    expect(byName.get(WEB)?.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(byName.get(STOPPED)?.state).toBe('exited');
  });

  it('inspects a container with env masked on the server', async () => {
    const detail = await member.get<ContainerDetail>(`${base}/${WEB}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      name: WEB,
      state: 'running',
      labels: { 'com.example.team': 'ops' },
      command: 'httpd -f -p 80',
      restartPolicy: 'no',
      exitCode: null,
    });
    expect(detail.body.env).toEqual(
      expect.arrayContaining([
        { key: 'API_TOKEN', value: '********' },
        { key: 'LANG', value: 'C.UTF-8' },
      ]),
    );
    expect(detail.text).not.toContain(SECRET);
    const byId = await member.get<ContainerDetail>(`${base}/${detail.body.id.slice(0, 12)}`);
    expect(byId.body.name).toBe(WEB);
    const stopped = await member.get<ContainerDetail>(`${base}/${STOPPED}`);
    expect(stopped.body).toMatchObject({ state: 'exited', exitCode: 0 });
  });

  it('tails logs with both streams in order', async () => {
    await waitFor('the logger to finish printing', async () =>
      (await runDocker(['logs', LOGGER])).includes('out-two'),
    );
    const logs = await member.get<ContainerLogs>(`${base}/${LOGGER}/logs?tail=10`);
    expect(logs.status).toBe(200);
    expect(logs.body.truncated).toBe(false);
    expect(logs.body.lines.map((l) => [l.stream, l.text])).toEqual([
      ['stdout', 'out-one'],
      ['stderr', 'err-one'],
      ['stdout', 'out-two'],
    ]);
    expect(logs.body.lines[0]?.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const tail = await member.get<ContainerLogs>(`${base}/${LOGGER}/logs?tail=1`);
    expect(tail.body.lines.map((l) => l.text)).toEqual(['out-two']);
    expect((await member.get(`${base}/${LOGGER}/logs?tail=0`)).status).toBe(400);
  });

  it('takes a stats snapshot in bytes', async () => {
    const stats = await member.get<ContainerStats>(`${base}/${WEB}/stats`);
    expect(stats.status).toBe(200);
    expect(stats.body.cpuPercent).toEqual(expect.any(Number));
    expect(stats.body.memUsage).toBeGreaterThan(0);
    expect(stats.body.memLimit).toBeGreaterThan(stats.body.memUsage ?? 0);
  });

  it('runs every action, audited, with docker refusing what the state does not allow', async () => {
    const act = (verb: string) => admin.post(`${base}/${WEB}/${verb}`);
    expect((await act('pause')).status).toBe(204);
    expect(await engineState(WEB)).toBe('paused');
    const again = await act('pause');
    expect(again.status).toBe(409);
    expect((await act('unpause')).status).toBe(204);
    expect((await act('stop')).status).toBe(204);
    expect(await engineState(WEB)).toBe('exited');
    expect((await act('start')).status).toBe(204);
    expect((await act('restart')).status).toBe(204);
    expect(await engineState(WEB)).toBe('running');
    expect((await act('kill')).status).toBe(400);

    await runBusybox('ssh-doomed', ['sleep', '3600']);
    const refused = await admin.delete<{ message: string }>(`${base}/ssh-doomed`);
    expect(refused.status).toBe(409);
    expect((await admin.delete(`${base}/ssh-doomed?force=true`)).status).toBe(204);
    expect(await runDocker(['ps', '-a', '--filter', 'name=ssh-doomed', '-q'])).toBe('');
    expect((await admin.post(`${base}/no-such-container/start`)).status).toBe(404);

    const rows = (await auditRows(admin)).filter((r) =>
      r.action.startsWith('docker-ssh.container'),
    );
    expect(rows.map((r) => [r.action, r.result])).toEqual(
      expect.arrayContaining([
        ['docker-ssh.container.pause', 'success'],
        ['docker-ssh.container.pause', 'failure'],
        ['docker-ssh.container.remove', 'success'],
        ['docker-ssh.container.start', 'failure'],
      ]),
    );
    expect(rows[0]?.target).toBe('docker-ssh:docker-box/no-such-container');
  });

  it('answers 404 for an unknown container and an unknown target', async () => {
    expect((await member.get(`${base}/nothing-here`)).status).toBe(404);
    const unknown = '/api/docker-ssh/targets/00000000-0000-4000-8000-000000000000/containers';
    expect((await member.get(unknown)).status).toBe(404);
  });

  it('serves concurrent requests over one pooled connection', async () => {
    const log = new SshdLog('target');
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) => member.get(i % 2 ? base : `${base}/${WEB}`)),
    );
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
    expect(log.count(ACCEPTED_LOGIN)).toBe(0); // the connection from earlier tests is reused
    // Commands run on at most 6 long-lived command shells, not one sshd session per request.
    expect(log.count(/server_input_channel_open: ctype session/)).toBeLessThanOrEqual(6);
  });

  it('shows the target in the aggregated host list with its status and count', async () => {
    const hosts = await member.get<ContainerHost[]>('/api/containers/hosts');
    const host = hosts.body.find((h) => h.hostId === target.id);
    const engineCount = (await runDocker(['ps', '-aq'])).split('\n').filter(Boolean).length;
    expect(host).toMatchObject({
      source: 'docker-ssh',
      name: 'docker-box',
      status: 'online',
      containerCount: engineCount,
      capabilities: ['inspect', 'stats', 'logs', 'manage', 'exec'],
    });
    expect(host?.lastSeenAt).toMatch(/^\d{4}-/);
  });

  describe('a hostile ref corpus', () => {
    let dir: string;
    let sentinel: string;

    beforeAll(() => {
      dir = mkdtempSync('/tmp/archnest-sentinel-');
      chmodSync(dir, 0o777);
      sentinel = join(dir, 'pwned');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const corpus = (): string[] => hostileRefs([`touch ${sentinel}`, `sh -c 'touch ${sentinel}'`]);

    it('refuses every hostile ref with 400 before any SSH connection is made', async () => {
      const fresh = await createTarget(admin, targetBody('fresh-box'));
      await pinTarget(admin, fresh.id);
      const routes = `/api/docker-ssh/targets/${fresh.id}/containers`;
      const log = new SshdLog('target');
      for (const ref of corpus()) {
        const path = `${routes}/${encodeURIComponent(ref)}`;
        const replies = await Promise.all([
          admin.get(path),
          admin.get(`${path}/logs`),
          admin.get(`${path}/stats`),
          admin.post(`${path}/start`),
          admin.delete(`${path}?force=true`),
        ]);
        // Fastify answers 414 for path parameters over 100 characters, before any route runs.
        const refused = ref.length > 100 ? 414 : 400;
        expect([ref, replies.map((r) => r.status)]).toEqual([ref, replies.map(() => refused)]);
      }
      expect(log.since()).not.toMatch(NEW_CONNECTION);
      expect(existsSync(sentinel)).toBe(false);
    });

    it('quotes valid refs so they only ever name a container', async () => {
      for (const ref of VALID_BUT_ABSENT_REFS) {
        const path = `${base}/${encodeURIComponent(ref)}`;
        const replies = await Promise.all([
          admin.get(path),
          admin.get(`${path}/logs`),
          admin.post(`${path}/stop`),
        ]);
        expect([ref, replies.map((r) => r.status)]).toEqual([ref, [404, 404, 404]]);
      }
      expect(existsSync(sentinel)).toBe(false);
    });
  });
});

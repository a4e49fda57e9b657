/**
 * Containers of a Docker TCP host, read and managed through the API against the real private
 * engine over TCP loopback with TLS: list, inspect, logs, stats, actions, refs, roles, audit.
 */
import type {
  ContainerDetail,
  ContainerLogs,
  ContainerStats,
  ContainerSummary,
} from '@archnest/contracts';
import { cpus } from 'node:os';
import { runDocker } from '../harness/docker-engine';
import { loadInfra } from '../harness/infra';
import { freePort } from '../harness/proc';
import {
  addHost,
  anyText,
  arrayContaining,
  objectContaining,
  textContaining,
  textMatching,
  auditRows,
  engineState,
  removeContainers,
  runContainer,
  unixUrl,
} from '../support/docker-tcp';
import { startTlsEngine, TlsEngine } from '../support/docker-tls';
import { Http, seedUsers } from '../support/http';
import { HOSTILE_REF_SEGMENTS } from '../support/injection-corpus';
import { startTestApp, TestApp } from '../support/test-app';

const SECRET = 'hunter2-db-secret';
const WEB = 'tcp-web';
const EXITED = 'tcp-exited';
const BUSY = 'tcp-busy';
const TTY = 'tcp-tty';
const NAMES = [WEB, EXITED, BUSY, TTY, 'tcp-created', 'tcp-doomed'];

describe('docker-tcp containers', () => {
  let engine: TlsEngine;
  let testApp: TestApp;
  let http: Http;
  let admin: Http;
  let member: Http;
  let base: string;
  let webId: string;

  beforeAll(async () => {
    engine = await startTlsEngine();
    await removeContainers(NAMES);
    webId = await runContainer(
      WEB,
      [
        '-e',
        `DB_PASSWORD=${SECRET}`,
        '-e',
        'PLAIN=visible',
        '-l',
        'app=web',
        '-p',
        '127.0.0.1::80',
      ],
      ['sh', '-c', 'echo line-one; echo line-two >&2; echo line-three; exec sleep 1000'],
    );
    await runContainer(EXITED, [], ['sh', '-c', 'echo bye; exit 3']);
    await runContainer(BUSY, [], ['sh', '-c', 'while :; do :; done']);
    await runContainer(TTY, ['-t'], ['sh', '-c', 'echo tty-line; exec sleep 1000']);
    await runDocker(['create', '--name', 'tcp-created', loadInfra().docker.image, 'true']);
    await runDocker(['wait', EXITED]);
  });
  afterAll(async () => {
    await removeContainers(NAMES);
    await engine.restore();
  });

  beforeEach(async () => {
    // Stats sampled on the spot; the background collector has its own file.
    testApp = await startTestApp({ ARCHNEST_DOCKER_STATS_INTERVAL_MS: '0' });
    http = new Http(testApp.app);
    const tokens = await seedUsers(http);
    admin = http.as(tokens.admin);
    member = http.as(tokens.member);
    const host = await addHost(admin, { name: 'lab', url: engine.url, tls: engine.tls });
    base = `/api/docker/hosts/${host.id}/containers`;
  });
  afterEach(() => testApp.close());

  it('lists containers in every state to members', async () => {
    const list = await member.get<ContainerSummary[]>(base);
    expect(list.status).toBe(200);
    const byName = new Map(list.body.map((c) => [c.name, c]));
    expect(byName.get(WEB)).toMatchObject({
      id: webId,
      image: 'archnest-test/busybox:1',
      state: 'running',
      status: textMatching(/^Up /),
      ports: arrayContaining([
        objectContaining({ hostIp: '127.0.0.1', containerPort: 80, proto: 'tcp' }),
      ]),
      stats: null,
    });
    expect(byName.get(EXITED)).toMatchObject({
      state: 'exited',
      status: textMatching(/^Exited \(3\)/),
    });
    expect(byName.get('tcp-created')?.state).toBe('created');
  });

  it('inspects by name, short id and full id, with env masked on the server', async () => {
    const byName = await member.get<ContainerDetail>(`${base}/${WEB}`);
    expect(byName.status).toBe(200);
    expect(byName.body).toMatchObject({
      id: webId,
      name: WEB,
      state: 'running',
      labels: { app: 'web' },
      command: `sh -c 'echo line-one; echo line-two >&2; echo line-three; exec sleep 1000'`,
      restartPolicy: 'no',
      health: 'none',
      exitCode: null,
      networks: [{ name: 'bridge', ip: textMatching(/^\d+\.\d+\.\d+\.\d+$/) }],
    });
    expect(byName.body.env).toEqual(
      arrayContaining([
        { key: 'DB_PASSWORD', value: '********' },
        { key: 'PLAIN', value: 'visible' },
      ]),
    );
    expect(byName.text).not.toContain(SECRET);
    expect((await member.get<ContainerDetail>(`${base}/${webId.slice(0, 12)}`)).body.id).toBe(
      webId,
    );
    expect((await member.get<ContainerDetail>(`${base}/${webId}`)).body.name).toBe(WEB);
    const exited = await member.get<ContainerDetail>(`${base}/${EXITED}`);
    expect(exited.body).toMatchObject({
      state: 'exited',
      exitCode: 3,
      finishedAt: anyText(),
    });
  });

  it('reads the log tail with timestamps, stdout and stderr apart', async () => {
    const logs = await member.get<ContainerLogs>(`${base}/${WEB}/logs?tail=10`);
    expect(logs.status).toBe(200);
    expect(logs.body.truncated).toBe(false);
    // stdout and stderr are separate pipes: each keeps its order, their interleaving may vary.
    const texts = (stream: string) =>
      logs.body.lines.filter((l) => l.stream === stream).map((l) => l.text);
    expect(texts('stdout')).toEqual(['line-one', 'line-three']);
    expect(texts('stderr')).toEqual(['line-two']);
    for (const line of logs.body.lines) {
      expect(Date.parse(line.timestamp ?? '')).toBeGreaterThan(Date.now() - 3_600_000);
    }
    const last = await member.get<ContainerLogs>(`${base}/${WEB}/logs?tail=1&timestamps=false`);
    const newest = logs.body.lines.at(-1);
    expect(last.body.lines).toEqual([
      { stream: newest?.stream, timestamp: null, text: newest?.text },
    ]);
    const tty = await member.get<ContainerLogs>(`${base}/${TTY}/logs`);
    expect(tty.body.lines.map((l) => [l.stream, l.text])).toEqual([['stdout', 'tty-line']]);
  });

  it.each(['0', '5001', 'abc', '1.5'])('answers 400 for tail=%s', async (tail) => {
    expect((await member.get(`${base}/${WEB}/logs?tail=${tail}`)).status).toBe(400);
  });

  it('computes CPU % from two samples, in line with docker stats on the same engine', async () => {
    // Measured side by side: this machine may be busy, so a busy loop gets what it gets.
    const sideBySide = async () => {
      const [stats, cli] = await Promise.all([
        member.get<ContainerStats>(`${base}/${BUSY}/stats`),
        runDocker(['stats', '--no-stream', '--format', '{{.CPUPerc}}', BUSY]),
      ]);
      expect(stats.status).toBe(200);
      const ours = stats.body.cpuPercent ?? 0;
      expect(ours).toBeGreaterThan(10);
      expect(ours).toBeLessThanOrEqual(cpus().length * 100 + 5);
      expect(ours / Number.parseFloat(cli)).toBeGreaterThan(0.5);
      expect(ours / Number.parseFloat(cli)).toBeLessThan(2);
      return stats.body;
    };
    const cold = await sideBySide();
    expect(cold.memUsage).toBeGreaterThan(0);
    expect(cold.memLimit).toBeGreaterThan(cold.memUsage ?? 0);
    expect(typeof cold.netRxBytes).toBe('number');
    // Again within 10 s: against the API's previous sample of the container.
    await sideBySide();
  });

  it('reports an idle container near 0 % and a stopped one as all nulls', async () => {
    const idle = await member.get<ContainerStats>(`${base}/${WEB}/stats`);
    expect(idle.body.cpuPercent).toBeLessThan(5);
    const stopped = await member.get<ContainerStats>(`${base}/${EXITED}/stats`);
    expect(stopped.body).toEqual({
      cpuPercent: null,
      memUsage: null,
      memLimit: null,
      netRxBytes: null,
      netTxBytes: null,
      blockReadBytes: null,
      blockWriteBytes: null,
    });
  });

  it('stops, starts, pauses, unpauses and restarts a container, auditing each', async () => {
    const act = (verb: string) => admin.post(`${base}/${WEB}/${verb}`);
    expect((await act('stop')).status).toBe(204);
    expect(await engineState(WEB)).toBe('exited');
    expect((await act('start')).status).toBe(204);
    expect(await engineState(WEB)).toBe('running');
    expect((await act('pause')).status).toBe(204);
    expect(await engineState(WEB)).toBe('paused');
    expect((await act('unpause')).status).toBe(204);
    expect(await engineState(WEB)).toBe('running');
    const before = (await runDocker(['inspect', '--format', '{{.State.StartedAt}}', WEB])).trim();
    expect((await act('restart')).status).toBe(204);
    expect((await runDocker(['inspect', '--format', '{{.State.StartedAt}}', WEB])).trim()).not.toBe(
      before,
    );

    const rows = (await auditRows(admin)).filter((r) =>
      r.action.startsWith('docker-tcp.container.'),
    );
    expect(rows.map((r) => [r.action, r.result, r.actor, r.target])).toEqual(
      ['restart', 'unpause', 'pause', 'start', 'stop'].map((verb) => [
        `docker-tcp.container.${verb}`,
        'success',
        'admin',
        `docker-tcp:lab/${WEB}`,
      ]),
    );
  });

  it("answers 409 with Docker's reason for a conflict, and audits the failure", async () => {
    const paused = await admin.post(`${base}/${EXITED}/pause`);
    expect(paused.status).toBe(409);
    expect(paused.body).toMatchObject({
      message: textMatching(/^Docker host "lab": .*is not running/),
    });
    expect((await auditRows(admin))[0]).toMatchObject({
      action: 'docker-tcp.container.pause',
      target: `docker-tcp:lab/${EXITED}`,
      result: 'failure',
      detail: textContaining('is not running'),
    });
  });

  it('treats stopping a stopped container as done, like the docker CLI', async () => {
    expect((await admin.post(`${base}/${EXITED}/stop`)).status).toBe(204);
    expect((await auditRows(admin))[0]).toMatchObject({
      result: 'success',
      detail: textContaining('no change: already in that state'),
    });
  });

  it('removes only with force while running', async () => {
    await runContainer('tcp-doomed', [], ['sleep', '1000']);
    const refused = await admin.delete(`${base}/tcp-doomed`);
    expect(refused.status).toBe(409);
    expect(await engineState('tcp-doomed')).toBe('running');
    expect((await admin.delete(`${base}/tcp-doomed?force=false`)).status).toBe(409);
    expect((await admin.delete(`${base}/tcp-doomed?force=yes`)).status).toBe(400);
    expect((await admin.delete(`${base}/tcp-doomed?force=true`)).status).toBe(204);
    expect((await admin.get(`${base}/tcp-doomed`)).status).toBe(404);
    expect((await auditRows(admin))[0]).toMatchObject({
      action: 'docker-tcp.container.remove',
      result: 'success',
      detail: textContaining('force=true'),
    });
  });

  it('answers 404 for an unknown container on every route, audited for actions', async () => {
    const ghost = `${base}/no-such-container`;
    for (const reply of [
      await member.get(ghost),
      await member.get(`${ghost}/logs`),
      await member.get(`${ghost}/stats`),
      await admin.post(`${ghost}/start`),
      await admin.delete(ghost),
    ]) {
      expect(reply.status).toBe(404);
      expect(reply.body).toMatchObject({ message: textContaining('No such container') });
    }
    expect((await auditRows(admin))[0]).toMatchObject({
      action: 'docker-tcp.container.remove',
      result: 'failure',
    });
  });

  it('forbids every mutating route to members: 403, nothing changes, nothing audited', async () => {
    for (const verb of ['stop', 'restart', 'pause']) {
      expect((await member.post(`${base}/${WEB}/${verb}`)).status).toBe(403);
    }
    expect((await member.post(`${base}/${EXITED}/start`)).status).toBe(403);
    expect((await member.post(`${base}/${WEB}/unpause`)).status).toBe(403);
    expect((await member.delete(`${base}/${WEB}?force=true`)).status).toBe(403);
    expect(await engineState(WEB)).toBe('running');
    expect(await engineState(EXITED)).toBe('exited');
    expect(
      (await auditRows(admin)).filter((r) => r.action.startsWith('docker-tcp.container.')),
    ).toEqual([]);
  });

  it('answers 400 for actions outside the whitelist', async () => {
    for (const verb of ['kill', 'exec', 'remove', 'rm']) {
      expect((await admin.post(`${base}/${WEB}/${verb}`)).status).toBe(400);
    }
    expect(await engineState(WEB)).toBe('running');
  });

  // Literal `..` segments never get here: URL parsing resolves them before routing.
  it('validates refs before any request: bad refs are 400 even for an engine that is down', async () => {
    const down = await addHost(
      admin,
      { name: 'down', url: `tcp://127.0.0.1:${await freePort()}` },
      false,
    );
    const downBase = `/api/docker/hosts/${down.id}/containers`;
    expect((await member.get(`${downBase}/${WEB}`)).status).toBe(502);
    for (const ref of HOSTILE_REF_SEGMENTS) {
      for (const reply of [
        await member.get(`${downBase}/${ref}`),
        await member.get(`${downBase}/${ref}/logs`),
        await member.get(`${downBase}/${ref}/stats`),
        await admin.post(`${downBase}/${ref}/stop`),
        await admin.delete(`${downBase}/${ref}`),
      ]) {
        expect([ref, reply.status]).toEqual([ref, 400]);
      }
    }
  });

  it('leaves overlong refs to the router (414 above 100 characters)', async () => {
    expect((await member.get(`${base}/${'x'.repeat(129)}`)).status).toBe(414);
  });

  it('reaches the same engine through its unix socket', async () => {
    const unix = await addHost(admin, { name: 'lab-unix', url: unixUrl() });
    const detail = await member.get<ContainerDetail>(
      `/api/docker/hosts/${unix.id}/containers/${WEB}`,
    );
    expect(detail.body.id).toBe(webId);
    const logs = await member.get<ContainerLogs>(
      `/api/docker/hosts/${unix.id}/containers/${WEB}/logs`,
    );
    expect(logs.body.lines.map((l) => l.text)).toContain('line-three');
  });
});

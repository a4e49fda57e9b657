/**
 * Faults of a Docker TCP host: the engine killed mid-suite and restarted, an engine that hangs,
 * and an endpoint that is not Docker at all. Readable 5xx within the deadline, other hosts
 * unaffected, and recovery without restarting the API.
 */
import { EXEC_CLOSE, type ContainerHost, type ContainerSummary } from '@archnest/contracts';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { startDockerd, stopDockerd } from '../harness/docker-engine';
import {
  addHost,
  auditRows,
  engineState,
  removeContainers,
  runContainer,
  timed,
  unixUrl,
} from '../support/docker-tcp';
import { startTlsEngine, TlsEngine } from '../support/docker-tls';
import { ExecClient, listen } from '../support/exec-client';
import { Http, seedUsers } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';

const NAME = 'tcp-fault';

/** Listens on loopback and returns the port; close() also drops held connections. */
async function serve(server: Server): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}

describe('docker-tcp faults', () => {
  let engine: TlsEngine;
  let testApp: TestApp;
  let admin: Http;
  let member: Http;
  let adminToken: string;

  beforeAll(async () => {
    engine = await startTlsEngine();
    await removeContainers([NAME]);
    await runContainer(NAME, [], ['sleep', '100000']);
  });
  afterAll(async () => {
    await removeContainers([NAME]);
    await engine.restore();
  });

  beforeEach(async () => {
    testApp = await startTestApp();
    const http = new Http(testApp.app);
    const tokens = await seedUsers(http);
    adminToken = tokens.admin;
    admin = http.as(tokens.admin);
    member = http.as(tokens.member);
  });
  afterEach(() => testApp.close());

  it('answers 502 while the engine is down, shows it unreachable, and recovers when it is back', async () => {
    const tls = await addHost(admin, { name: 'lab-tls', url: engine.url, tls: engine.tls });
    const unix = await addHost(admin, { name: 'lab-unix', url: unixUrl() });
    const wsUrl = await listen(testApp);
    await stopDockerd({ signal: 'SIGKILL' });
    try {
      const base = `/api/docker/hosts/${tls.id}/containers`;
      const { result: list, ms } = await timed(() => member.get(base));
      expect(list.status).toBe(502);
      expect(ms).toBeLessThan(10_000);
      expect(list.body).toMatchObject({
        message: 'Docker host "lab-tls" is unreachable: connection refused (ECONNREFUSED)',
      });
      for (const path of [`${base}/${NAME}`, `${base}/${NAME}/logs`, `${base}/${NAME}/stats`]) {
        expect((await member.get(path)).status).toBe(502);
      }
      const unixList = await member.get(`/api/docker/hosts/${unix.id}/containers`);
      expect(unixList.status).toBe(502);
      expect(unixList.body).toMatchObject({
        message: expect.stringMatching(/^Docker host "lab-unix" is unreachable: /) as string,
      });

      expect((await admin.post(`${base}/${NAME}/stop`)).status).toBe(502);
      expect((await auditRows(admin))[0]).toMatchObject({
        action: 'docker-tcp.container.stop',
        result: 'failure',
        detail: expect.stringContaining('connection refused') as string,
      });
      const hosts = await member.get<ContainerHost[]>('/api/containers/hosts');
      expect(hosts.body.map((h) => [h.name, h.status, h.containerCount])).toEqual([
        ['lab-tls', 'unreachable', null],
        ['lab-unix', 'unreachable', null],
      ]);
      expect(hosts.body[0]?.lastSeenAt).toBe(tls.lastSeenAt);
      expect((await admin.post(`/api/docker/hosts/${tls.id}/test`)).body).toMatchObject({
        ok: false,
      });

      const exec = await ExecClient.connect(wsUrl);
      exec.send({
        type: 'start',
        token: adminToken,
        hostId: tls.id,
        container: NAME,
        cols: 80,
        rows: 24,
      });
      expect((await exec.closed).code).toBe(EXEC_CLOSE.unreachable);
      expect(exec.find('error')?.message).toContain('is unreachable');
    } finally {
      await startDockerd();
    }

    const back = await member.get<ContainerSummary[]>(`/api/docker/hosts/${tls.id}/containers`);
    expect(back.status).toBe(200);
    expect(back.body.find((c) => c.name === NAME)?.state).toBe('running');
    expect((await member.get(`/api/docker/hosts/${unix.id}/containers/${NAME}`)).status).toBe(200);
    const hosts = await member.get<ContainerHost[]>('/api/containers/hosts');
    expect(hosts.body.map((h) => h.status)).toEqual(['online', 'online']);
    expect(await engineState(NAME)).toBe('running');
  });

  it('answers 504 for a hung engine after the 10 s deadline, without holding up other hosts', async () => {
    const hung = await serve(createServer());
    try {
      const stuck = await addHost(
        admin,
        { name: 'stuck', url: `tcp://127.0.0.1:${hung.port}` },
        false,
      );
      const real = await addHost(admin, { name: 'lab', url: unixUrl() });
      const slow = timed(() => member.get(`/api/docker/hosts/${stuck.id}/containers`));

      const { result: other, ms: otherMs } = await timed(() =>
        member.get(`/api/docker/hosts/${real.id}/containers`),
      );
      expect(other.status).toBe(200);
      expect(otherMs).toBeLessThan(3_000);
      const { result: hosts, ms: hostsMs } = await timed(() =>
        member.get<ContainerHost[]>('/api/containers/hosts'),
      );
      expect(hostsMs).toBeLessThan(6_000);
      expect(hosts.body.map((h) => [h.name, h.status])).toEqual([
        ['lab', 'online'],
        ['stuck', 'unreachable'],
      ]);

      const { result, ms } = await slow;
      expect(result.status).toBe(504);
      expect(result.body).toMatchObject({
        message: 'Docker host "stuck" did not answer within 10 s',
      });
      expect(ms).toBeGreaterThanOrEqual(9_500);
      expect(ms).toBeLessThan(12_000);
    } finally {
      await hung.close();
    }
  });

  it('says so when the endpoint answers HTTP but is not a Docker engine', async () => {
    const web = await serve(
      createHttpServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>hello</html>');
      }),
    );
    try {
      const url = `tcp://127.0.0.1:${web.port}`;
      const refused = await admin.post('/api/docker/hosts', { name: 'web', url });
      expect(refused.status).toBe(502);
      expect(refused.body).toMatchObject({
        message: expect.stringMatching(
          /^Docker host "web" is unreachable: the endpoint does not speak the Docker Engine API\./,
        ) as string,
      });
      const saved = await addHost(admin, { name: 'web', url }, false);
      const list = await member.get(`/api/docker/hosts/${saved.id}/containers`);
      expect(list.status).toBe(502);
      expect(list.body).toMatchObject({
        message:
          'Docker host "web" is unreachable: the endpoint does not speak the Docker Engine API',
      });
    } finally {
      await web.close();
    }
  });
});

/**
 * Several replicas on one PostgreSQL (issue 15, postgres project only): two built API processes
 * share the database and one Docker API host sampled every second. Only the holder of the
 * host's lease (metric_leases) asks the engine for stats: every engine request is traced to the
 * process that made it (the client socket's owner in /proc). Once the holder is killed
 * (SIGKILL, so its lease is never released) the other takes the host over once the lease has
 * run out (3 rounds, at least 10 s), not before, and new samples keep arriving.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Client } from 'pg';
import { loadInfra, testDatabaseKind } from '../harness/infra';
import { descendants, waitFor } from '../harness/proc';
import { call, seedUsersOver } from '../support/agent-load';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { removeContainers, runContainer } from '../support/docker-tcp';
import { createPostgresDatabase, type TestDatabase } from '../support/test-app';

const BOX = 'replica-box';
const INTERVAL_MS = 1_000;
/** SamplingLeases: a lease outlives 3 rounds, and at least 10 s. */
const LEASE_MS = Math.max(3 * INTERVAL_MS, 10_000);

/** Sockets of /proc/net/tcp as [local port, remote port, state, inode]. */
function tcpSockets(): [number, number, string, string][] {
  return readFileSync('/proc/net/tcp', 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const fields = line.trim().split(/\s+/);
      const port = (address: string) => parseInt(address.split(':')[1], 16);
      return [port(fields[1]), port(fields[2]), fields[3], fields[9]];
    });
}

/** Which of this jest process's descendants holds the socket `inode`, or 0. */
function ownerOf(inode: string | undefined): number {
  if (!inode) {
    return 0;
  }
  for (const pid of descendants([process.pid])) {
    try {
      const fds = readdirSync(`/proc/${pid}/fd`);
      if (fds.some((fd) => safeReadlink(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`)) {
        return pid;
      }
    } catch {
      // gone meanwhile
    }
  }
  return 0;
}

function safeReadlink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

/** The PID of the process listening on a loopback port (an API process started here). */
function listenerPid(port: number): number {
  const LISTEN = '0A';
  return ownerOf(tcpSockets().find(([local, , state]) => local === port && state === LISTEN)?.[3]);
}

interface EngineRequest {
  at: number;
  pid: number;
  line: string;
}

/** A loopback HTTP proxy to the private engine recording each request and which process sent it. */
class AttributingEngineProxy {
  readonly requests: EngineRequest[] = [];
  private readonly server: Server;
  private readonly owners = new WeakMap<Socket, number>();
  private port = 0;

  constructor(socketPath: string) {
    this.server = createServer((req, res) => {
      const pid = this.owners.get(req.socket) ?? 0;
      this.requests.push({ at: Date.now(), pid, line: `${req.method} ${req.url}` });
      const upstream = request(
        { socketPath, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    // The client's end of a new connection: local port = our remote port, remote = our port.
    this.server.on('connection', (socket: Socket) => {
      const client = tcpSockets().find(
        ([local, remote]) => local === socket.remotePort && remote === this.port,
      );
      this.owners.set(socket, ownerOf(client?.[3]));
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return `tcp://127.0.0.1:${this.port}`;
  }

  statsSince(index: number): EngineRequest[] {
    return this.requests.slice(index).filter(({ line }) => line.includes('/stats'));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const describePostgres = testDatabaseKind() === 'postgres' ? describe : describe.skip;

describePostgres('metrics history with two replicas on one PostgreSQL', () => {
  let database: TestDatabase;
  let pg: Client;
  let proxy: AttributingEngineProxy;
  let proxyUrl: string;
  const apis: ApiProcess[] = [];
  const pids: number[] = [];

  const sampleCount = async (sinceSeconds: number): Promise<number> => {
    const { rows } = await pg.query<{ n: string }>(
      'SELECT COUNT(*) AS n FROM metric_samples m JOIN metric_series s ON s.id = m.series_id ' +
        "WHERE s.source = 'docker-tcp' AND s.container = $1 AND m.t >= $2",
      [BOX, sinceSeconds],
    );
    return Number(rows[0].n);
  };
  const leases = async (hostId: string): Promise<{ holder: string; expiresAt: number }[]> => {
    const { rows } = await pg.query<{ holder: string; expires_at: string }>(
      "SELECT holder, expires_at FROM metric_leases WHERE source = 'docker-tcp' AND host_id = $1",
      [hostId],
    );
    return rows.map((row) => ({ holder: row.holder, expiresAt: Number(row.expires_at) }));
  };

  beforeAll(async () => {
    await removeContainers([BOX]);
    await runContainer(BOX, [], ['sleep', '3600']);
    proxy = new AttributingEngineProxy(loadInfra().docker.socketPath);
    proxyUrl = await proxy.listen();
    database = await createPostgresDatabase();
    pg = new Client({ connectionString: database.url });
    const env = {
      DATABASE_URL: database.url,
      ARCHNEST_JWT_SECRET: 'replicas-share-one-jwt-secret-0123456789',
      ARCHNEST_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
      ARCHNEST_DOCKER_STATS_INTERVAL_MS: String(INTERVAL_MS),
    };
    // One after the other: the first runs the migrations.
    for (let i = 0; i < 2; i++) {
      const api = await startApiProcess(env);
      apis.push(api);
      pids.push(listenerPid(Number(new URL(api.baseUrl).port)));
    }
    await pg.connect();
  });

  afterAll(async () => {
    for (const api of apis) {
      await api.stop();
    }
    await pg?.end();
    await database?.drop();
    await proxy?.close();
    await removeContainers([BOX]);
  });

  it('samples a host from one replica only, and hands it over when that replica dies', async () => {
    expect(pids.every((pid) => pid > 0) && pids[0] !== pids[1]).toBe(true);
    const { admin } = await seedUsersOver(apis[0].baseUrl);
    const added = await call<{ id: string }>(apis[0].baseUrl, 'POST', '/api/docker/hosts', {
      token: admin,
      body: { name: 'shared-engine', url: proxyUrl },
    });
    expect(added.status).toBe(201);
    const hostId = added.body.id;

    // Both replicas run a round every second; only the lease holder asks the engine.
    await waitFor('samples of the container', async () => (await sampleCount(0)) >= 2);
    const mark = proxy.requests.length;
    await waitFor('five rounds of stats requests', () => proxy.statsSince(mark).length >= 5);
    const sampledBy = new Set(proxy.requests.slice(mark).map(({ pid }) => pid));
    expect([...sampledBy]).toHaveLength(1);
    const [holderPid] = [...sampledBy];
    expect(pids).toContain(holderPid);
    expect(await leases(hostId)).toHaveLength(1);
    const survivorPid = pids.find((pid) => pid !== holderPid) ?? 0;
    // Control: the other replica's engine calls are traced to it (a stats request it serves).
    const control = proxy.requests.length;
    const survivor = apis[pids.indexOf(survivorPid)];
    const asked = await call(
      survivor.baseUrl,
      'GET',
      `/api/docker/hosts/${hostId}/containers/${BOX}/stats`,
      { token: admin },
    );
    expect(asked.status).toBe(200);
    expect(
      proxy.requests
        .slice(control)
        .some(({ pid, line }) => pid === survivorPid && line.includes(`/containers/${BOX}/`)),
    ).toBe(true);

    // SIGKILL: no shutdown hook releases the lease; the other replica waits for it to run out.
    const dying = apis[pids.indexOf(holderPid)];
    process.kill(holderPid, 'SIGKILL');
    expect(await dying.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const killedAt = Date.now();
    const [dead] = await leases(hostId);
    const afterKill = proxy.requests.length;
    await waitFor(
      'the other replica to take the host over',
      async () =>
        proxy.statsSince(afterKill).some(({ pid }) => pid === survivorPid) &&
        (await sampleCount(Math.ceil(killedAt / 1_000))) >= 2,
      3 * LEASE_MS,
    );
    const since = proxy.requests.slice(afterKill);
    const takenOver = since.findIndex(({ pid }) => pid === survivorPid);
    console.log(
      `replica ${survivorPid} asked the engine ${since[takenOver].at - killedAt} ms after ` +
        `replica ${holderPid} was killed (its lease ran out ${dead.expiresAt - killedAt} ms after)`,
    );
    // Not before the dead replica's lease ran out, and from then on only the survivor.
    expect(since[takenOver].at).toBeGreaterThanOrEqual(dead.expiresAt);
    expect(since.slice(takenOver).filter(({ pid }) => pid !== survivorPid)).toEqual([]);
    const now = await leases(hostId);
    expect(now).toHaveLength(1);
    expect(now[0].holder).not.toBe(dead.holder);
  }, 60_000);
});

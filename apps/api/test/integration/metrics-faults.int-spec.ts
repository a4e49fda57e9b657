/**
 * The metrics history when its database fails (issue 15), under the built API process: the
 * SQLite data dir on a full file system (sqlite project), PostgreSQL stopped (postgres project).
 * On a full disk the collector keeps sampling: recording pauses with one warning and resumes
 * with one recovery line, and the stats route keeps answering. With PostgreSQL down the collector
 * cannot list its hosts, so there is little or nothing to record (at most the round in flight);
 * either way samples are stored again once the database is back, and nothing crashes.
 */
import type { ContainerStats, MetricsHistory } from '@archnest/contracts';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadInfra, testDatabaseKind } from '../harness/infra';
import { startPostgres, stopPostgres } from '../harness/postgres';
import { run, waitFor } from '../harness/proc';
import { call, seedUsersOver } from '../support/agent-load';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { removeContainers, runContainer, unixUrl } from '../support/docker-tcp';
import { fillUp } from '../support/faults';

const CONTAINERS = ['metrics-fault-a', 'metrics-fault-b', 'metrics-fault-c'];
const PAUSED = 'Metrics history paused';
const RESUMED = 'Metrics history recording again';

const count = (text: string, needle: string): number => text.split(needle).length - 1;

describe('metrics history: its database fails and comes back', () => {
  let api: ApiProcess | undefined;
  let mountPoint: string | undefined;
  let postgresDown = false;
  let admin: string;
  let hostId: string;

  const history = async (name: string): Promise<MetricsHistory> =>
    (
      await call<MetricsHistory>(
        api!.baseUrl,
        'GET',
        `/api/containers/docker-tcp/${hostId}/${name}/metrics?range=1h`,
        { token: admin },
      )
    ).body;
  const sampledSteps = async (name: string): Promise<string[]> =>
    (await history(name)).points.filter((p) => p.cpuPercent !== null).map((p) => p.t);
  const stats = (name: string) =>
    call<ContainerStats>(
      api!.baseUrl,
      'GET',
      `/api/containers/docker-tcp/${hostId}/${name}/stats`,
      {
        token: admin,
      },
    );

  beforeAll(async () => {
    await removeContainers(CONTAINERS);
    for (const name of CONTAINERS) {
      await runContainer(name, [], ['sleep', '600']);
    }
    const env: NodeJS.ProcessEnv = { ARCHNEST_DOCKER_STATS_INTERVAL_MS: '1000' };
    if (testDatabaseKind() === 'sqlite') {
      // Under the harness's temp dir, so its teardown unmounts it if this file dies.
      mountPoint = mkdtempSync(join(loadInfra().tmpDir, 'metrics-full-'));
      await run('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', mountPoint]);
      mkdirSync(join(mountPoint, 'data'), { mode: 0o700 });
      env.ARCHNEST_DATA_DIR = join(mountPoint, 'data');
    }
    api = await startApiProcess(env);
    admin = (await seedUsersOver(api.baseUrl)).admin;
    const host = await call<{ id: string }>(api.baseUrl, 'POST', '/api/docker/hosts', {
      token: admin,
      body: { name: 'metrics-faults', url: unixUrl() },
    });
    expect(host.status).toBe(201);
    hostId = host.body.id;
    await waitFor('the first samples', async () => (await sampledSteps(CONTAINERS[0])).length > 0);
  }, 120_000);

  afterAll(async () => {
    if (postgresDown) {
      await startPostgres();
    }
    await api?.stop();
    if (mountPoint) {
      await run('umount', [mountPoint]).catch(() => undefined);
      rmSync(mountPoint, { recursive: true, force: true });
    }
    await removeContainers(CONTAINERS);
  });

  it('pauses with one warning, keeps serving stats, and resumes with one recovery line', async () => {
    const breakStorage = async (): Promise<() => Promise<void>> => {
      if (mountPoint) {
        const filler = fillUp(mountPoint);
        return () => Promise.resolve(rmSync(filler));
      }
      postgresDown = true;
      await stopPostgres();
      return async () => {
        await startPostgres();
        postgresDown = false;
      };
    };

    const repair = await breakStorage();
    try {
      if (mountPoint) {
        await waitFor('the pause warning', () => api!.output().includes(PAUSED), 60_000);
      }
      // Everything else keeps its behaviour: on a full disk the rounds go on and answer the
      // stats route; with PostgreSQL down a route that reads the database answers 503 anyway.
      const during = await stats(CONTAINERS[0]);
      if (mountPoint) {
        expect(during.status).toBe(200);
        expect(during.body.memUsage).toEqual(expect.any(Number));
      } else {
        expect([200, 503]).toContain(during.status);
      }
      // Several more ticks fail without another warning.
      await new Promise((done) => setTimeout(done, 3_000));
    } finally {
      await repair();
    }

    const paused = count(api!.output(), PAUSED);
    if (mountPoint || paused > 0) {
      await waitFor('the recovery line', () => api!.output().includes(RESUMED), 60_000);
      expect(api!.output()).toMatch(/Metrics history recording again \(\d+ samples were dropped\)/);
    }
    const output = api!.output();
    expect(count(output, PAUSED)).toBe(mountPoint ? 1 : paused);
    expect(count(output, RESUMED)).toBe(count(output, PAUSED));
    expect(count(output, PAUSED)).toBeLessThanOrEqual(1);
    expect(output).not.toMatch(/Unhandled error|API exited/);

    // Recorded again: new steps appear for every container after the recovery.
    const before = new Map(
      await Promise.all(CONTAINERS.map(async (name) => [name, await sampledSteps(name)] as const)),
    );
    await waitFor(
      'samples after the recovery',
      async () => {
        for (const name of CONTAINERS) {
          const steps = await sampledSteps(name);
          if (
            steps.at(-1) === before.get(name)!.at(-1) &&
            steps.length <= before.get(name)!.length
          ) {
            return false;
          }
        }
        return true;
      },
      60_000,
    );
  }, 180_000);
});

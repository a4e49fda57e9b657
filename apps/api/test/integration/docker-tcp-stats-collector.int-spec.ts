/**
 * The background stats collector of the docker-tcp source, against the harness's real dockerd
 * behind a recording proxy: a stats request is answered from the collector's last round (the
 * engine sees an inspect, no stats request), CPU % comes from the window between rounds, a
 * container restarted since the round is sampled again, and a stopped one needs no sample.
 */
import type { ContainerStats } from '@archnest/contracts';
import { EMPTY_STATS } from '../../src/container-sources/docker-tcp/stats';
import { DockerTcpStatsCollector } from '../../src/container-sources/docker-tcp/stats-collector';
import { runDocker } from '../harness/docker-engine';
import { loadInfra } from '../harness/infra';
import { CPU_WINDOW_MIN_MS } from '../../src/container-sources/docker-tcp/previous-samples';
import { sleep, waitFor } from '../harness/proc';
import { addHost, removeContainers, runContainer } from '../support/docker-tcp';
import { RecordingEngineProxy } from '../support/engine-proxy';
import { Http, seedUsers } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';

const BUSY = 'col-busy';
const IDLE = 'col-idle';
/**
 * The longest interval: besides the round when the host is added and those the tests start,
 * the next timer round comes 20 s after start, later than the tests that count engine calls.
 */
const INTERVAL_MS = '20000';

describe('docker-tcp stats collector', () => {
  let proxy: RecordingEngineProxy;
  let testApp: TestApp;
  let admin: Http;
  let collector: DockerTcpStatsCollector;
  let hostId: string;
  let base: string;
  let busyId: string;
  let idleId: string;

  const statsOf = async (ref: string): Promise<ContainerStats> => {
    const reply = await admin.get<ContainerStats>(`${base}/${ref}/stats`);
    expect(reply.status).toBe(200);
    return reply.body;
  };
  /** What the engine was asked while `work` ran. */
  const engineRequestsDuring = async (work: () => Promise<unknown>): Promise<string[]> => {
    const mark = proxy.requests.length;
    await work();
    return proxy.requests.slice(mark);
  };

  beforeAll(async () => {
    await removeContainers([BUSY, IDLE]);
    busyId = await runContainer(BUSY, [], ['sh', '-c', 'while :; do :; done']);
    idleId = await runContainer(IDLE, [], ['sleep', '3600']);
    proxy = new RecordingEngineProxy(loadInfra().docker.socketPath);
    const proxyUrl = await proxy.listen();
    testApp = await startTestApp({ ARCHNEST_DOCKER_STATS_INTERVAL_MS: INTERVAL_MS });
    const http = new Http(testApp.app);
    admin = http.as((await seedUsers(http)).admin);
    collector = testApp.app.get(DockerTcpStatsCollector);
    hostId = (await addHost(admin, { name: 'collected', url: proxyUrl })).id;
    base = `/api/docker/hosts/${hostId}/containers`;
    await waitFor('the round started by adding the host', () =>
      [busyId, idleId].every((id) => collector.find(hostId, id) !== null),
    );
  });

  afterAll(async () => {
    await testApp?.close();
    await proxy?.close();
    await removeContainers([BUSY, IDLE]);
  });

  it('answers from the last round: the engine sees an inspect, no stats request', async () => {
    for (const ref of [BUSY, busyId.slice(0, 12)]) {
      let stats: ContainerStats | undefined;
      const seen = await engineRequestsDuring(async () => (stats = await statsOf(ref)));
      expect(seen).toEqual([expect.stringMatching(new RegExp(`^GET .*/containers/${ref}/json`))]);
      expect(stats?.cpuPercent).toBeGreaterThan(10);
      expect(stats?.memUsage).toBeGreaterThan(0);
    }
  });

  it('takes one sample per running container a round and computes CPU % between rounds', async () => {
    await sleep(CPU_WINDOW_MIN_MS); // the shortest fair window after the last round
    const seen = await engineRequestsDuring(() => collector.collect());
    for (const id of [busyId, idleId]) {
      expect(seen.filter((line) => line.includes(`/containers/${id}/stats`))).toHaveLength(1);
    }
    expect((await statsOf(BUSY)).cpuPercent).toBeGreaterThan(10);
    expect((await statsOf(IDLE)).cpuPercent).toBeLessThan(5);
  });

  it('samples again a container restarted since the round', async () => {
    await runDocker(['restart', '--time', '1', BUSY]);
    const seen = await engineRequestsDuring(() => statsOf(BUSY));
    expect(seen.some((line) => line.includes(`/containers/${BUSY}/stats`))).toBe(true);
  });

  it('answers all nulls for a stopped container from its inspect alone', async () => {
    await runDocker(['stop', '--time', '1', IDLE]);
    let stopped: ContainerStats | undefined;
    const seen = await engineRequestsDuring(async () => (stopped = await statsOf(IDLE)));
    // Only this container's calls: a timer round in the window lists and samples running ones.
    const aboutIdle = seen.filter((line) => line.includes(IDLE) || line.includes(idleId));
    expect(aboutIdle).toEqual([
      expect.stringMatching(new RegExp(`^GET .*/containers/${IDLE}/json`)),
    ]);
    expect(stopped).toEqual(EMPTY_STATS);
  });

  it('forgets a host once it is removed', async () => {
    expect((await admin.delete(`/api/docker/hosts/${hostId}`)).status).toBe(204);
    expect(collector.find(hostId, busyId)).toBeNull();
  });
});

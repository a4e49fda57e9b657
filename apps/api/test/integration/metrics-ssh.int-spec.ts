/**
 * The SSH feed of the metrics history, over the harness's real sshd and the private engine: the
 * background sampler's `docker stats` rounds (every second here) give a busy-loop container a
 * CPU series that keeps growing, the target's host series counts it as running, and the
 * Prometheus export labels it with the image the same round's `docker ps` gave.
 */
import type { HostMetricsHistory, MetricsHistory } from '@archnest/contracts';
import { loadInfra } from '../harness/infra';
import { waitFor } from '../harness/proc';
import {
  createTarget,
  pinTarget,
  removeContainers,
  runBusybox,
  targetBody,
  type TargetBody,
} from '../support/docker-ssh';
import { Http, seedUsers } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';

const BUSY = 'ssh-metrics-busy';
const SCRAPE_TOKEN = 'ssh-metrics-scrape-token';
/** A new 15 s step of the 1 h range has to come; a round itself takes about 2 s. */
const GROWTH_TIMEOUT_MS = 45_000;

jest.setTimeout(120_000);

describe('metrics history of an SSH target', () => {
  let testApp: TestApp;
  let member: Http;
  let target: TargetBody;

  const busyPoints = async (): Promise<number> => {
    const reply = await member.get<MetricsHistory>(
      `/api/containers/docker-ssh/${target.id}/${BUSY}/metrics?range=1h`,
    );
    expect(reply.status).toBe(200);
    return reply.body.points.filter((point) => (point.cpuPercent ?? 0) > 5).length;
  };

  beforeAll(async () => {
    await removeContainers([BUSY]);
    await runBusybox(BUSY, ['sh', '-c', 'while :; do :; done'], ['--cpus', '0.5']);
    testApp = await startTestApp({
      ARCHNEST_SSH_STATS_INTERVAL_MS: '1000',
      ARCHNEST_METRICS_TOKEN: SCRAPE_TOKEN,
    });
    const http = new Http(testApp.app);
    const tokens = await seedUsers(http);
    member = http.as(tokens.member);
    const admin = http.as(tokens.admin);
    target = await createTarget(admin, targetBody('metrics-box'));
    await pinTarget(admin, target.id);
  });

  afterAll(async () => {
    await testApp?.close();
    await removeContainers([BUSY]);
  });

  it("records a busy container's CPU by name, and the series keeps growing", async () => {
    let first = 0;
    await waitFor(
      'a point of the busy container above 5 % CPU',
      async () => (first = await busyPoints()) > 0,
      GROWTH_TIMEOUT_MS,
    );
    await waitFor('a further point', async () => (await busyPoints()) > first, GROWTH_TIMEOUT_MS);
  });

  it('counts the busy container as running on the host series', async () => {
    const reply = await member.get<HostMetricsHistory>(
      `/api/containers/hosts/docker-ssh/${target.id}/metrics`,
    );
    expect(reply.status).toBe(200);
    const sampled = reply.body.points.filter((point) => point.running !== null);
    expect(Math.max(...sampled.map((point) => point.running ?? 0))).toBeGreaterThanOrEqual(1);
    expect(Math.max(...sampled.map((point) => point.cpuPercent ?? 0))).toBeGreaterThan(5);
  });

  it('labels the series with the image docker ps gave in the same round', async () => {
    const scrape = await new Http(testApp.app).as(SCRAPE_TOKEN).get<string>('/api/metrics');
    expect(scrape.status).toBe(200);
    const labels = `source="docker-ssh",host="${target.id}",container="${BUSY}"`;
    expect(scrape.text).toContain(`${labels},image="${loadInfra().docker.image}"`);
  });
});

/**
 * The metrics history (issue 15) against the real parts, on SQLite and PostgreSQL: a busy-loop
 * container on a Docker API host (the harness's dockerd, sampled every second) grows a CPU
 * series; agent reports become points with per-second rates, a counter that went down gives no
 * negative rate; a container recreated under its name keeps its series; rows written days in
 * the past are folded into the rollups by MetricsMaintenance.run(now), answered from them for
 * 7 d and 30 d, and pruned past their retention; bad windows are 400s naming the field.
 */
import type {
  AgentContainer,
  AgentContainerStats,
  HostMetricsHistory,
  MetricsHistory,
  MetricsPoint,
} from '@archnest/contracts';
import { DataSource } from 'typeorm';
import { MetricsMaintenance } from '../../src/metrics/metrics-maintenance';
import { testDatabaseKind } from '../harness/infra';
import { waitFor } from '../harness/proc';
import { agentContainer, agentReport } from '../support/agent-report-fixture';
import { addHost, removeContainers, runContainer, unixUrl } from '../support/docker-tcp';
import { Http, seedUsers } from '../support/http';
import { startTestApp, type TestApp } from '../support/test-app';

const AGENT_TOKEN = 'metrics-history-agent-token-0123';
const BUSY = 'metrics-busy';
const BUSY_ARGS = ['--cpus', '0.5'];
const BUSY_LOOP = ['sh', '-c', 'while :; do :; done'];
const MiB = 1024 * 1024;
const HOUR = 3_600;
const DAY = 86_400;

const iso = (epochSeconds: number): string => new Date(epochSeconds * 1_000).toISOString();
const epoch = (time: string): number => Math.floor(Date.parse(time) / 1_000);
const nowSeconds = (): number => Math.floor(Date.now() / 1_000);
const RATES = [
  'netRxBytesPerSec',
  'netTxBytesPerSec',
  'blockReadBytesPerSec',
  'blockWriteBytesPerSec',
] as const;

describe('metrics history', () => {
  let testApp: TestApp;
  let db: DataSource;
  let admin: Http;
  let member: Http;
  let agent: Http;
  let hostId: string;

  /** SQL written with `?` placeholders, numbered for PostgreSQL. */
  const query = <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
    let index = 0;
    const text = testDatabaseKind() === 'postgres' ? sql.replace(/\?/g, () => `$${++index}`) : sql;
    return db.query<T[]>(text, params);
  };
  const count = async (sql: string, params: unknown[] = []): Promise<number> =>
    Number((await query<{ n: unknown }>(sql, params))[0].n);
  const seriesIdOf = async (source: string, host: string, container: string) => {
    const rows = await query<{ id: unknown }>(
      'SELECT id FROM metric_series WHERE source = ? AND host_id = ? AND container = ?',
      [source, host, container],
    );
    return rows.length === 1 ? Number(rows[0].id) : null;
  };
  const history = async (path: string): Promise<MetricsHistory> => {
    const reply = await member.get<MetricsHistory>(path);
    if (reply.status !== 200) {
      throw new Error(`GET ${path}: ${reply.status} ${reply.text}`);
    }
    return reply.body;
  };
  const pointAt = (answer: MetricsHistory, t: number): MetricsPoint | undefined =>
    answer.points.find((point) => epoch(point.t) === t);
  const report = (hostname: string, at: number, containers: AgentContainer[]) =>
    agent.post('/api/agents/docker/report', {
      ...agentReport({ hostId: hostname, hostname }, 0),
      reportedAt: iso(at),
      containers,
    });

  beforeAll(async () => {
    await removeContainers([BUSY]);
    await runContainer(BUSY, BUSY_ARGS, BUSY_LOOP);
    testApp = await startTestApp({
      ARCHNEST_AGENT_TOKEN: AGENT_TOKEN,
      ARCHNEST_DOCKER_STATS_INTERVAL_MS: '1000',
    });
    db = testApp.app.get(DataSource);
    const http = new Http(testApp.app);
    const tokens = await seedUsers(http);
    admin = http.as(tokens.admin);
    member = http.as(tokens.member);
    agent = http.as(AGENT_TOKEN);
    // The busy container is sampled from here on, while the other tests run.
    hostId = (await addHost(admin, { name: 'metrics-history', url: unixUrl() })).id;
  });

  afterAll(async () => {
    await testApp?.close();
    await removeContainers([BUSY]);
  });

  it('refuses a bad window with a 400 naming the field, an unknown host with a 404, and no token with a 401', async () => {
    await report('bad-input', nowSeconds(), [agentContainer({ name: 'web' })]);
    const base = '/api/containers/agent/bad-input/web/metrics';
    const now = nowSeconds();
    const cases: [string, RegExp][] = [
      ['?range=2h', /^range must be one of 1h, 6h, 24h, 7d, 30d/],
      [`?from=${iso(now)}&to=${iso(now - HOUR)}`, /^from must be before to/],
      ['?from=garbage', /^from must be an ISO 8601 time/],
      [`?from=${iso(now - HOUR)}&to=yesterday`, /^to must be an ISO 8601 time/],
    ];
    for (const path of [base, '/api/containers/hosts/agent/bad-input/metrics']) {
      for (const [window, message] of cases) {
        const reply = await member.get<{ message: unknown }>(`${path}${window}`);
        expect([window, reply.status, String(reply.body.message)]).toEqual([
          window,
          400,
          expect.stringMatching(message),
        ]);
      }
    }
    const unknown = [
      '/api/containers/agent/no-such-host/web/metrics',
      '/api/containers/hosts/agent/no-such-host/metrics',
      `/api/containers/docker-tcp/${hostId}x/${BUSY}/metrics`,
      '/api/containers/agent/bad-input/no-such-container/metrics',
    ];
    for (const path of unknown) {
      expect([path, (await member.get(path)).status]).toEqual([path, 404]);
    }
    // A member reads both routes; nobody without a token does.
    expect((await member.get(`${base}?range=24h`)).status).toBe(200);
    expect((await member.get('/api/containers/hosts/agent/bad-input/metrics')).status).toBe(200);
    expect((await new Http(testApp.app).get(base)).status).toBe(401);
  });

  it('turns agent counters into per-second rates, and a counter that went down into a new segment', async () => {
    // Reports dated 10 minutes back, 10 s apart: net rx +500 B/s, tx +250, block read +100,
    // write +50. At +60 the container restarted (every counter went down), then rises again.
    const base = Math.floor((nowSeconds() - 600) / 60) * 60;
    const stats = (rx: number, tx: number, read: number, write: number): AgentContainerStats => ({
      cpuPercent: 12.5,
      memUsage: 64 * MiB,
      memLimit: 256 * MiB,
      netRxBytes: rx,
      netTxBytes: tx,
      blockReadBytes: read,
      blockWriteBytes: write,
    });
    const before = [0, 10, 20, 30, 40, 50].map(
      (s) =>
        [s, stats(10_000 + 500 * s, 5_000 + 250 * s, 9_000 + 100 * s, 4_000 + 50 * s)] as const,
    );
    const restarted = [
      [60, stats(300, 200, 100, 50)],
      [75, stats(300 + 500 * 15, 200 + 250 * 15, 100 + 100 * 15, 50 + 50 * 15)],
    ] as const;
    const app = agentContainer({ name: 'counter-app' });
    for (const [offset, figures] of [...before, ...restarted]) {
      const reply = await report('agent-rates', base + offset, [{ ...app, stats: figures }]);
      expect(reply.status).toBe(200);
    }

    const path = `/api/containers/agent/agent-rates/counter-app/metrics?from=${iso(base)}&to=${iso(base + 90)}`;
    let answer!: MetricsHistory;
    await waitFor('the reports to be written', async () => {
      answer = await history(path);
      return answer.points.filter((point) => point.cpuPercent !== null).length === 6;
    });
    expect([answer.range, answer.step, answer.from, answer.to]).toEqual([
      'custom',
      15,
      iso(base),
      iso(base + 90),
    ]);
    const rising = { netRxBytesPerSec: 500, netTxBytesPerSec: 250 };
    const blocks = { blockReadBytesPerSec: 100, blockWriteBytesPerSec: 50 };
    const figures = { cpuPercent: 12.5, memUsage: 64 * MiB, memLimit: 256 * MiB };
    const noRates = Object.fromEntries(RATES.map((rate) => [rate, null]));
    expect(answer.points).toEqual(
      [0, 15, 30, 45, 60, 75].map((offset) => ({
        t: iso(base + offset),
        ...figures,
        // The sample after the restart opens a new segment: no rate, never a negative one.
        ...(offset === 60 ? noRates : { ...rising, ...blocks }),
      })),
    );
    for (const point of answer.points) {
      for (const rate of RATES) {
        expect(point[rate] === null || point[rate] >= 0).toBe(true);
      }
    }

    // The host route sums the host's containers and counts the running ones.
    const host = await member.get<HostMetricsHistory>(
      `/api/containers/hosts/agent/agent-rates/metrics?from=${iso(base)}&to=${iso(base + 90)}`,
    );
    expect(host.body.points.map((point) => [point.cpuPercent, point.running])).toEqual(
      Array.from({ length: 6 }, () => [12.5, 1]),
    );
  });

  it('answers 7 d and 30 d from rollups folded by the maintenance, and prunes rows past retention', async () => {
    await report('past-host', nowSeconds(), [agentContainer({ name: 'archive' })]);
    await waitFor('the series to be created', async () => {
      return (await seriesIdOf('agent', 'past-host', 'archive')) !== null;
    });
    const series = Number(await seriesIdOf('agent', 'past-host', 'archive'));
    const now = nowSeconds();
    const hourAgo = (seconds: number) => Math.floor((now - seconds) / HOUR) * HOUR;
    // One hour of raw samples 3 days back (older than the 24 h of raw), 10 s apart: CPU 40 %,
    // network +200/+100 B/s, block IO +50/+25 B/s; and a few 2 h back, within the raw retention.
    const t0 = hourAgo(3 * DAY);
    const raw = Array.from({ length: 360 }, (_, k) => {
      const s = 10 * k;
      return [t0 + s, 40, 100 * MiB, 512 * MiB, 1e6 + 200 * s, 2e6 + 100 * s, 50 * s, 25 * s];
    });
    const recent = [0, 10, 20].map((s) => [now - 2 * HOUR + s, 5, MiB, 512 * MiB, s, s, s, s]);
    const samples = [...raw, ...recent];
    for (let i = 0; i < samples.length; i += 100) {
      const rows = samples.slice(i, i + 100);
      await query(
        'INSERT INTO metric_samples (series_id, t, cpu, mem, mem_limit, net_rx, net_tx, blk_r, blk_w) VALUES ' +
          rows.map((row) => `(${[series, ...row].join(', ')})`).join(', '),
      );
    }
    // Rollups as older runs left them: each tier past its retention (1 min: 7 d, 15 min: 90 d,
    // 1 h: 365 d) and one 1-hour bucket within it. Rates in rollups are per second already.
    const rollup = (tier: number, t: number, cpu: number) =>
      `(${[tier, series, t, 60, cpu, cpu, MiB, MiB, 512 * MiB, 7, 7, 7, 7].join(', ')})`;
    const expired = { 60: hourAgo(10 * DAY), 900: hourAgo(100 * DAY), 3600: hourAgo(400 * DAY) };
    const kept = hourAgo(200 * DAY);
    // The app's own maintenance tick may already have folded the live samples: start over, as
    // a database holding only these rows would.
    await query('DELETE FROM metric_rollups');
    await query(
      'INSERT INTO metric_rollups (tier, series_id, t, samples, cpu, cpu_max, mem, mem_max, ' +
        'mem_limit, net_rx, net_tx, blk_r, blk_w) VALUES ' +
        [
          rollup(60, expired[60], 11),
          rollup(900, expired[900], 22),
          rollup(3600, expired[3600], 33),
          rollup(3600, kept, 44),
        ].join(', '),
    );
    const container = '/api/containers/agent/past-host/archive/metrics';
    const threeHours = (from: number) =>
      `${container}?from=${iso(from)}&to=${iso(from + 3 * HOUR)}`;
    // Before the pass: the 400-day bucket is read (no tier reaches that far, the hourly one
    // answers), so its absence afterwards is the pruning.
    expect(pointAt(await history(threeHours(expired[3600])), expired[3600])?.cpuPercent).toBe(33);

    await testApp.app.get(MetricsMaintenance).run(now);

    // Pruned: raw older than 24 h, and each rollup tier past its retention.
    expect(await count('SELECT COUNT(*) AS n FROM metric_samples WHERE t < ?', [now - DAY])).toBe(
      0,
    );
    expect(
      await count('SELECT COUNT(*) AS n FROM metric_samples WHERE series_id = ? AND t >= ?', [
        series,
        now - DAY,
      ]),
    ).toBeGreaterThanOrEqual(recent.length);
    for (const [tier, t] of Object.entries(expired)) {
      const left = await count(
        'SELECT COUNT(*) AS n FROM metric_rollups WHERE tier = ? AND series_id = ? AND t <= ?',
        [Number(tier), series, t],
      );
      expect([tier, left]).toEqual([tier, 0]);
    }
    const past = { cpuPercent: 40, memUsage: 100 * MiB, memLimit: 512 * MiB };
    const pastRates = {
      netRxBytesPerSec: 200,
      netTxBytesPerSec: 100,
      blockReadBytesPerSec: 50,
      blockWriteBytesPerSec: 25,
    };
    const expectPast = (point: MetricsPoint | undefined) => {
      expect(point).toBeDefined();
      for (const [field, value] of Object.entries({ ...past, ...pastRates })) {
        expect([field, point?.[field as keyof typeof past]]).toEqual([
          field,
          expect.closeTo(value, 6),
        ]);
      }
    };

    // 3 days back, the raw samples are gone: 1-minute buckets (a 1 h window), 15-minute ones
    // (7 d), 1-hour ones (30 d) answer with what they held.
    const minutes = await history(`${container}?from=${iso(t0)}&to=${iso(t0 + HOUR)}`);
    expect(minutes.step).toBe(60);
    expect(minutes.points).toHaveLength(60);
    minutes.points.forEach(expectPast);

    const week = await history(`${container}?range=7d`);
    expect([week.range, week.step]).toEqual(['7d', 900]);
    expect(week.points.length).toBeLessThanOrEqual(1_001);
    [0, 900, 1_800, 2_700].forEach((offset) => expectPast(pointAt(week, t0 + offset)));
    expect(pointAt(week, t0 - 900)?.cpuPercent).toBeNull();
    expect(pointAt(week, t0 + HOUR)?.cpuPercent).toBeNull();

    const month = await history(`${container}?range=30d`);
    expect([month.range, month.step]).toEqual(['30d', 3_600]);
    expect(month.points.length).toBeLessThanOrEqual(1_001);
    expectPast(pointAt(month, t0));
    expect(pointAt(month, t0 - HOUR)?.cpuPercent).toBeNull();

    // Older windows come from the hourly tier: the kept bucket, the 15-minute one folded into
    // it before its own pruning, and nothing where the expired hourly bucket was.
    const kept200 = await history(threeHours(kept));
    expect([kept200.step, pointAt(kept200, kept)?.cpuPercent]).toEqual([3_600, 44]);
    expect(pointAt(await history(threeHours(expired[900])), expired[900])?.cpuPercent).toBe(22);
    expect(pointAt(await history(threeHours(expired[3600])), expired[3600])?.cpuPercent).toBeNull();
  });

  it('grows the CPU series of a busy-loop container on a Docker API host', async () => {
    const path = `/api/containers/docker-tcp/${hostId}/${BUSY}/metrics?range=1h`;
    let busy: MetricsPoint[] = [];
    await waitFor(
      'two steps of the busy container with CPU above 5 %',
      async () => {
        const answer = await history(path);
        expect([answer.range, answer.step]).toEqual(['1h', 15]);
        busy = answer.points.filter((point) => (point.cpuPercent ?? 0) > 5);
        return busy.length >= 2;
      },
      45_000,
    );
    expect(busy[0]?.memUsage).toBeGreaterThan(0);
    expect(busy[0]?.memLimit).toBeGreaterThan(0);
    const host = await member.get<HostMetricsHistory>(
      `/api/containers/hosts/docker-tcp/${hostId}/metrics?range=1h`,
    );
    expect(host.status).toBe(200);
    const sampled = host.body.points.filter((point) => (point.running ?? 0) >= 1);
    expect(sampled.length).toBeGreaterThanOrEqual(2);
    expect(sampled.some((point) => (point.cpuPercent ?? 0) > 5)).toBe(true);
  });

  it('keeps the series of a container recreated under the same name', async () => {
    const series = await seriesIdOf('docker-tcp', hostId, BUSY);
    expect(series).not.toBeNull();
    await removeContainers([BUSY]);
    const recreatedAt = nowSeconds();
    const newId = await runContainer(BUSY, BUSY_ARGS, BUSY_LOOP);
    await waitFor('samples of the recreated container', async () => {
      const after = await count(
        'SELECT COUNT(*) AS n FROM metric_samples WHERE series_id = ? AND t > ?',
        [series, recreatedAt + 2],
      );
      return after >= 2;
    });
    expect(await seriesIdOf('docker-tcp', hostId, BUSY)).toBe(series);
    // Asked by the new container's id, the answer holds the old container's history too.
    const answer = await history(
      `/api/containers/docker-tcp/${hostId}/${newId.slice(0, 12)}/metrics?range=1h`,
    );
    const old = answer.points.filter(
      (point) => point.cpuPercent !== null && epoch(point.t) + answer.step <= recreatedAt,
    );
    expect(old.length).toBeGreaterThanOrEqual(1);
  });
});

import { DataSource } from 'typeorm';
import { MetricsHistory1764604800000 } from '../database/migrations/1764604800000-metrics-history';
import { MetricsMaintenance } from './metrics-maintenance';
import type { MetricsRecorder } from './metrics-recorder';
import { MetricsStore, type SampleRow, type SeriesKey, seriesKey } from './metrics.store';
import { metricsWindow, type Retention } from './metrics-window';
import type { SamplingLeases } from './sampling-leases';

/** The store and maintenance on a real (in-memory) SQLite database made by the migration. */
const DAY = 86_400;
const retention: Retention = { raw: DAY, 60: 7 * DAY, 900: 90 * DAY, 3600: 365 * DAY };
const now = Date.parse('2026-12-07T12:00:00Z') / 1_000;

let db: DataSource;
let store: MetricsStore;

beforeEach(async () => {
  db = await new DataSource({
    type: 'sqlite',
    database: ':memory:',
    migrations: [MetricsHistory1764604800000],
  }).initialize();
  await db.runMigrations();
  store = new MetricsStore(db);
});

afterEach(() => db.destroy());

async function ensure(key: SeriesKey, image: string): Promise<number> {
  return (await store.ensureSeries([{ ...key, image }])).get(seriesKey(key))!;
}

function sample(seriesId: number, t: number, counters: number, cpu = 10): SampleRow {
  return {
    seriesId,
    t,
    cpu,
    mem: 1_000,
    memLimit: 4_000,
    netRx: counters,
    netTx: counters * 2,
    blkR: counters,
    blkW: 0,
  };
}

const web = { source: 'docker-tcp', hostId: 'h1', container: 'web' };
const db2 = { source: 'docker-tcp', hostId: 'h1', container: 'db' };

describe('MetricsStore.history', () => {
  it('turns counters into per-second rates and averages each step', async () => {
    const id = await ensure(web, 'nginx');
    await store.insertSamples([sample(id, now - 30, 0, 10), sample(id, now - 20, 1_000, 30)]);
    const window = metricsWindow({ range: '1h' }, now, retention);
    const rows = await store.history({ seriesId: id }, window);
    expect(rows).toEqual([
      expect.objectContaining({ cpu: 20, mem: 1_000, netRx: 100, netTx: 200, blkR: 100, blkW: 0 }),
    ]);
  });

  it('starts a new segment when a counter goes down (a restart): no negative rate', async () => {
    const id = await ensure(web, 'nginx');
    await store.insertSamples([
      sample(id, now - 60, 5_000),
      sample(id, now - 45, 6_500),
      sample(id, now - 30, 200), // restarted: counters from zero again
      sample(id, now - 15, 1_700),
    ]);
    const window = { ...metricsWindow({ range: '1h' }, now, retention), step: 15 };
    const rates = (await store.history({ seriesId: id }, window)).map((row) => row.netRx);
    expect(rates).toEqual([null, 100, null, 100]);
  });

  it('gives no rate across a gap longer than MAX_RATE_GAP_SECONDS', async () => {
    const id = await ensure(web, 'nginx');
    await store.insertSamples([sample(id, now - 1_800, 0), sample(id, now - 60, 9_000)]);
    const window = metricsWindow({ range: '1h' }, now, retention);
    const rows = await store.history({ seriesId: id }, window);
    expect(rows.map((row) => row.netRx)).toEqual([null, null]);
  });

  it("sums a host's containers per step and counts those that ran", async () => {
    const a = await ensure(web, 'nginx');
    const b = await ensure(db2, 'postgres');
    await store.insertSamples([sample(a, now - 30, 0, 10), sample(b, now - 29, 0, 25)]);
    const window = metricsWindow({ range: '1h' }, now, retention);
    const rows = await store.history({ source: 'docker-tcp', hostId: 'h1' }, window);
    expect(rows).toEqual([expect.objectContaining({ cpu: 35, mem: 2_000, running: 2 })]);
  });

  it('creates many series at once, one id each', async () => {
    const keys = Array.from({ length: 1_200 }, (_, i) => ({
      ...web,
      container: `c${i}`,
      image: 'x',
    }));
    const ids = await store.ensureSeries(keys);
    expect(new Set(keys.map((key) => ids.get(seriesKey(key)))).size).toBe(1_200);
    expect((await store.ensureSeries(keys.slice(0, 2))).get(seriesKey(keys[1]))).toBe(
      ids.get(seriesKey(keys[1])),
    );
  });

  it('keeps a repeated second once and one series per name, whatever the image', async () => {
    const id = await ensure(web, 'nginx:1');
    expect(await ensure(web, 'nginx:2')).toBe(id);
    await store.insertSamples([sample(id, now - 10, 0)]);
    await store.insertSamples([sample(id, now - 10, 50)]);
    const [row] = await store.latest(now - 60);
    expect(row).toMatchObject({ container: 'web', image: 'nginx:2', netRx: 0 });
  });
});

describe('MetricsMaintenance.run (rollups and pruning, a given clock)', () => {
  const recorder = { forgetSeries: jest.fn() } as unknown as MetricsRecorder;
  const leases = { holds: () => Promise.resolve(true) } as unknown as SamplingLeases;
  const maintenance = () =>
    new MetricsMaintenance(store, recorder, leases, {
      metrics: { history: true, retention, scrapeToken: null },
    });

  it('folds raw samples into every tier, with averages and maxima', async () => {
    const id = await ensure(web, 'nginx');
    const start = now - 2 * 3_600;
    const rows = Array.from({ length: 240 }, (_, i) =>
      sample(id, start + i * 30, i * 300, i % 2 ? 40 : 20),
    );
    await store.insertSamples(rows);
    await maintenance().run(now);

    const minute = await store.history(
      { seriesId: id },
      { from: start, to: now, step: 60, tier: 60, range: 'custom' },
    );
    expect(minute).toHaveLength(120);
    expect(minute[5]).toMatchObject({ cpu: 30, netRx: 10 });
    const [maxima]: { cpu_max: number }[] = await db.query(
      `SELECT MAX(cpu_max) AS cpu_max FROM metric_rollups WHERE tier = 3600`,
    );
    expect(maxima.cpu_max).toBe(40);
    const hourly = await store.history(
      { seriesId: id },
      { from: start, to: now, step: 3_600, tier: 3600, range: 'custom' },
    );
    expect(hourly.map((row) => row.cpu)).toEqual([30, 30]);
  });

  it('refolds the recent buckets, so a sample up to REFOLD_SECONDS late is counted', async () => {
    const id = await ensure(web, 'nginx');
    const lagging = await ensure(db2, 'postgres');
    await store.insertSamples([sample(id, now - 600, 0, 10), sample(id, now - 30, 0, 10)]);
    await maintenance().run(now);
    // Late: a report delayed ten minutes, and a host whose clock is behind.
    await store.insertSamples([sample(id, now - 590, 0, 30), sample(lagging, now - 700, 0, 50)]);
    await maintenance().run(now + 60);
    const window = { from: now - 720, to: now, step: 60, tier: 60, range: 'custom' } as const;
    const [row] = await store.history({ seriesId: id }, window);
    expect(row).toMatchObject({ t: now - 600, cpu: 20 });
    expect(await store.history({ seriesId: lagging }, window)).toEqual([
      expect.objectContaining({ t: now - 720, cpu: 50 }),
    ]);
  });

  it('prunes each tier past its retention, then the series left empty', async () => {
    const old = await ensure(db2, 'postgres');
    const id = await ensure(web, 'nginx');
    await store.insertSamples([
      sample(old, now - 2 * DAY, 0),
      sample(id, now - 2 * DAY, 0),
      sample(id, now - 60, 0),
    ]);
    const pass = maintenance();
    await pass.run(now - 2 * DAY + 120); // folds the old samples into the rollups
    await pass.run(now + 400 * DAY); // a year and more later: everything is past retention
    expect(await store.oldest('raw')).toBeNull();
    expect(await store.oldest(3600)).toBeNull();
    expect(await store.findSeries(web)).toBeNull();
    expect(recorder.forgetSeries).toHaveBeenCalled();
  });

  it('keeps an empty series made since the previous pass: its first sample may be on its way', async () => {
    const pass = maintenance();
    await pass.run(now);
    const fresh = await ensure(web, 'nginx');
    await pass.run(now + 60);
    expect(await store.findSeries(web)).toBe(fresh);
    await pass.run(now + 120);
    expect(await store.findSeries(web)).toBeNull();
  });

  it('keeps what is within retention', async () => {
    const id = await ensure(web, 'nginx');
    await store.insertSamples([sample(id, now - 2 * DAY, 0), sample(id, now - 60, 0)]);
    await maintenance().run(now);
    expect(await store.oldest('raw')).toBe(now - 60);
    expect(await store.oldest(60)).toBe(now - 2 * DAY);
    expect(await store.findSeries(web)).toBe(id);
  });
});

describe('MetricsStore leases', () => {
  it('lets one holder at a time take a host, and another once the lease ran out', async () => {
    expect(await store.claimLease('docker-tcp', 'h1', 'a', 1_000, 4_000)).toBe(true);
    expect(await store.claimLease('docker-tcp', 'h1', 'b', 2_000, 5_000)).toBe(false);
    expect(await store.claimLease('docker-tcp', 'h1', 'a', 3_000, 6_000)).toBe(true);
    expect(await store.claimLease('docker-tcp', 'h1', 'b', 6_001, 9_000)).toBe(true);
    await store.releaseLeases('b', 'alerts');
    expect(await store.claimLease('docker-tcp', 'h1', 'a', 6_002, 9_000)).toBe(true);
  });
});

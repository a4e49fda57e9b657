import { RecentFigures } from './recent-figures';
import { Logger } from '@nestjs/common';
import type { ContainerStats } from '@archnest/contracts';
import { MetricsRecorder, type MetricsRound } from './metrics-recorder';
import { type MetricsStore, type SampleRow, type SeriesKey, seriesKey } from './metrics.store';

const stats: ContainerStats = {
  cpuPercent: 12.5,
  memUsage: 1_000,
  memLimit: 4_000,
  netRxBytes: 10,
  netTxBytes: 20,
  blockReadBytes: 30,
  blockWriteBytes: 40,
};

function round(name: string, at = '2026-12-07T12:00:00.900Z'): MetricsRound {
  return {
    source: 'agent',
    hostId: 'vm1',
    at: new Date(at),
    containers: [{ name, image: 'busybox', stats }],
  };
}

/** A store that keeps what it is given, and fails while `down` is set. */
function fakeStore() {
  const written: SampleRow[][] = [];
  const ids = new Map<string, number>();
  const state = { down: false };
  const failing = () => Promise.reject(new Error('SQLITE_FULL: database or disk is full'));
  const store = {
    ensureSeries: jest.fn((series: (SeriesKey & { image: string })[]) => {
      if (state.down) {
        return failing();
      }
      series.forEach((one) => ids.set(seriesKey(one), ids.get(seriesKey(one)) ?? ids.size + 1));
      return Promise.resolve(new Map(ids));
    }),
    insertSamples: jest.fn((rows: SampleRow[]) => {
      if (state.down) {
        return failing();
      }
      if (rows.length > 0) {
        written.push(rows);
      }
      return Promise.resolve();
    }),
  };
  return {
    store: store as unknown as MetricsStore,
    written,
    state,
    ensureSeries: store.ensureSeries,
  };
}

const config = (history: boolean) => ({
  metrics: { history, retention: { raw: 1, 60: 1, 900: 1, 3600: 1 }, scrapeToken: null },
});

describe('MetricsRecorder', () => {
  let warn: jest.SpyInstance;
  let log: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation();
    log = jest.spyOn(Logger.prototype, 'log').mockImplementation();
  });

  afterEach(() => jest.restoreAllMocks());

  it('writes every round of a tick in one insert, at whole seconds, with cached series ids', async () => {
    const { store, written, ensureSeries } = fakeStore();
    const recorder = new MetricsRecorder(store, new RecentFigures(), config(true));
    recorder.record(round('web'));
    recorder.record(round('db'));
    await recorder.flush();
    recorder.record(round('web', '2026-12-07T12:00:05Z'));
    await recorder.flush();
    expect(written).toHaveLength(2);
    expect(written[0]).toEqual([
      expect.objectContaining({ seriesId: 1, t: 1796644800, cpu: 12.5, netRx: 10, blkW: 40 }),
      expect.objectContaining({ seriesId: 2, t: 1796644800 }),
    ]);
    expect(written[1]).toEqual([expect.objectContaining({ seriesId: 1, t: 1796644805 })]);
    expect(ensureSeries).toHaveBeenCalledTimes(1);
  });

  it('joins whole rounds into statements of about a thousand rows, never splitting one', async () => {
    const { store, written } = fakeStore();
    const recorder = new MetricsRecorder(store, new RecentFigures(), config(true));
    for (const host of ['a', 'b', 'c']) {
      const containers = Array.from({ length: 600 }, (_, i) => ({
        name: `c${i}`,
        image: 'x',
        stats,
      }));
      recorder.record({ ...round('web'), hostId: host, containers });
    }
    await recorder.flush();
    expect(written.map((rows) => rows.length)).toEqual([1_200, 600]);
  });

  it('drops what overflows a tick with one warning, and recovers after a full tick', async () => {
    const { store, written } = fakeStore();
    const recorder = new MetricsRecorder(store, new RecentFigures(), config(true));
    const containers = Array.from({ length: 30_000 }, (_, i) => ({
      name: `c${i}`,
      image: 'x',
      stats,
    }));
    for (let i = 0; i < 3; i++) {
      recorder.record({ ...round('web'), containers });
    }
    await recorder.flush();
    expect(written.flat()).toHaveLength(30_000);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('more than 50000 samples in one tick'),
    );
    expect(log).not.toHaveBeenCalled();
    recorder.record(round('web'));
    await recorder.flush();
    expect(log).toHaveBeenCalledWith(
      'Metrics history recording again (60000 samples were dropped)',
    );
  });

  it('skips containers without stats and records nothing when history is off', async () => {
    const { store, written } = fakeStore();
    const on = new MetricsRecorder(store, new RecentFigures(), config(true));
    on.record({ ...round('web'), containers: [{ name: 'web', image: 'x', stats: null }] });
    await on.flush();
    const off = new MetricsRecorder(store, new RecentFigures(), config(false));
    off.record(round('web'));
    await off.flush();
    expect(written).toEqual([]);
  });

  it('pauses with one warning while the database fails, drops that tick, then logs one recovery', async () => {
    const { store, written, state } = fakeStore();
    const recorder = new MetricsRecorder(store, new RecentFigures(), config(true));
    state.down = true;
    for (let tick = 0; tick < 3; tick++) {
      recorder.record(round('web'));
      await recorder.flush();
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('Metrics history paused'));
    state.down = false;
    recorder.record(round('web', '2026-12-07T12:00:09Z'));
    await recorder.flush();
    recorder.record(round('web', '2026-12-07T12:00:10Z'));
    await recorder.flush();
    expect(log).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledWith('Metrics history recording again (3 samples were dropped)');
    expect(written.flat().map((row) => row.t)).toEqual([1796644809, 1796644810]);
  });

  it('never throws into the caller, and returns before anything is written', () => {
    const { store, state } = fakeStore();
    state.down = true;
    const recorder = new MetricsRecorder(store, new RecentFigures(), config(true));
    expect(() => recorder.record(round('web'))).not.toThrow();
    expect(store.insertSamples).not.toHaveBeenCalled();
  });
});

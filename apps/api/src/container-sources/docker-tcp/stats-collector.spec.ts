import type { MetricsRecorder } from '../../metrics/metrics-recorder';
import type { HostObservations } from '../../alerts/evaluation/host-observations';
import type { SamplingLeases } from '../../metrics/sampling-leases';
import type Docker from 'dockerode';
import type { EngineInspect, EngineStats } from '../docker-json/engine-types';
import type { DockerHostEntity } from './docker-host.entity';
import type { DockerTcpHostsRepository } from './docker-tcp-hosts.repository';
import type { DockerTcpEngineClients, EngineWork } from './engine-client';
import { DockerTcpStatsCollector, isStillCurrent, type CollectedStats } from './stats-collector';

const ID = 'a'.repeat(64);
const READ_AT = '2026-11-27T10:00:10Z';
/** An engine sample that carries its previous one (precpu), so one call makes a snapshot. */
const SAMPLE: EngineStats = {
  id: ID,
  read: READ_AT,
  cpu_stats: { cpu_usage: { total_usage: 2e9 }, system_cpu_usage: 20e9, online_cpus: 2 },
  precpu_stats: { cpu_usage: { total_usage: 1e9 }, system_cpu_usage: 10e9, online_cpus: 2 },
  memory_stats: { usage: 1000, limit: 5000 },
};

describe('isStillCurrent', () => {
  const collected = { readAt: new Date(READ_AT) } as CollectedStats;
  const inspect = (Status: string, StartedAt: string) => ({ Id: ID, State: { Status, StartedAt } });

  it('holds while the container runs since before the sample', () => {
    const running = inspect('running', '2026-11-27T09:00:00Z') as EngineInspect;
    expect(isStillCurrent(collected, running)).toBe(true);
  });

  it('fails once it stopped, paused or started again after the sample', () => {
    for (const [status, startedAt] of [
      ['exited', '2026-11-27T09:00:00Z'],
      ['paused', '2026-11-27T09:00:00Z'],
      ['running', '2026-11-27T10:00:11Z'],
    ]) {
      expect(isStillCurrent(collected, inspect(status, startedAt) as EngineInspect)).toBe(false);
    }
  });
});

describe('DockerTcpStatsCollector', () => {
  const host = { id: 'h1', name: 'lab', url: 'tcp://lab:2376' } as DockerHostEntity;

  /** A fake engine with one running container whose stats answer when `release` is called. */
  function engine() {
    let release: (sample: EngineStats | Error) => void = () => undefined;
    const stats = jest.fn(
      () =>
        new Promise<EngineStats>((resolve, reject) => {
          release = (sample) => (sample instanceof Error ? reject(sample) : resolve(sample));
        }),
    );
    const docker = {
      listContainers: jest.fn(() =>
        Promise.resolve([{ Id: ID, Names: ['/web'], State: 'running', Status: 'Up 3 seconds' }]),
      ),
      getContainer: () => ({ stats }),
    } as unknown as Docker;
    const engines = {
      call: <T>(_host: unknown, work: EngineWork<T>) => work(docker, new AbortController().signal),
    } as unknown as DockerTcpEngineClients;
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    return {
      engines,
      docker,
      stats,
      release: (sample: EngineStats | Error) => release(sample),
      settle,
    };
  }

  function collectorWith(engines: DockerTcpEngineClients, intervalMs = 5_000) {
    const hosts = { list: () => Promise.resolve([host]) } as unknown as DockerTcpHostsRepository;
    const recorder = { record: jest.fn() } as unknown as MetricsRecorder;
    const leases = { holds: () => Promise.resolve(true) } as unknown as SamplingLeases;
    const observations = {
      recordRound: jest.fn(),
      recordFailure: jest.fn(),
    } as unknown as HostObservations;
    return new DockerTcpStatsCollector(hosts, engines, recorder, leases, observations, {
      dockerStatsIntervalMs: intervalMs,
    });
  }

  it('keeps each running container by id after a round, with the engine read time', async () => {
    const fake = engine();
    const collector = collectorWith(fake.engines);
    const round = collector.collect();
    await fake.settle();
    fake.release(SAMPLE);
    await round;
    expect(collector.find('h1', ID)).toMatchObject({
      stats: { cpuPercent: 20, memUsage: 1000 },
      readAt: new Date(READ_AT),
    });
    expect(collector.find('h1', 'web')).toBeNull(); // refs are resolved by inspect first
  });

  it('skips a host whose previous round still runs', async () => {
    const fake = engine();
    const collector = collectorWith(fake.engines);
    const first = collector.collect();
    await fake.settle();
    await collector.collect(); // returns at once: the first round holds the host
    expect(fake.docker.listContainers).toHaveBeenCalledTimes(1);
    fake.release(SAMPLE);
    await first;
  });

  it('hands a request the sample the round is taking, or its error', async () => {
    const fake = engine();
    const collector = collectorWith(fake.engines);
    let round = collector.collect();
    await fake.settle();
    const waiting = collector.inFlight('h1', ID);
    await expect(collector.inFlight('h1', 'b'.repeat(64))).resolves.toBeNull();
    fake.release(SAMPLE);
    await expect(waiting).resolves.toMatchObject({ readAt: new Date(READ_AT) });
    await round;
    expect(fake.stats).toHaveBeenCalledTimes(1);

    round = collector.collect();
    await fake.settle();
    const failing = collector.inFlight('h1', ID);
    fake.release(new Error('engine gone'));
    await expect(failing).rejects.toThrow('engine gone');
    await round;
    expect(collector.find('h1', ID)).toBeNull();
  });

  it('drops figures that get old, and those of a host changed or removed mid-round', async () => {
    const fake = engine();
    const collector = collectorWith(fake.engines, 1_000);
    let round = collector.collect();
    await fake.settle();
    fake.release(SAMPLE);
    await round;
    jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 7_001); // 2 intervals + 5 s
    expect(collector.find('h1', ID)).toBeNull();
    jest.restoreAllMocks();

    round = collector.collect();
    await fake.settle();
    collector.forget('h1'); // removed while its sample is in flight
    fake.release(SAMPLE);
    await round;
    expect(collector.find('h1', ID)).toBeNull();
  });

  it('runs a round at start and every interval, and none once the API shuts down', () => {
    jest.useFakeTimers();
    try {
      const collector = collectorWith(engine().engines, 5_000);
      const collect = jest.spyOn(collector, 'collect').mockResolvedValue();
      collector.onApplicationBootstrap();
      expect(collect).toHaveBeenCalledTimes(1);
      jest.advanceTimersByTime(10_000);
      expect(collect).toHaveBeenCalledTimes(3);
      collector.beforeApplicationShutdown();
      jest.advanceTimersByTime(10_000);
      expect(collect).toHaveBeenCalledTimes(3);
      expect(collector.enabled).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });

  it('does nothing when switched off', () => {
    const fake = engine();
    const collector = collectorWith(fake.engines, 0);
    collector.onApplicationBootstrap();
    collector.watch(host);
    expect(fake.docker.listContainers).not.toHaveBeenCalled();
  });
});

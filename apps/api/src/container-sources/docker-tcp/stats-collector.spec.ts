import type { ContainerStats } from '@archnest/contracts';
import type { EngineInspect } from '../docker-json/engine-types';
import type { DockerHostEntity } from './docker-host.entity';
import type { DockerHostsRepository } from './docker-hosts.repository';
import type { DockerEngineClients } from './engine-client';
import { listRunningContainers } from './engine-operations';
import {
  DockerStatsCollector,
  isStillCurrent,
  refersTo,
  type CollectedStats,
} from './stats-collector';

const ID = 'a'.repeat(64);
const STATS = { cpuPercent: 12.5 } as ContainerStats;
const collected: CollectedStats = { id: ID, names: ['web'], stats: STATS, sampledAt: 10_000 };

function inspect(state: { Status: string; StartedAt: string }, id = ID): EngineInspect {
  return { Id: id, State: state };
}

describe('refersTo', () => {
  it.each([ID, ID.slice(0, 12), 'web'])('matches %s', (ref) => {
    expect(refersTo(collected, ref)).toBe(true);
  });

  it.each(['db', 'b'.repeat(12), 'we'])('does not match %s', (ref) => {
    expect(refersTo(collected, ref)).toBe(false);
  });
});

describe('isStillCurrent', () => {
  const before = new Date(5_000).toISOString();

  it('holds for the same container, running since before the sample', () => {
    expect(isStillCurrent(collected, inspect({ Status: 'running', StartedAt: before }))).toBe(true);
  });

  it('fails once it stopped, paused, restarted or is another container', () => {
    const after = new Date(20_000).toISOString();
    expect(isStillCurrent(collected, inspect({ Status: 'exited', StartedAt: before }))).toBe(false);
    expect(isStillCurrent(collected, inspect({ Status: 'paused', StartedAt: before }))).toBe(false);
    expect(isStillCurrent(collected, inspect({ Status: 'running', StartedAt: after }))).toBe(false);
    const other = inspect({ Status: 'running', StartedAt: before }, 'b'.repeat(64));
    expect(isStillCurrent(collected, other)).toBe(false);
  });
});

describe('DockerStatsCollector', () => {
  const host = { id: 'h1', name: 'lab' } as DockerHostEntity;

  function collectorWith(call: jest.Mock, intervalMs = 5_000): DockerStatsCollector {
    const hosts = { list: () => Promise.resolve([host]) } as unknown as DockerHostsRepository;
    const engines = { call } as unknown as DockerEngineClients;
    return new DockerStatsCollector(hosts, engines, { dockerStatsIntervalMs: intervalMs });
  }

  /** An engine with one running container `web`, whose samples answer when `release` runs. */
  function engine(): { call: jest.Mock; release: () => void } {
    let release = (): void => undefined;
    const sampled = new Promise<ContainerStats>((resolve) => (release = () => resolve(STATS)));
    const call = jest.fn((_host: unknown, work: unknown) =>
      work === listRunningContainers ? Promise.resolve([{ Id: ID, Names: ['/web'] }]) : sampled,
    );
    return { call, release: () => release() };
  }

  it('keeps each running container by id and name after a round', async () => {
    const { call, release } = engine();
    const collector = collectorWith(call);
    release();
    await collector.collect();
    expect(collector.find('h1', 'web')).toMatchObject({ id: ID, stats: STATS });
    expect(collector.find('h1', ID.slice(0, 12))?.stats).toBe(STATS);
  });

  it('skips a host whose previous round still runs', async () => {
    const { call, release } = engine();
    const collector = collectorWith(call);
    const first = collector.collect();
    await new Promise((resolve) => setImmediate(resolve));
    await collector.collect(); // returns at once: the first round holds the host
    expect(call.mock.calls.filter(([, work]) => work === listRunningContainers)).toHaveLength(1);
    release();
    await first;
    expect(collector.find('h1', 'web')).not.toBeNull();
  });

  it('hands a request the sample the running round is taking, instead of a second one', async () => {
    const { call, release } = engine();
    const collector = collectorWith(call);
    const round = collector.collect();
    await new Promise((resolve) => setImmediate(resolve));
    expect(collector.find('h1', 'web')).toBeNull();
    const waiting = collector.inFlight('h1', 'web');
    await expect(collector.inFlight('h1', 'db')).resolves.toBeNull();
    release();
    await expect(waiting).resolves.toMatchObject({ id: ID, stats: STATS });
    await round;
    await expect(collector.inFlight('h1', 'web')).resolves.toBeNull();
    expect(call).toHaveBeenCalledTimes(2); // the list and one sample
  });

  it('lets a host that stops answering age out, and forgets a removed one', async () => {
    const { call, release } = engine();
    const collector = collectorWith(call, 1_000);
    release();
    await collector.collect();
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 7_001); // 2 intervals + 5 s
    expect(collector.find('h1', 'web')).toBeNull();
    jest.restoreAllMocks();
    expect(collector.find('h1', 'web')).not.toBeNull();
    collector.forget('h1');
    expect(collector.find('h1', 'web')).toBeNull();
  });
});

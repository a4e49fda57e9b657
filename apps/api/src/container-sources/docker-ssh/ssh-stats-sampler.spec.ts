import type { MetricsRecorder, MetricsRound } from '../../metrics/metrics-recorder';
import type { HostObservations } from '../../alerts/evaluation/host-observations';
import type { SamplingLeases } from '../../metrics/sampling-leases';
import type { CommandResult } from '../../ssh/exec-command';
import type { DockerSshRunner } from './docker-ssh.runner';
import { dockerCli } from './docker-cli';
import { SshStatsSampler } from './ssh-stats-sampler';
import type { SshTargetEntity } from './ssh-target.entity';
import type { SshTargetsRepository } from './ssh-targets.repository';

const target = (id: string, pinned = true): SshTargetEntity =>
  ({
    id,
    name: `box-${id}`,
    dockerCommand: 'docker',
    dockerHost: null,
    hostKeyFingerprint: pinned ? 'SHA256:abc' : null,
  }) as SshTargetEntity;

const ok = (stdout: string): CommandResult => ({
  stdout,
  stderr: '',
  exitCode: 0,
  truncated: false,
});
const STATS = JSON.stringify({
  Name: 'web',
  CPUPerc: '24.50%',
  MemUsage: '1MiB / 2GiB',
  NetIO: '1kB / 2kB',
  BlockIO: '0B / 0B',
});
const PS = JSON.stringify({ ID: 'f'.repeat(64), Names: 'web', Image: 'nginx:1', State: 'running' });

/** A runner whose `docker stats` answers per target when the test says so. */
function fakeRunner() {
  const pending = new Map<
    string,
    { resolve: (r: CommandResult) => void; reject: (e: Error) => void }
  >();
  const read = jest.fn((t: SshTargetEntity, argv: string[]) =>
    argv.includes('stats')
      ? new Promise<CommandResult>((resolve, reject) => pending.set(t.id, { resolve, reject }))
      : Promise.resolve(ok(PS)),
  );
  const statsCalls = (id: string) =>
    read.mock.calls.filter(([t, argv]) => t.id === id && argv.includes('stats')).length;
  const answer = (id: string, result: CommandResult | Error) => {
    const call = pending.get(id);
    pending.delete(id);
    if (result instanceof Error) {
      call?.reject(result);
    } else {
      call?.resolve(result);
    }
  };
  return { runner: { read } as unknown as DockerSshRunner, read, statsCalls, answer };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

function samplerWith(
  runner: DockerSshRunner,
  stored: SshTargetEntity[],
  options: { holds?: boolean; intervalMs?: number } = {},
) {
  const targets = {
    list: () => Promise.resolve([...stored]),
    findById: (id: string) => Promise.resolve(stored.find((t) => t.id === id) ?? null),
  } as unknown as SshTargetsRepository;
  const rounds: MetricsRound[] = [];
  const recorder = {
    record: (round: MetricsRound) => void rounds.push(round),
  } as unknown as MetricsRecorder;
  const leases = {
    holds: () => Promise.resolve(options.holds ?? true),
  } as unknown as SamplingLeases;
  const observations = {
    recordRound: jest.fn(),
    recordFailure: jest.fn(),
  } as unknown as HostObservations;
  const sampler = new SshStatsSampler(targets, runner, recorder, leases, observations, {
    sshStatsIntervalMs: options.intervalMs ?? 15_000,
  });
  return { sampler, rounds };
}

describe('dockerCli.statsAll', () => {
  it('is one docker stats of every running container, through the target engine', () => {
    expect(dockerCli.statsAll({ command: 'docker', host: null })).toEqual([
      'docker',
      'stats',
      '--no-stream',
      '--format',
      '{{json .}}',
    ]);
    expect(dockerCli.statsAll({ command: '/usr/bin/docker', host: 'unix:///run/d.sock' })).toEqual([
      '/usr/bin/docker',
      '-H',
      'unix:///run/d.sock',
      'stats',
      '--no-stream',
      '--format',
      '{{json .}}',
    ]);
  });
});

describe('SshStatsSampler', () => {
  it('records each container by name with its image, at the time the answer arrived', async () => {
    const fake = fakeRunner();
    const { sampler, rounds } = samplerWith(fake.runner, [target('a')]);
    const round = sampler.sample();
    await settle();
    const before = Date.now();
    fake.answer('a', ok(STATS));
    await round;
    expect(rounds).toEqual([
      {
        source: 'docker-ssh',
        hostId: 'a',
        at: expect.any(Date) as unknown,
        containers: [
          {
            name: 'web',
            image: 'nginx:1',
            stats: {
              cpuPercent: 24.5,
              memUsage: 1048576,
              memLimit: 2147483648,
              netRxBytes: 1000,
              netTxBytes: 2000,
              blockReadBytes: 0,
              blockWriteBytes: 0,
            },
          },
        ],
      },
    ]);
    expect(rounds[0]?.at.getTime()).toBeGreaterThanOrEqual(before);
  });

  it('never runs two samples of one target at once: a round finding one in flight skips it', async () => {
    const fake = fakeRunner();
    const { sampler, rounds } = samplerWith(fake.runner, [target('a')]);
    const first = sampler.sample();
    await settle();
    await sampler.sample();
    expect(fake.statsCalls('a')).toBe(1);
    fake.answer('a', ok(STATS));
    await first;
    const next = sampler.sample();
    await settle();
    expect(fake.statsCalls('a')).toBe(2);
    fake.answer('a', ok(STATS));
    await next;
    expect(rounds).toHaveLength(2);
  });

  it('samples the other targets while one hangs, and one failing stops nothing', async () => {
    const fake = fakeRunner();
    const { sampler, rounds } = samplerWith(fake.runner, [
      target('down'),
      target('slow'),
      target('up'),
    ]);
    void sampler.sample();
    await settle();
    fake.answer('down', new Error('connect ECONNREFUSED'));
    fake.answer('up', ok(STATS));
    await settle();
    expect(rounds.map((round) => round.hostId)).toEqual(['up']);
    // The next round samples the failed target again, and skips the one still hanging.
    void sampler.sample();
    await settle();
    expect([fake.statsCalls('down'), fake.statsCalls('slow'), fake.statsCalls('up')]).toEqual([
      2, 1, 2,
    ]);
  });

  it('drops the sample of a target removed while it ran', async () => {
    const fake = fakeRunner();
    const stored = [target('a')];
    const { sampler, rounds } = samplerWith(fake.runner, stored);
    const round = sampler.sample();
    await settle();
    stored.pop();
    fake.answer('a', ok(STATS));
    await round;
    expect(rounds).toEqual([]);
  });

  it('runs nothing on a target another replica samples, or one whose key is not pinned', async () => {
    const fake = fakeRunner();
    await samplerWith(fake.runner, [target('a')], { holds: false }).sampler.sample();
    await samplerWith(fake.runner, [target('b', false)]).sampler.sample();
    expect(fake.read).not.toHaveBeenCalled();
  });

  it('starts no timer when the interval is 0, and samples nothing after shutdown', async () => {
    const fake = fakeRunner();
    const off = samplerWith(fake.runner, [target('a')], { intervalMs: 0 }).sampler;
    off.onApplicationBootstrap();
    const on = samplerWith(fake.runner, [target('a')]).sampler;
    on.beforeApplicationShutdown();
    await on.sample();
    expect(fake.read).not.toHaveBeenCalled();
  });
});

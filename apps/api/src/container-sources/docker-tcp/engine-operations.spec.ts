import type Docker from 'dockerode';
import { sampleStats, type SampleMemory } from './engine-operations';
import type { EngineStats } from '../docker-json/engine-types';

const T0 = Date.parse('2026-06-20T19:30:00Z');

function sample(offsetMs: number, totalNs: number, pre?: EngineStats['precpu_stats']): EngineStats {
  return {
    id: 'c1',
    read: new Date(T0 + offsetMs).toISOString(),
    // 2 CPUs: the host's CPU time advances 2 ns per ns of wall time.
    cpu_stats: {
      cpu_usage: { total_usage: totalNs },
      system_cpu_usage: 1e12 + offsetMs * 2e6,
      online_cpus: 2,
    },
    ...(pre ? { precpu_stats: pre } : {}),
    memory_stats: { usage: 1000, limit: 4000, stats: {} },
  };
}

/** A dockerode stand-in that answers stats calls from a list and records their options. */
function engine(answers: EngineStats[]): {
  docker: Docker;
  calls: () => number;
  options: Record<string, unknown>[];
} {
  const options: Record<string, unknown>[] = [];
  const docker = {
    getContainer: () => ({
      stats: (opts: Record<string, unknown>) => {
        options.push(opts);
        return Promise.resolve(answers[options.length - 1]);
      },
    }),
  } as unknown as Docker;
  return { docker, calls: () => options.length, options };
}

function memory(previous: EngineStats['cpu_stats'] | null): SampleMemory & { kept: EngineStats[] } {
  const kept: EngineStats[] = [];
  return { kept, before: () => previous ?? null, keep: (s) => void kept.push(s) };
}

const signal = new AbortController().signal;

describe('sampleStats', () => {
  it('takes two samples when it has none, and keeps the second', async () => {
    const { docker, calls, options } = engine([sample(0, 0), sample(1000, 500e6)]);
    const kept = memory(null);
    const { stats } = await sampleStats(docker, 'web', signal, kept);
    expect(calls()).toBe(2);
    // One-shot: a single sample each, not the engine's own pair a collector tick apart.
    for (const opts of options) {
      expect(opts).toEqual({ stream: false, 'one-shot': true, abortSignal: signal });
    }
    // 0.5 s of CPU in 1 s of wall time: half a core.
    expect(stats.cpuPercent).toBe(50);
    expect(kept.kept).toEqual([sample(1000, 500e6)]);
  });

  it('computes against its previous sample with one engine call when it has one', async () => {
    const { docker, calls } = engine([sample(2000, 2e9)]);
    const { stats } = await sampleStats(docker, 'web', signal, memory(sample(0, 0).cpu_stats));
    expect(calls()).toBe(1);
    expect(stats.cpuPercent).toBe(100);
  });

  it("uses the engine's own two samples when it ignored one-shot", async () => {
    const { docker, calls } = engine([sample(1000, 250e6, sample(0, 0).cpu_stats)]);
    const { stats } = await sampleStats(docker, 'web', signal, memory(null));
    expect(calls()).toBe(1);
    expect(stats.cpuPercent).toBe(25);
  });

  it('answers nulls for a stopped container after one call', async () => {
    const { docker, calls } = engine([{ read: '0001-01-01T00:00:00Z' }]);
    expect((await sampleStats(docker, 'web', signal, memory(null))).stats.cpuPercent).toBeNull();
    expect(calls()).toBe(1);
  });
});

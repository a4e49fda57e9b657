import type { EngineStats } from '../docker-json/engine-types';
import { cpuPercent, EMPTY_STATS, hasNoStats, hasPreviousSample, toContainerStats } from './stats';

const cpu = (total: number, system: number, cpus = 4) => ({
  cpu_usage: { total_usage: total },
  system_cpu_usage: system,
  online_cpus: cpus,
});

describe('cpuPercent', () => {
  it('is the container share of host CPU time times online CPUs (docker CLI formula)', () => {
    // 0.5 s of container CPU over 4 s of host CPU time (1 s wall on 4 CPUs) = half a core.
    expect(cpuPercent(cpu(1e9, 100e9), cpu(1.5e9, 104e9))).toBe(50);
  });

  it('falls back to the per-CPU list when online_cpus is missing', () => {
    const current = {
      cpu_usage: { total_usage: 3e9, percpu_usage: [0, 0] },
      system_cpu_usage: 12e9,
    };
    expect(cpuPercent(cpu(1e9, 10e9), current)).toBe(200);
  });

  it('is 0 for an idle container and null when the samples cannot be compared', () => {
    expect(cpuPercent(cpu(1e9, 100e9), cpu(1e9, 101e9))).toBe(0);
    expect(cpuPercent({}, cpu(1e9, 101e9))).toBeNull();
    expect(cpuPercent(cpu(1e9, 101e9), cpu(2e9, 101e9))).toBeNull();
  });
});

describe('toContainerStats', () => {
  const sample: EngineStats = {
    read: '2026-06-20T19:30:00.5Z',
    cpu_stats: cpu(2e9, 200e9),
    precpu_stats: cpu(1e9, 196e9),
    memory_stats: { usage: 30_000_000, limit: 536_870_912, stats: { inactive_file: 10_000_000 } },
    networks: { eth0: { rx_bytes: 100, tx_bytes: 20 }, eth1: { rx_bytes: 5, tx_bytes: 1 } },
    blkio_stats: {
      io_service_bytes_recursive: [
        { op: 'read', value: 4096 },
        { op: 'Write', value: 8192 },
        { op: 'write', value: 1 },
        { op: 'Total', value: 12289 },
      ],
    },
  };

  it('maps memory without reclaimable cache, sums networks and block I/O', () => {
    expect(toContainerStats(sample, 12.5)).toEqual({
      cpuPercent: 12.5,
      memUsage: 20_000_000,
      memLimit: 536_870_912,
      netRxBytes: 105,
      netTxBytes: 21,
      blockReadBytes: 4096,
      blockWriteBytes: 8193,
    });
  });

  it('uses cgroup v1 total_inactive_file', () => {
    const v1 = {
      ...sample,
      memory_stats: { usage: 50, limit: 100, stats: { total_inactive_file: 20 } },
    };
    expect(toContainerStats(v1, null).memUsage).toBe(30);
  });

  it('answers nulls for a stopped container (zero read time)', () => {
    expect(toContainerStats({ read: '0001-01-01T00:00:00Z' }, null)).toEqual(EMPTY_STATS);
  });

  it('knows which inspected states the engine answers with empty stats', () => {
    for (const status of ['created', 'exited', 'dead', 'restarting']) {
      expect(hasNoStats({ State: { Status: status } })).toBe(true);
    }
    for (const status of ['running', 'paused', 'removing']) {
      expect(hasNoStats({ State: { Status: status } })).toBe(false);
    }
    expect(hasNoStats({})).toBe(false);
  });

  it('knows when the engine already sent a previous sample', () => {
    expect(hasPreviousSample(sample)).toBe(true);
    expect(hasPreviousSample({ ...sample, precpu_stats: { cpu_usage: { total_usage: 0 } } })).toBe(
      false,
    );
  });
});

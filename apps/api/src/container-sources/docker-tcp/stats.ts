import type { ContainerStats } from '@archnest/contracts';
import { engineTime } from '../docker-json/docker-status';
import type { EngineCpuStats, EngineInspect, EngineStats } from '../docker-json/engine-types';

export const EMPTY_STATS: ContainerStats = {
  cpuPercent: null,
  memUsage: null,
  memLimit: null,
  netRxBytes: null,
  netTxBytes: null,
  blockReadBytes: null,
  blockWriteBytes: null,
};

/** A stopped container's stats come back with Docker's zero `read` time and nothing else. */
export function isLiveSample(sample: EngineStats): boolean {
  return engineTime(sample.read) !== null;
}

/**
 * States whose one-shot stats the engine answers empty: no process (created, exited, dead), or
 * between two runs (restarting; moby's ContainerStats checks `!IsRunning() || IsRestarting()`).
 */
const STATES_WITHOUT_STATS: ReadonlySet<string> = new Set([
  'created',
  'exited',
  'dead',
  'restarting',
]);

/** Whether the engine would answer EMPTY_STATS for the inspected container: no need to ask it. */
export function hasNoStats(inspect: Pick<EngineInspect, 'State'>): boolean {
  return STATES_WITHOUT_STATS.has(inspect.State?.Status ?? '');
}

/** True when the engine already sent two samples (precpu), as engines without one-shot do. */
export function hasPreviousSample(sample: EngineStats): boolean {
  return (sample.precpu_stats?.system_cpu_usage ?? 0) > 0;
}

/**
 * Docker's own formula (docker CLI `calculateCPUPercentUnix`): the container's share of the
 * host's CPU time between two samples, times the number of online CPUs. 100 % = one full core.
 * Null when the samples cannot be compared.
 */
export function cpuPercent(previous: EngineCpuStats, current: EngineCpuStats): number | null {
  const systemDelta = (current.system_cpu_usage ?? 0) - (previous.system_cpu_usage ?? 0);
  if (!previous.system_cpu_usage || systemDelta <= 0) {
    return null;
  }
  const cpuDelta = (current.cpu_usage?.total_usage ?? 0) - (previous.cpu_usage?.total_usage ?? 0);
  const cpus = current.online_cpus || current.cpu_usage?.percpu_usage?.length || 1;
  const percent = cpuDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
  return Math.round(percent * 100) / 100;
}

/** Usage without the page cache that can be reclaimed, as `docker stats` shows it. */
function memoryUsage(memory: NonNullable<EngineStats['memory_stats']>): number | null {
  if (memory.usage === undefined) {
    return null;
  }
  const stats = memory.stats ?? {};
  const inactive = stats.total_inactive_file ?? stats.inactive_file ?? 0;
  return inactive < memory.usage ? memory.usage - inactive : memory.usage;
}

function sum<T>(items: T[], pick: (item: T) => number | undefined): number {
  return items.reduce((total, item) => total + (pick(item) ?? 0), 0);
}

function blockIo(sample: EngineStats, op: 'r' | 'w'): number {
  const entries = sample.blkio_stats?.io_service_bytes_recursive ?? [];
  return sum(
    entries.filter((entry) => entry.op?.[0]?.toLowerCase() === op),
    (entry) => entry.value,
  );
}

/** One snapshot from an engine sample plus the CPU % computed from two samples. */
export function toContainerStats(sample: EngineStats, cpu: number | null): ContainerStats {
  if (!isLiveSample(sample)) {
    return EMPTY_STATS;
  }
  const memory = sample.memory_stats ?? {};
  const networks = Object.values(sample.networks ?? {});
  return {
    cpuPercent: cpu,
    memUsage: memoryUsage(memory),
    memLimit: memory.limit ?? null,
    netRxBytes: sample.networks ? sum(networks, (n) => n.rx_bytes) : null,
    netTxBytes: sample.networks ? sum(networks, (n) => n.tx_bytes) : null,
    blockReadBytes: blockIo(sample, 'r'),
    blockWriteBytes: blockIo(sample, 'w'),
  };
}

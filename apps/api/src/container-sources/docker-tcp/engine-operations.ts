import type { ContainerAction, ContainerStats } from '@archnest/contracts';
import type Docker from 'dockerode';
import type { ActionOptions, ActionOutcome } from '../container-source';
import { expectShape, isEngineObject } from './engine-errors';
import type {
  EngineCpuStats,
  EngineInspect,
  EngineListItem,
  EngineStats,
} from '../docker-json/engine-types';
import { engineTime } from '../docker-json/docker-status';
import {
  cpuPercent,
  EMPTY_STATS,
  hasPreviousSample,
  isLiveSample,
  toContainerStats,
} from './stats';

/**
 * The gap between the two one-shot samples of a cold request. Engines that answer one-shot at
 * once (current moby) make it the CPU window: 0.5 s keeps the host CPU counter's 10 ms ticks
 * within about 2 % and the answer near half a second. Engines of the 20.10 line serve one-shot
 * from their 1 s stats collector, so there the second sample comes a collector tick after the
 * first whatever the gap (docs/docker-tcp.md, "Stats").
 */
export const STATS_SAMPLE_GAP_MS = 500;
/** Every container, or only the running ones. */
export async function listContainers(
  docker: Docker,
  signal: AbortSignal,
  which: 'all' | 'running' = 'all',
): Promise<EngineListItem[]> {
  const options = which === 'all' ? { all: true } : { filters: { status: ['running'] } };
  const items = await docker.listContainers({ ...options, abortSignal: signal });
  return expectShape(items, (value) => Array.isArray(value) && value.every(isEngineObject));
}

export async function inspectContainer(
  docker: Docker,
  ref: string,
  signal: AbortSignal,
): Promise<EngineInspect> {
  const inspect = await docker.getContainer(ref).inspect({ abortSignal: signal });
  return expectShape(inspect, (value) => isEngineObject(value) && typeof inspect.Id === 'string');
}

async function oneShotSample(
  docker: Docker,
  ref: string,
  signal: AbortSignal,
): Promise<EngineStats> {
  const options = { stream: false as const, 'one-shot': true, abortSignal: signal };
  return expectShape(await docker.getContainer(ref).stats(options), isEngineObject);
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Where the sampler keeps the last sample of this container (see PreviousSamples). */
export interface SampleMemory {
  before(current: EngineStats): EngineCpuStats | null;
  keep(sample: EngineStats): void;
}

/** A stats snapshot and when the engine read it (its own clock; null for a stopped container). */
export interface StatsSample {
  stats: ContainerStats;
  readAt: Date | null;
}

function snapshot(sample: EngineStats, cpu: number | null): StatsSample {
  return { stats: toContainerStats(sample, cpu), readAt: engineTime(sample.read) };
}

/**
 * A one-shot snapshot with CPU % from two samples: the API's previous sample of the container
 * when it is 0.5-30 s old, else a second sample taken here. An engine that ignores `one-shot`
 * (API < 1.41) already waited for two samples itself and sent both (precpu/cpu).
 */
export async function sampleStats(
  docker: Docker,
  ref: string,
  signal: AbortSignal,
  memory: SampleMemory,
): Promise<StatsSample> {
  const first = await oneShotSample(docker, ref, signal);
  if (!isLiveSample(first)) {
    return { stats: EMPTY_STATS, readAt: null };
  }
  if (hasPreviousSample(first)) {
    return snapshot(first, cpuPercent(first.precpu_stats ?? {}, first.cpu_stats ?? {}));
  }
  const previous = memory.before(first);
  if (previous) {
    memory.keep(first);
    return snapshot(first, cpuPercent(previous, first.cpu_stats ?? {}));
  }
  await pause(STATS_SAMPLE_GAP_MS);
  const second = await oneShotSample(docker, ref, signal);
  memory.keep(second);
  return snapshot(second, cpuPercent(first.cpu_stats ?? {}, second.cpu_stats ?? {}));
}

function isNotModified(error: unknown): boolean {
  return (error as { statusCode?: unknown } | null)?.statusCode === 304;
}

function dispatch(
  container: Docker.Container,
  action: ContainerAction,
  options: ActionOptions,
  signal: AbortSignal,
): Promise<unknown> {
  switch (action) {
    case 'start':
      return container.start({ abortSignal: signal });
    case 'stop':
      return container.stop({ abortSignal: signal });
    case 'restart':
      return container.restart({ abortSignal: signal });
    case 'pause':
      return container.pause({ abortSignal: signal });
    case 'unpause':
      return container.unpause({ abortSignal: signal });
    case 'remove':
      return container.remove({ force: options.force === true, abortSignal: signal });
  }
}

/** Runs a whitelisted action; stop and restart use the container's own stop grace period. */
export async function performAction(
  docker: Docker,
  ref: string,
  action: ContainerAction,
  options: ActionOptions,
  signal: AbortSignal,
): Promise<ActionOutcome> {
  try {
    await dispatch(docker.getContainer(ref), action, options, signal);
    return 'done';
  } catch (error) {
    if (isNotModified(error)) {
      return 'unchanged';
    }
    throw error;
  }
}

export interface EngineVersion {
  Version?: string;
  ApiVersion?: string;
  Os?: string;
  Arch?: string;
}

/** GET /version. dockerode accepts an abort signal here although its typings omit it. */
export async function engineVersion(docker: Docker, signal: AbortSignal): Promise<EngineVersion> {
  const version = docker.version.bind(docker) as unknown as (options: {
    abortSignal: AbortSignal;
  }) => Promise<unknown>;
  return expectShape(
    await version({ abortSignal: signal }),
    (value) => isEngineObject(value) && typeof (value as EngineVersion).ApiVersion === 'string',
  );
}

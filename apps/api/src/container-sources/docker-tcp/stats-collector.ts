import type { ContainerStats } from '@archnest/contracts';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { engineTime } from '../docker-json/docker-status';
import type { EngineInspect, EngineListItem } from '../docker-json/engine-types';
import type { DockerHostEntity } from './docker-host.entity';
import { DockerHostsRepository } from './docker-hosts.repository';
import { DockerEngineClients } from './engine-client';
import { listRunningContainers, sampleStats } from './engine-operations';
import { PreviousSamples } from './previous-samples';

/** Samples of one host taken at once; an engine subscribes them all to one collector round. */
const SAMPLES_IN_FLIGHT = 32;

/** The latest stats the collector took of one running container. */
export interface CollectedStats {
  id: string;
  names: string[];
  stats: ContainerStats;
  /** When the sample arrived (API clock, ms). */
  sampledAt: number;
}

/** Whether the container `ref` is the one collected, still running since the sample was taken. */
export function isStillCurrent(collected: CollectedStats, inspect: EngineInspect): boolean {
  const startedAt = engineTime(inspect.State?.StartedAt)?.getTime() ?? Infinity;
  return (
    inspect.Id === collected.id &&
    inspect.State?.Status === 'running' &&
    startedAt <= collected.sampledAt
  );
}

/** A sample the running round is taking. */
interface PendingSample {
  id: string;
  names: string[];
  result: Promise<CollectedStats | null>;
}

/** Whether `ref` (a name, a full id or an id prefix) names this container. */
export function refersTo(collected: Pick<CollectedStats, 'id' | 'names'>, ref: string): boolean {
  return collected.id.startsWith(ref) || collected.names.includes(ref);
}

async function forEachLimited<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const queue = [...items];
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Samples the stats of every running container of every Docker host in the background, every
 * `dockerStatsIntervalMs`, so that a stats request is answered from the last round instead of
 * waiting for the engine's stats collector (two rounds of it for a first CPU %, see
 * docs/docker-tcp.md, "Stats"). CPU % is the average between two rounds. A host whose round
 * is still running is skipped, so a slow engine never piles up calls.
 */
@Injectable()
export class DockerStatsCollector implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DockerStatsCollector.name);
  private readonly latest = new Map<string, Map<string, CollectedStats>>();
  private readonly pending = new Map<string, Map<string, PendingSample>>();
  private readonly previous = new PreviousSamples();
  private readonly collecting = new Set<string>();
  private readonly intervalMs: number;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly hosts: DockerHostsRepository,
    private readonly engines: DockerEngineClients,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'dockerStatsIntervalMs'>,
  ) {
    this.intervalMs = config.dockerStatsIntervalMs;
  }

  onApplicationBootstrap(): void {
    if (this.intervalMs > 0) {
      void this.collect();
      this.timer = setInterval(() => void this.collect(), this.intervalMs);
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Starts a round for a host just added or changed, dropping what its old endpoint gave. */
  watch(host: DockerHostEntity): void {
    this.forget(host.id);
    if (this.intervalMs > 0) {
      void this.collectHost(host);
    }
  }

  forget(hostId: string): void {
    this.latest.delete(hostId);
    this.pending.delete(hostId);
  }

  /** The last round's stats of the running container `ref` names, while they are fresh. */
  find(hostId: string, ref: string): CollectedStats | null {
    const maxAgeMs = 2 * this.intervalMs + 5_000;
    for (const collected of this.latest.get(hostId)?.values() ?? []) {
      if (refersTo(collected, ref) && Date.now() - collected.sampledAt <= maxAgeMs) {
        return collected;
      }
    }
    return null;
  }

  /**
   * The sample the running round is taking of the container `ref` names, if any: a request
   * waits for it rather than asking the engine for the same samples again.
   */
  async inFlight(hostId: string, ref: string): Promise<CollectedStats | null> {
    for (const pending of this.pending.get(hostId)?.values() ?? []) {
      if (refersTo(pending, ref)) {
        return pending.result;
      }
    }
    return null;
  }

  /** One round over every stored host, each on its own. */
  async collect(): Promise<void> {
    try {
      const hosts = await this.hosts.list();
      const stored = new Set(hosts.map((host) => host.id));
      [...this.latest.keys()]
        .filter((id) => !stored.has(id))
        .forEach((id) => this.latest.delete(id));
      await Promise.all(hosts.map((host) => this.collectHost(host)));
    } catch (error) {
      this.logger.warn(
        `Stats round skipped: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private async collectHost(host: DockerHostEntity): Promise<void> {
    if (this.collecting.has(host.id)) {
      return;
    }
    this.collecting.add(host.id);
    try {
      const running = await this.engines.call(host, listRunningContainers, { idempotent: true });
      const latest = this.latestOf(host.id);
      await forEachLimited(running, SAMPLES_IN_FLIGHT, (item) => this.sample(host, item, latest));
      const ids = new Set(running.map((item) => item.Id));
      [...latest.keys()].filter((id) => !ids.has(id)).forEach((id) => latest.delete(id));
    } catch {
      // Unreachable: its last round ages out, and requests report the fault themselves.
    } finally {
      this.collecting.delete(host.id);
    }
  }

  private latestOf(hostId: string): Map<string, CollectedStats> {
    const latest = this.latest.get(hostId) ?? new Map<string, CollectedStats>();
    this.latest.set(hostId, latest);
    return latest;
  }

  private async sample(
    host: DockerHostEntity,
    item: EngineListItem,
    latest: Map<string, CollectedStats>,
  ): Promise<void> {
    const names = (item.Names ?? []).map((name) => name.replace(/^\//, ''));
    const pending = this.pending.get(host.id) ?? new Map<string, PendingSample>();
    this.pending.set(host.id, pending);
    const result = this.takeSample(host, item.Id, names);
    pending.set(item.Id, { id: item.Id, names, result });
    const collected = await result;
    pending.delete(item.Id);
    if (collected) {
      latest.set(item.Id, collected);
    }
  }

  private async takeSample(
    host: DockerHostEntity,
    id: string,
    names: string[],
  ): Promise<CollectedStats | null> {
    const memory = this.previous.of(`${host.id}/${id}`);
    try {
      const stats = await this.engines.call(
        host,
        (docker, signal) => sampleStats(docker, id, signal, memory),
        { idempotent: true },
      );
      return { id, names, stats, sampledAt: Date.now() };
    } catch {
      return null; // stopped or removed since the list
    }
  }
}

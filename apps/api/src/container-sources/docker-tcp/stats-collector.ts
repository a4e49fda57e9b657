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

/** Whether `ref` (a name, a full id or an id prefix) names this collected container. */
export function refersTo(collected: CollectedStats, ref: string): boolean {
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
      const round = new Map<string, CollectedStats>();
      await forEachLimited(running, SAMPLES_IN_FLIGHT, async (item) => {
        const collected = await this.sample(host, item);
        if (collected) {
          round.set(collected.id, collected);
        }
      });
      this.latest.set(host.id, round);
    } catch {
      // Unreachable: its last round ages out, and requests report the fault themselves.
    } finally {
      this.collecting.delete(host.id);
    }
  }

  private async sample(
    host: DockerHostEntity,
    item: EngineListItem,
  ): Promise<CollectedStats | null> {
    const memory = this.previous.of(`${host.id}/${item.Id}`);
    try {
      const stats = await this.engines.call(
        host,
        (docker, signal) => sampleStats(docker, item.Id, signal, memory),
        { idempotent: true },
      );
      const names = (item.Names ?? []).map((name) => name.replace(/^\//, ''));
      return { id: item.Id, names, stats, sampledAt: Date.now() };
    } catch {
      return null; // stopped or removed since the list
    }
  }
}

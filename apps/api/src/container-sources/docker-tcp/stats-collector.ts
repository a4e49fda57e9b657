import type { ContainerStats } from '@archnest/contracts';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import type { RoundContainer } from '../../alerts/evaluation/observations';
import { engineTime } from '../docker-json/docker-status';
import { toContainerSummary } from '../docker-json/normalize';
import type { EngineInspect, EngineListItem } from '../docker-json/engine-types';
import { errorReason } from '../../common/errors/error-reason';
import { HostObservations } from '../../alerts/evaluation/host-observations';
import { MetricsRecorder } from '../../metrics/metrics-recorder';
import { SamplingLeases } from '../../metrics/sampling-leases';
import type { DockerHostEntity } from './docker-host.entity';
import { DockerTcpHostsRepository } from './docker-tcp-hosts.repository';
import { DockerTcpEngineClients, SAFE_TO_RESEND } from './engine-client';
import { listContainers, sampleStats } from './engine-operations';
import { PreviousSamples } from './previous-samples';

/** Samples of one host taken at once; an engine subscribes them all to one collector round. */
const SAMPLES_IN_FLIGHT = 32;
/** Beyond this, a round's figures are not served even if no newer round succeeded. */
const MAX_AGE_SLACK_MS = 5_000;

/** The latest stats the collector took of one running container. */
export interface CollectedStats {
  stats: ContainerStats;
  /** When the engine read the sample, on the engine's clock (compared with its StartedAt). */
  readAt: Date;
  /** When the sample arrived, on the API's clock (for ageing). */
  receivedAt: number;
}

/** Whether the inspected container still runs, unrestarted, since the collected sample. */
export function isStillCurrent(collected: CollectedStats, inspect: EngineInspect): boolean {
  const startedAt = engineTime(inspect.State?.StartedAt);
  return (
    inspect.State?.Status === 'running' &&
    startedAt !== null &&
    startedAt.getTime() <= collected.readAt.getTime()
  );
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

function toRoundContainer(item: EngineListItem): RoundContainer {
  const { id, name, state, status } = toContainerSummary(item);
  return { id, name, state, status };
}

/** One host's figures and the samples its running round is taking, by container id. */
class HostFigures {
  readonly latest = new Map<string, CollectedStats>();
  readonly pending = new Map<string, Promise<CollectedStats | null>>();
}

/**
 * Samples the stats of every running container of every Docker host in the background, every
 * `dockerStatsIntervalMs`, so that a stats request is answered from the last round instead of
 * waiting for the engine's stats collector (two rounds of it for a first CPU %, see
 * docs/docker-tcp.md, "Stats"). CPU % is the average since the previous round. A host whose
 * round is still running is skipped, so a slow engine never piles up calls; a host changed or
 * removed meanwhile gets a new figures object, and the old round stops at its next sample.
 */
@Injectable()
export class DockerTcpStatsCollector implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DockerTcpStatsCollector.name);
  private readonly figures = new Map<string, HostFigures>();
  private readonly previous = new PreviousSamples();
  private readonly rounds = new Map<string, Promise<void>>();
  private readonly intervalMs: number;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly hosts: DockerTcpHostsRepository,
    private readonly engines: DockerTcpEngineClients,
    private readonly recorder: MetricsRecorder,
    private readonly leases: SamplingLeases,
    private readonly observations: HostObservations,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'dockerStatsIntervalMs'>,
  ) {
    this.intervalMs = config.dockerStatsIntervalMs;
  }

  get enabled(): boolean {
    return this.intervalMs > 0 && !this.stopped;
  }

  onApplicationBootstrap(): void {
    if (this.enabled) {
      void this.collect();
      this.timer = setInterval(() => void this.collect(), this.intervalMs);
      this.timer.unref();
    }
  }

  /**
   * Before the engine clients close: no call starts any more. The calls in flight fail when
   * the clients close their connections, which ends the rounds.
   */
  beforeApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** Starts a round for a host just added or changed, dropping what its old endpoint gave. */
  watch(host: DockerHostEntity): void {
    this.forget(host.id);
    const running = this.rounds.get(host.id);
    void (running ? running.then(() => this.collectHost(host)) : this.collectHost(host));
  }

  forget(hostId: string): void {
    this.figures.delete(hostId);
  }

  /** The last round's stats of a running container (by full id), while they are fresh. */
  find(hostId: string, containerId: string): CollectedStats | null {
    const collected = this.figures.get(hostId)?.latest.get(containerId);
    const maxAgeMs = 2 * this.intervalMs + MAX_AGE_SLACK_MS;
    return collected && Date.now() - collected.receivedAt <= maxAgeMs ? collected : null;
  }

  /**
   * The sample the running round is taking of a container (by full id), if any: a request
   * waits for it rather than asking the engine for the same samples again. Rejects with the
   * engine's error.
   */
  inFlight(hostId: string, containerId: string): Promise<CollectedStats | null> {
    return this.figures.get(hostId)?.pending.get(containerId) ?? Promise.resolve(null);
  }

  /** One round over every stored host, each on its own. */
  async collect(): Promise<void> {
    try {
      const hosts = await this.hosts.list();
      const stored = new Set(hosts.map((host) => host.id));
      [...this.figures.keys()].filter((id) => !stored.has(id)).forEach((id) => this.forget(id));
      await Promise.all(hosts.map((host) => this.collectHost(host)));
    } catch (error) {
      if (!this.stopped) {
        this.logger.warn(`Stats round skipped: ${errorReason(error)}`);
      }
    }
  }

  private collectHost(host: DockerHostEntity): Promise<void> {
    if (!this.enabled || this.rounds.has(host.id)) {
      return Promise.resolve();
    }
    const round = this.runRound(host).finally(() => this.rounds.delete(host.id));
    this.rounds.set(host.id, round);
    return round;
  }

  private async runRound(host: DockerHostEntity): Promise<void> {
    const figures = this.figures.get(host.id) ?? new HostFigures();
    this.figures.set(host.id, figures);
    // False once the host was changed or removed, or the API stops: the round ends there.
    const current = (): boolean => this.enabled && this.figures.get(host.id) === figures;
    try {
      if (!(await this.leases.holds('docker-tcp', host.id, this.intervalMs))) {
        figures.latest.clear(); // another replica samples it; requests ask the engine
        return;
      }
      let listed: EngineListItem[];
      try {
        listed = await this.engines.call(
          host,
          (docker, signal) => listContainers(docker, signal, 'all'),
          SAFE_TO_RESEND,
        );
      } catch (error) {
        if (current()) {
          this.observations.recordFailure('docker-tcp', host.id, host.name, error);
        }
        return; // its last round ages out, and requests report the fault themselves
      }
      const at = new Date();
      const running = listed.filter((item) => item.State === 'running');
      await forEachLimited(running, SAMPLES_IN_FLIGHT, async ({ Id: id }) => {
        if (current()) {
          await this.sample(host, id, figures);
        }
      });
      const ids = new Set(running.map((item) => item.Id));
      [...figures.latest.keys()]
        .filter((id) => !ids.has(id))
        .forEach((id) => figures.latest.delete(id));
      if (current()) {
        this.record(host, running, figures);
        this.observations.recordRound({
          source: 'docker-tcp',
          hostId: host.id,
          hostName: host.name,
          at,
          containers: listed.map(toRoundContainer),
        });
      }
    } catch {
      // Samples catch their own faults; this keeps anything else from ending the collector.
    }
  }

  /** Hands the round's samples to the history, by container name. */
  private record(host: DockerHostEntity, running: EngineListItem[], figures: HostFigures): void {
    const containers = running.flatMap((item) => {
      const collected = figures.latest.get(item.Id);
      const name = item.Names?.[0]?.replace(/^\//, '');
      return collected && name ? [{ name, image: item.Image ?? '', stats: collected.stats }] : [];
    });
    this.recorder.record({ source: 'docker-tcp', hostId: host.id, at: new Date(), containers });
  }

  private async sample(host: DockerHostEntity, id: string, figures: HostFigures): Promise<void> {
    const result = this.takeSample(host, id);
    figures.pending.set(id, result);
    try {
      const collected = await result;
      if (collected) {
        figures.latest.set(id, collected);
      }
    } catch {
      figures.latest.delete(id); // stopped or removed since the list, or the engine failed
    } finally {
      figures.pending.delete(id);
    }
  }

  private async takeSample(host: DockerHostEntity, id: string): Promise<CollectedStats | null> {
    const memory = this.previous.of(`${host.id}/${id}`);
    const { stats, readAt } = await this.engines.call(
      host,
      (docker, signal) => sampleStats(docker, id, signal, memory),
      SAFE_TO_RESEND,
    );
    return readAt ? { stats, readAt, receivedAt: Date.now() } : null;
  }
}

import type {
  Capability,
  ContainerAction,
  ContainerDetail,
  ContainerHost,
  ContainerLogs,
  ContainerStats,
  ContainerSummary,
} from '@archnest/contracts';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { SourceRegistry } from '../source-registry';
import { assertContainerRef } from '../container-ref';
import type {
  ActionOptions,
  ActionOutcome,
  ContainerSource,
  FollowedLine,
  FollowOptions,
  LogFollow,
  LogOptions,
} from '../container-source';
import type { ExecRequest, SourceExec } from '../exec/exec-handle';
import type { DockerHostEntity } from './docker-host.entity';
import { DockerTcpHostsRepository } from './docker-tcp-hosts.repository';
import { DockerTcpEngineClients, ENGINE_TIMEOUT_MS, SAFE_TO_RESEND } from './engine-client';
import { inspectContainer, listContainers, performAction, sampleStats } from './engine-operations';
import { followLogs, readLogs } from './engine-logs';
import { DockerTcpExecService } from './exec/docker-tcp-exec.service';
import type { EngineInspect } from '../docker-json/engine-types';
import { toContainerDetail, toContainerSummary } from '../docker-json/normalize';
import { PreviousSamples } from './previous-samples';
import { EMPTY_STATS, hasNoStats } from './stats';
import { DockerTcpStatsCollector, isStillCurrent } from './stats-collector';

/** How long the host list waits for each engine before showing it unreachable. */
export const PROBE_TIMEOUT_MS = 3_000;
/** Docker's stop grace period when a container sets none (`docker stop` default). */
const DEFAULT_STOP_GRACE_S = 10;

function stopGrace(inspect: EngineInspect): number {
  return inspect.Config?.StopTimeout ?? DEFAULT_STOP_GRACE_S;
}

/**
 * The Docker Engine API source: containers of the stored hosts, read and managed through
 * dockerode. Every ref is checked against Docker's grammar before a request path is built.
 */
@Injectable()
export class DockerTcpService implements ContainerSource, OnModuleInit {
  readonly kind = 'docker-tcp';
  readonly capabilities: readonly Capability[] = ['inspect', 'stats', 'logs', 'manage', 'exec'];
  private readonly samples = new PreviousSamples();

  constructor(
    private readonly hosts: DockerTcpHostsRepository,
    private readonly engines: DockerTcpEngineClients,
    private readonly registry: SourceRegistry,
    private readonly collector: DockerTcpStatsCollector,
    private readonly exec: DockerTcpExecService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  /** Probes every engine in parallel; one that does not answer in time shows as unreachable. */
  async listHosts(): Promise<ContainerHost[]> {
    const hosts = await this.hosts.list();
    const counts = await Promise.all(hosts.map((host) => this.countContainers(host)));
    const now = new Date();
    await this.hosts.markSeen(
      hosts.filter((_host, i) => counts[i] !== null).map((host) => host.id),
      now,
    );
    return hosts.map((host, i) => ({
      source: this.kind,
      hostId: host.id,
      name: host.name,
      status: counts[i] === null ? 'unreachable' : 'online',
      containerCount: counts[i],
      capabilities: [...this.capabilities],
      lastSeenAt: (counts[i] === null ? host.lastSeenAt : now)?.toISOString() ?? null,
    }));
  }

  async hostName(hostId: string): Promise<string> {
    return (await this.hosts.require(hostId)).name;
  }

  async listContainers(hostId: string): Promise<ContainerSummary[]> {
    const host = await this.hosts.require(hostId);
    const items = await this.engines.call(host, listContainers, SAFE_TO_RESEND);
    return items.map(toContainerSummary);
  }

  async getContainer(hostId: string, ref: string): Promise<ContainerDetail> {
    assertContainerRef(ref);
    const host = await this.hosts.require(hostId);
    const inspect = await this.inspect(host, ref);
    return toContainerDetail(inspect);
  }

  async getLogs(hostId: string, ref: string, options: LogOptions): Promise<ContainerLogs> {
    assertContainerRef(ref);
    const host = await this.hosts.require(hostId);
    return this.engines.call(
      host,
      async (docker, signal) => {
        const inspect = await inspectContainer(docker, ref, signal);
        return readLogs(docker, ref, { ...options, tty: inspect.Config?.Tty === true }, signal);
      },
      SAFE_TO_RESEND,
    );
  }

  async followLogs(
    hostId: string,
    ref: string,
    options: FollowOptions,
    onLine: (line: FollowedLine) => void,
  ): Promise<LogFollow> {
    assertContainerRef(ref);
    const host = await this.hosts.require(hostId);
    return this.engines.call(host, async (docker, signal) => {
      const inspect = await inspectContainer(docker, ref, signal);
      const tty = inspect.Config?.Tty === true;
      return followLogs(docker, ref, { ...options, tty }, signal, onLine);
    });
  }

  async getStats(hostId: string, ref: string): Promise<ContainerStats> {
    assertContainerRef(ref);
    const host = await this.hosts.require(hostId);
    if (this.collector.enabled) {
      const inspect = await this.inspect(host, ref);
      if (hasNoStats(inspect)) {
        return EMPTY_STATS;
      }
      const collected =
        this.collector.find(host.id, inspect.Id) ??
        (await this.collector.inFlight(host.id, inspect.Id));
      if (collected && isStillCurrent(collected, inspect)) {
        return collected.stats;
      }
    }
    const memory = this.samples.of(`${host.id}/${ref}`);
    const sample = await this.engines.call(
      host,
      (docker, signal) => sampleStats(docker, ref, signal, memory),
      SAFE_TO_RESEND,
    );
    return sample.stats;
  }

  async runAction(
    hostId: string,
    ref: string,
    action: ContainerAction,
    options: ActionOptions,
  ): Promise<ActionOutcome> {
    assertContainerRef(ref);
    return this.act(await this.hosts.require(hostId), ref, action, options);
  }

  async openExec(hostId: string, ref: string, request: ExecRequest): Promise<SourceExec> {
    assertContainerRef(ref);
    return this.exec.open(await this.hosts.require(hostId), ref, request);
  }

  /**
   * Inspects first (a read, retried on a stale connection, so the action itself goes out on a
   * live one), then acts. Stop and restart wait for the container's own grace period, so their
   * deadline grows by it.
   */
  private async act(
    host: DockerHostEntity,
    ref: string,
    action: ContainerAction,
    options: ActionOptions,
  ): Promise<ActionOutcome> {
    const inspect = await this.inspect(host, ref);
    const graceS = action === 'stop' || action === 'restart' ? stopGrace(inspect) : 0;
    return this.engines.call(
      host,
      (docker, signal) => performAction(docker, ref, action, options, signal),
      { timeoutMs: ENGINE_TIMEOUT_MS + graceS * 1000 },
    );
  }

  private inspect(host: DockerHostEntity, ref: string): Promise<EngineInspect> {
    return this.engines.call(
      host,
      (docker, signal) => inspectContainer(docker, ref, signal),
      SAFE_TO_RESEND,
    );
  }

  private async countContainers(host: DockerHostEntity): Promise<number | null> {
    try {
      const items = await this.engines.call(host, listContainers, {
        ...SAFE_TO_RESEND,
        timeoutMs: PROBE_TIMEOUT_MS,
      });
      return items.length;
    } catch (error) {
      if (error instanceof AppError) {
        return null;
      }
      throw error;
    }
  }
}

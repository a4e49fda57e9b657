import type {
  AllContainers,
  Capability,
  ContainerAction,
  ContainerDetail,
  ContainerHost,
  ContainerLogs,
  ContainerStats,
  ContainerSummary,
  HostContainer,
  HostFailure,
  SourceKind,
} from '@archnest/contracts';
import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../common/decorators/current-user.decorator';
import { AppError, ErrorCode } from '../common/errors/app-error';
import type { ContainerSource } from '../container-sources/container-source';
import { SourceRegistry } from './source-registry';

const CAPABILITY_NAMES: Record<Capability, string> = {
  inspect: 'container details',
  stats: 'stats',
  logs: 'logs',
  manage: 'container actions',
  exec: 'a shell',
};

/** The aggregator: one API over every source, driven by what each source says it can do. */
@Injectable()
export class ContainersService {
  constructor(private readonly registry: SourceRegistry) {}

  listHosts(): Promise<ContainerHost[]> {
    return this.registry.listHosts();
  }

  /** Every container of every host; a host that fails is reported, not fatal. */
  async listAll(): Promise<AllContainers> {
    const hosts = await this.registry.listHosts();
    const results = await Promise.allSettled(hosts.map((host) => this.containersOf(host)));
    const containers: HostContainer[] = [];
    const failures: HostFailure[] = [];
    results.forEach((result, index) => {
      const { source, hostId } = hosts[index];
      if (result.status === 'fulfilled') {
        containers.push(...result.value);
      } else {
        failures.push({ source, hostId, message: readableReason(result.reason) });
      }
    });
    return { containers, failures };
  }

  list(kind: SourceKind, hostId: string): Promise<ContainerSummary[]> {
    return this.source(kind).listContainers(hostId);
  }

  get(kind: SourceKind, hostId: string, ref: string): Promise<ContainerDetail> {
    return this.source(kind).getContainer(hostId, ref);
  }

  logs(kind: SourceKind, hostId: string, ref: string, tail: number): Promise<ContainerLogs> {
    const source = this.sourceWith(kind, 'logs');
    return source.getLogs!(hostId, ref, { tail, timestamps: true });
  }

  stats(kind: SourceKind, hostId: string, ref: string): Promise<ContainerStats> {
    const source = this.sourceWith(kind, 'stats');
    if (source.getStats) {
      return source.getStats(hostId, ref);
    }
    return this.reportedStats(source, hostId, ref);
  }

  act(
    actor: AuthUser,
    kind: SourceKind,
    hostId: string,
    ref: string,
    action: ContainerAction,
    force = false,
  ): Promise<void> {
    const source = this.sourceWith(kind, 'manage');
    return source.runAction!(actor, hostId, ref, action, { force });
  }

  private async containersOf(host: ContainerHost): Promise<HostContainer[]> {
    const containers = await this.source(host.source).listContainers(host.hostId);
    return containers.map((c) => ({
      ...c,
      source: host.source,
      hostId: host.hostId,
      hostName: host.name,
    }));
  }

  /** Sources that only report stats (the agent) keep them on the container itself. */
  private async reportedStats(
    source: ContainerSource,
    hostId: string,
    ref: string,
  ): Promise<ContainerStats> {
    const { stats } = await source.getContainer(hostId, ref);
    if (!stats) {
      throw new AppError(ErrorCode.NotFound, `No stats reported for container ${ref}`);
    }
    return stats;
  }

  private source(kind: SourceKind): ContainerSource {
    const source = this.registry.get(kind);
    if (!source) {
      throw new AppError(ErrorCode.NotFound, `No ${kind} source is configured`);
    }
    return source;
  }

  private sourceWith(kind: SourceKind, capability: Capability): ContainerSource {
    const source = this.source(kind);
    if (!source.capabilities.includes(capability)) {
      throw new AppError(
        ErrorCode.BadRequest,
        `${CAPABILITY_NAMES[capability]} not available: not reported by the ${kind} source`,
      );
    }
    return source;
  }
}

function readableReason(reason: unknown): string {
  return reason instanceof AppError ? reason.message : 'The host did not answer';
}

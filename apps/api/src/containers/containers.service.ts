import type {
  AllContainers,
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
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../common/decorators/current-user.decorator';
import { AppError } from '../common/errors/app-error';
import { assertContainerRef } from '../container-sources/container-ref';
import type { ActionOutcome, LogOptions } from '../container-sources/container-source';
import { SourceRegistry } from '../container-sources/source-registry';

/** The aggregator: one API over every source, driven by what each source says it can do. */
@Injectable()
export class ContainersService {
  constructor(
    private readonly registry: SourceRegistry,
    private readonly audit: AuditService,
  ) {}

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
    return this.registry.source(kind).listContainers(hostId);
  }

  get(kind: SourceKind, hostId: string, ref: string): Promise<ContainerDetail> {
    return this.registry.source(kind).getContainer(hostId, ref);
  }

  logs(kind: SourceKind, hostId: string, ref: string, options: LogOptions): Promise<ContainerLogs> {
    return this.registry.sourceWith(kind, 'logs').getLogs(hostId, ref, options);
  }

  stats(kind: SourceKind, hostId: string, ref: string): Promise<ContainerStats> {
    return this.registry.sourceWith(kind, 'stats').getStats(hostId, ref);
  }

  /** Runs a whitelisted action and records it once in the audit log, done or failed. */
  async act(
    actor: AuthUser,
    kind: SourceKind,
    hostId: string,
    ref: string,
    action: ContainerAction,
    force = false,
  ): Promise<void> {
    const source = this.registry.sourceWith(kind, 'manage');
    assertContainerRef(ref);
    const hostName = await source.hostName(hostId);
    await this.audit.recordOutcome(
      {
        actor: actor.username,
        action: `${kind}.container.${action}`,
        target: `${kind}:${hostName}/${ref}`,
        context: `hostId=${hostId}${action === 'remove' ? ` force=${force}` : ''}`,
      },
      () => source.runAction(hostId, ref, action, { force }),
      describeOutcome,
    );
  }

  private async containersOf(host: ContainerHost): Promise<HostContainer[]> {
    const containers = await this.registry.source(host.source).listContainers(host.hostId);
    return containers.map((c) => ({
      ...c,
      source: host.source,
      hostId: host.hostId,
      hostName: host.name,
    }));
  }
}

function describeOutcome(outcome: ActionOutcome): string {
  return outcome === 'unchanged' ? 'no change: already in that state' : 'done';
}

function readableReason(reason: unknown): string {
  return reason instanceof AppError ? reason.message : 'The host did not answer';
}

import type {
  AgentContainer,
  AgentReport,
  AgentHost,
  AgentReportReceipt,
  Capability,
  ContainerDetail,
  ContainerHost,
  ContainerStats,
  ContainerSummary,
} from '@archnest/contracts';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { AppError, ErrorCode } from '../../common/errors/app-error';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { MetricsRecorder } from '../../metrics/metrics-recorder';
import { SourceRegistry } from '../source-registry';
import type { ContainerSource } from '../container-source';
import { AgentReportEntity } from './agent-report.entity';
import { AgentReportsRepository } from './agent-reports.repository';
import { isStale } from './staleness';
import {
  findContainer,
  maskedContainer,
  toContainerDetail,
  toContainerSummary,
} from './to-container';

/**
 * The push-agent source: stores the latest report per host and serves it back. Monitoring only:
 * ingest stores data and never executes anything, so it offers no logs, manage or exec.
 */
@Injectable()
export class AgentsService implements ContainerSource, OnModuleInit {
  readonly kind = 'agent';
  readonly capabilities: readonly Capability[] = ['inspect', 'stats'];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly reports: AgentReportsRepository,
    private readonly registry: SourceRegistry,
    private readonly recorder: MetricsRecorder,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async ingest(report: AgentReport): Promise<AgentReportReceipt> {
    const receivedAt = new Date();
    const containers = report.containers.map((container) =>
      maskedContainer({ ...container, stats: container.stats ?? null }),
    );
    const entity: AgentReportEntity = {
      hostId: report.hostId,
      hostname: report.hostname,
      agentVersion: report.agentVersion,
      reportJson: JSON.stringify(containers),
      containerCount: containers.length,
      reportedAt: new Date(report.reportedAt),
      receivedAt,
    };
    await this.reports.upsert(entity);
    this.recordStats(report, receivedAt);
    return {
      hostId: report.hostId,
      receivedAt: receivedAt.toISOString(),
      containerCount: containers.length,
    };
  }

  /** The report's stats join the history at `reportedAt`, never later than it arrived. */
  private recordStats(report: AgentReport, receivedAt: Date): void {
    const reportedAt = new Date(report.reportedAt);
    const at = reportedAt.getTime() < receivedAt.getTime() ? reportedAt : receivedAt;
    this.recorder.record({
      source: 'agent',
      hostId: report.hostId,
      at,
      containers: report.containers,
    });
  }

  async listAgentHosts(): Promise<AgentHost[]> {
    const now = new Date();
    const rows = await this.reports.listHosts();
    return rows.map((row) => ({
      hostId: row.hostId,
      hostname: row.hostname,
      agentVersion: row.agentVersion,
      reportedAt: row.reportedAt.toISOString(),
      receivedAt: row.receivedAt.toISOString(),
      containerCount: row.containerCount,
      stale: isStale(row.receivedAt, now, this.config.staleAfterMs),
    }));
  }

  async listAgentContainers(hostId: string): Promise<AgentContainer[]> {
    const report = await this.reports.findOne(hostId);
    if (!report) {
      throw new AppError(ErrorCode.NotFound, `No report from agent host ${hostId}`);
    }
    const containers = JSON.parse(report.reportJson) as AgentContainer[];
    return containers.map(maskedContainer);
  }

  async getAgentContainer(hostId: string, ref: string): Promise<AgentContainer> {
    const container = findContainer(await this.listAgentContainers(hostId), ref);
    if (!container) {
      throw new AppError(
        ErrorCode.NotFound,
        `Container ${ref} not reported by agent host ${hostId}`,
      );
    }
    return container;
  }

  async listHosts(): Promise<ContainerHost[]> {
    const hosts = await this.listAgentHosts();
    return hosts.map((host) => ({
      source: this.kind,
      hostId: host.hostId,
      name: host.hostname,
      status: host.stale ? 'stale' : 'online',
      containerCount: host.containerCount,
      capabilities: [...this.capabilities],
      lastSeenAt: host.receivedAt,
    }));
  }

  async listContainers(hostId: string): Promise<ContainerSummary[]> {
    return (await this.listAgentContainers(hostId)).map(toContainerSummary);
  }

  async hostName(hostId: string): Promise<string> {
    const report = await this.reports.findOne(hostId);
    if (!report) {
      throw new AppError(ErrorCode.NotFound, `No report from agent host ${hostId}`);
    }
    return report.hostname;
  }

  async getContainer(hostId: string, ref: string): Promise<ContainerDetail> {
    return toContainerDetail(await this.getAgentContainer(hostId, ref));
  }

  /** The stats of the latest report; agents sample them on every run. */
  async getStats(hostId: string, ref: string): Promise<ContainerStats> {
    const { stats } = await this.getAgentContainer(hostId, ref);
    if (!stats) {
      throw new AppError(ErrorCode.NotFound, `No stats reported for container ${ref}`);
    }
    return stats;
  }
}

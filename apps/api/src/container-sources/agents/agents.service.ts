import type {
  AgentContainer,
  AgentReport,
  AgentSteadyContainer,
  AgentSteadyReport,
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
import { MetricsRecorder, type MetricsRound } from '../../metrics/metrics-recorder';
import { SourceRegistry } from '../source-registry';
import type { ContainerSource } from '../container-source';
import { type AnyAgentReport, isSteadyReport } from './agent-report.pipe';
import { AgentReportWriter } from './agent-report-writer';
import { AgentReportsRepository } from './agent-reports.repository';
import { InventoryNames, type NamesById, namesOf } from './inventory-names';
import { isStale } from './staleness';
import {
  findContainer,
  maskedContainer,
  withStats,
  withSteadyStats,
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
    private readonly writer: AgentReportWriter,
    private readonly recorder: MetricsRecorder,
  ) {}

  private readonly names = new InventoryNames();

  onModuleInit(): void {
    this.registry.register(this);
  }

  /** Stores a full or steady report; null when a steady report's digest is not the stored one. */
  ingest(report: AnyAgentReport): Promise<AgentReportReceipt | null> {
    return isSteadyReport(report) ? this.ingestSteady(report) : this.ingestFull(report);
  }

  private async ingestFull(report: AgentReport): Promise<AgentReportReceipt> {
    const receivedAt = new Date();
    const containers = report.containers.map((container) =>
      maskedContainer({ ...container, stats: container.stats ?? null }),
    );
    const digest = report.inventoryDigest ?? null;
    await this.writer.writeFull({
      hostId: report.hostId,
      hostname: report.hostname,
      agentVersion: report.agentVersion,
      inventoryDigest: digest,
      reportJson: JSON.stringify(containers),
      containerCount: containers.length,
      reportedAt: new Date(report.reportedAt),
      receivedAt,
    });
    if (digest) {
      this.names.set(report.hostId, digest, namesOf(containers));
    }
    this.recordStats(report, containers, receivedAt);
    return receipt(report.hostId, receivedAt, containers.length, 'full');
  }

  private async ingestSteady(report: AgentSteadyReport): Promise<AgentReportReceipt | null> {
    const receivedAt = new Date();
    const stored = await this.writer.writeSteady({
      hostId: report.hostId,
      inventoryDigest: report.inventoryDigest,
      statsJson: JSON.stringify(report.containers),
      reportedAt: new Date(report.reportedAt),
      receivedAt,
    });
    if (!stored) {
      return null;
    }
    if (this.recorder.enabled) {
      const names = await this.namesFor(report.hostId, report.inventoryDigest);
      this.recordStats(report, withStats(names, report.containers), receivedAt);
    }
    return receipt(report.hostId, receivedAt, report.containers.length, 'steady');
  }

  /** The names of the stored inventory, read once per host and digest. */
  private async namesFor(hostId: string, digest: string): Promise<NamesById> {
    const cached = this.names.get(hostId, digest);
    if (cached) {
      return cached;
    }
    const found = await this.reports.findOne(hostId);
    if (found?.report.inventoryDigest !== digest) {
      return new Map(); // replaced meanwhile; the next report has the new inventory's names
    }
    const names = namesOf(JSON.parse(found.report.reportJson) as AgentContainer[]);
    this.names.set(hostId, digest, names);
    return names;
  }

  /** The report's stats join the history at `reportedAt`, never later than it arrived. */
  private recordStats(
    report: AnyAgentReport,
    containers: MetricsRound['containers'],
    receivedAt: Date,
  ): void {
    const reportedAt = new Date(report.reportedAt);
    const at = reportedAt.getTime() < receivedAt.getTime() ? reportedAt : receivedAt;
    this.recorder.record({ source: 'agent', hostId: report.hostId, at, containers });
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
    const found = await this.reports.findOne(hostId);
    if (!found) {
      throw new AppError(ErrorCode.NotFound, `No report from agent host ${hostId}`);
    }
    const containers = JSON.parse(found.report.reportJson) as AgentContainer[];
    const current = found.steady
      ? withSteadyStats(containers, JSON.parse(found.steady.statsJson) as AgentSteadyContainer[])
      : containers;
    return current.map(maskedContainer);
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
    const found = await this.reports.findOne(hostId);
    if (!found) {
      throw new AppError(ErrorCode.NotFound, `No report from agent host ${hostId}`);
    }
    return found.report.hostname;
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

function receipt(
  hostId: string,
  receivedAt: Date,
  containerCount: number,
  kind: AgentReportReceipt['kind'],
): AgentReportReceipt {
  return { hostId, receivedAt: receivedAt.toISOString(), containerCount, kind };
}

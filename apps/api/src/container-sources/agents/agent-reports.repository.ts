import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AgentReportEntity } from './agent-report.entity';

export type AgentHostRow = Omit<AgentReportEntity, 'reportJson'>;

/** Storage of the latest report per host. */
@Injectable()
export class AgentReportsRepository {
  constructor(
    @InjectRepository(AgentReportEntity) private readonly reports: Repository<AgentReportEntity>,
  ) {}

  /** One atomic INSERT … ON CONFLICT (host_id) DO UPDATE: never two rows, never a torn row. */
  async upsert(report: AgentReportEntity): Promise<void> {
    await this.reports.upsert(report, {
      conflictPaths: ['hostId'],
      skipUpdateIfNoValuesChanged: false,
    });
  }

  listHosts(): Promise<AgentHostRow[]> {
    return this.reports.find({
      select: ['hostId', 'hostname', 'agentVersion', 'containerCount', 'reportedAt', 'receivedAt'],
      order: { hostId: 'ASC' },
    });
  }

  findOne(hostId: string): Promise<AgentReportEntity | null> {
    return this.reports.findOneBy({ hostId });
  }
}

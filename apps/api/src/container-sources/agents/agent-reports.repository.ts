import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Driver } from 'typeorm/driver/Driver';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { AgentReportEntity } from './agent-report.entity';

export type AgentHostRow = Omit<AgentReportEntity, 'reportJson'>;

/**
 * `INSERT … ON CONFLICT (key) DO UPDATE SET` every other column, with the driver's own quoting and
 * placeholders (`?` on SQLite, `$1…` on PostgreSQL): one statement, so atomic on both.
 */
export function upsertStatement(
  driver: Pick<Driver, 'escape' | 'createParameter'>,
  table: string,
  columns: readonly string[],
  key: string,
): string {
  const names = columns.map((column) => driver.escape(column));
  const placeholders = columns.map((column, index) => driver.createParameter(column, index));
  const updates = columns
    .filter((column) => column !== key)
    .map((column) => `${driver.escape(column)} = EXCLUDED.${driver.escape(column)}`);
  return (
    `INSERT INTO ${driver.escape(table)} (${names.join(', ')}) VALUES (${placeholders.join(', ')}) ` +
    `ON CONFLICT (${driver.escape(key)}) DO UPDATE SET ${updates.join(', ')}`
  );
}

/** Storage of the latest report per host. */
@Injectable()
export class AgentReportsRepository {
  private readonly columns: readonly ColumnMetadata[];
  private readonly upsertSql: string;

  constructor(
    @InjectRepository(AgentReportEntity) private readonly reports: Repository<AgentReportEntity>,
  ) {
    const { metadata } = reports;
    this.columns = metadata.columns;
    // The table has no schema prefix and one primary column (host_id), in both databases.
    this.upsertSql = upsertStatement(
      reports.manager.connection.driver,
      metadata.tableName,
      this.columns.map((column) => column.databaseName),
      metadata.primaryColumns[0].databaseName,
    );
  }

  /**
   * One atomic INSERT … ON CONFLICT (host_id) DO UPDATE: never two rows, never a torn row.
   * Raw rather than through TypeORM's upsert builder, which cost about 8 % of ingest CPU to
   * build the same statement on every report; values still go through the driver's conversion
   * (dates as TypeORM stores and reads them).
   */
  async upsert(report: AgentReportEntity): Promise<void> {
    const driver = this.reports.manager.connection.driver;
    const values = this.columns.map((column): unknown =>
      driver.preparePersistentValue(column.getEntityValue(report), column),
    );
    await this.reports.query(this.upsertSql, values);
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

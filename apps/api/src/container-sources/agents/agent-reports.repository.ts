import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import type { Driver } from 'typeorm/driver/Driver';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { AgentReportEntity } from './agent-report.entity';
import { AgentStatsEntity } from './agent-stats.entity';

export type AgentHostRow = Omit<AgentReportEntity, 'reportJson'>;

type SqlDriver = Pick<Driver, 'escape' | 'createParameter'>;

/** `(p1, p2, …), (…)` for `rows` rows of `columns`, with the driver's placeholders. */
function valueTuples(
  driver: SqlDriver,
  columns: readonly string[],
  rows: number,
  casts: readonly string[] = [],
): string {
  const tuples: string[] = [];
  for (let row = 0; row < rows; row++) {
    const placeholders = columns.map(
      (column, i) => driver.createParameter(column, row * columns.length + i) + (casts[i] ?? ''),
    );
    tuples.push(`(${placeholders.join(', ')})`);
  }
  return tuples.join(', ');
}

/**
 * `INSERT … VALUES (…), (…) ON CONFLICT (key) DO UPDATE SET` every other column, with the
 * driver's own quoting and placeholders (`?` on SQLite, `$1…` on PostgreSQL): one statement, so
 * atomic on both. The rows must have distinct keys (PostgreSQL refuses to update a row twice).
 */
export function upsertStatement(
  driver: SqlDriver,
  table: string,
  columns: readonly string[],
  key: string,
  rows = 1,
): string {
  const names = columns.map((column) => driver.escape(column));
  const updates = columns
    .filter((column) => column !== key)
    .map((column) => `${driver.escape(column)} = EXCLUDED.${driver.escape(column)}`);
  return (
    `INSERT INTO ${driver.escape(table)} (${names.join(', ')}) ` +
    `VALUES ${valueTuples(driver, columns, rows)} ` +
    `ON CONFLICT (${driver.escape(key)}) DO UPDATE SET ${updates.join(', ')}`
  );
}

/**
 * Storage of the latest report per host, and of the stats of its latest steady report. Writes
 * take many hosts at once (AgentReportWriter's batches), each kind in one statement.
 */
@Injectable()
export class AgentReportsRepository {
  private readonly driver: Driver;
  private readonly reportColumns: readonly ColumnMetadata[];
  private readonly statsColumns: readonly ColumnMetadata[];

  constructor(
    @InjectRepository(AgentReportEntity) private readonly reports: Repository<AgentReportEntity>,
    @InjectRepository(AgentStatsEntity) private readonly stats: Repository<AgentStatsEntity>,
  ) {
    this.driver = reports.manager.connection.driver;
    this.reportColumns = reports.metadata.columns;
    this.statsColumns = stats.metadata.columns;
  }

  /** Values through the driver's conversion (dates as TypeORM stores and reads them). */
  private values<T extends object>(
    columns: readonly ColumnMetadata[],
    rows: readonly T[],
  ): unknown[] {
    return rows.flatMap((row) =>
      columns.map((column): unknown =>
        this.driver.preparePersistentValue(column.getEntityValue(row), column),
      ),
    );
  }

  /**
   * One atomic INSERT … ON CONFLICT (host_id) DO UPDATE for all of them (distinct hosts): never
   * two rows for a host, never a torn row. Raw rather than through TypeORM's upsert builder,
   * which cost about 8 % of ingest CPU to build the same statement on every report.
   */
  async upsertReports(reports: readonly AgentReportEntity[]): Promise<void> {
    if (reports.length === 0) {
      return;
    }
    const { metadata } = this.reports;
    const sql = upsertStatement(
      this.driver,
      metadata.tableName,
      this.reportColumns.map((column) => column.databaseName),
      metadata.primaryColumns[0].databaseName,
      reports.length,
    );
    await this.reports.query(sql, this.values(this.reportColumns, reports));
  }

  /**
   * Stores the stats of steady reports (distinct hosts) whose digest is the stored inventory's,
   * in one statement, and returns the hosts stored: the others need a full report.
   */
  async saveSteadyStats(rows: readonly AgentStatsEntity[]): Promise<Set<string>> {
    if (rows.length === 0) {
      return new Set();
    }
    const columns = this.statsColumns.map((column) => column.databaseName);
    // PostgreSQL types VALUES placeholders as text: the times need a cast, in column order.
    const casts =
      this.driver.options.type === 'postgres' ? ['', '', '', '::timestamptz', '::timestamptz'] : [];
    const names = columns.join(', ');
    const updates = columns
      .filter((column) => column !== 'host_id')
      .map((column) => `${column} = EXCLUDED.${column}`);
    // Led by WITH, so TypeORM's SQLite runner returns the RETURNING rows (it drops them for a
    // statement that starts with INSERT).
    const sql =
      `WITH v (${names}) AS (VALUES ${valueTuples(this.driver, columns, rows.length, casts)}) ` +
      `INSERT INTO docker_agent_stats (${names}) ` +
      `SELECT ${columns.map((column) => `v.${column}`).join(', ')} FROM v ` +
      'JOIN docker_agent_reports r ON r.host_id = v.host_id AND r.inventory_digest = v.inventory_digest ' +
      `WHERE true ON CONFLICT (host_id) DO UPDATE SET ${updates.join(', ')} RETURNING host_id`;
    const stored: { host_id: string }[] = await this.stats.query(
      sql,
      this.values(this.statsColumns, rows),
    );
    return new Set(stored.map((row) => row.host_id));
  }

  /** Every host, with the times of its latest report, full or steady. */
  async listHosts(): Promise<AgentHostRow[]> {
    const [reports, steady] = await Promise.all([
      this.reports.find({
        select: [
          'hostId',
          'hostname',
          'agentVersion',
          'inventoryDigest',
          'containerCount',
          'reportedAt',
          'receivedAt',
        ],
        order: { hostId: 'ASC' },
      }),
      this.stats.find({ select: ['hostId', 'inventoryDigest', 'reportedAt', 'receivedAt'] }),
    ]);
    const steadyByHost = new Map(steady.map((row) => [row.hostId, row]));
    return reports.map((report) => {
      const stats = steadyByHost.get(report.hostId);
      return stats && appliesTo(stats, report)
        ? { ...report, reportedAt: stats.reportedAt, receivedAt: stats.receivedAt }
        : report;
    });
  }

  /** The stored containers (JSON) of these hosts. */
  async findReportJson(hostIds: readonly string[]): Promise<Map<string, string>> {
    const rows = hostIds.length
      ? await this.reports.find({
          select: ['hostId', 'reportJson'],
          where: { hostId: In([...hostIds]) },
        })
      : [];
    return new Map(rows.map((row) => [row.hostId, row.reportJson]));
  }

  /** The host's report and the stats of its latest steady report when they apply to it. */
  async findOne(
    hostId: string,
  ): Promise<{ report: AgentReportEntity; steady: AgentStatsEntity | null } | null> {
    const [report, steady] = await Promise.all([
      this.reports.findOneBy({ hostId }),
      this.stats.findOneBy({ hostId }),
    ]);
    if (!report) {
      return null;
    }
    return { report, steady: steady && appliesTo(steady, report) ? steady : null };
  }
}

/** Steady stats describe the stored inventory while they share its digest and are newer. */
function appliesTo(
  steady: Pick<AgentStatsEntity, 'inventoryDigest' | 'receivedAt'>,
  report: Pick<AgentReportEntity, 'inventoryDigest' | 'receivedAt'>,
): boolean {
  return (
    steady.inventoryDigest === report.inventoryDigest &&
    steady.receivedAt.getTime() > report.receivedAt.getTime()
  );
}

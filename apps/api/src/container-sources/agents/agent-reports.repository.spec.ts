import { DataSource } from 'typeorm';
import { AgentReportEntity } from './agent-report.entity';
import { AgentReportsRepository, upsertStatement } from './agent-reports.repository';
import { AgentStatsEntity } from './agent-stats.entity';

const COLUMNS = ['host_id', 'hostname', 'report_json'];

describe('upsertStatement', () => {
  it('uses ? placeholders on SQLite', () => {
    const { driver } = new DataSource({ type: 'sqlite', database: ':memory:' });
    expect(upsertStatement(driver, 'reports', COLUMNS, 'host_id')).toBe(
      'INSERT INTO "reports" ("host_id", "hostname", "report_json") VALUES (?, ?, ?) ' +
        'ON CONFLICT ("host_id") DO UPDATE SET ' +
        '"hostname" = EXCLUDED."hostname", "report_json" = EXCLUDED."report_json"',
    );
  });

  it('uses numbered placeholders on PostgreSQL', () => {
    const { driver } = new DataSource({ type: 'postgres' });
    expect(upsertStatement(driver, 'reports', COLUMNS, 'host_id')).toBe(
      'INSERT INTO "reports" ("host_id", "hostname", "report_json") VALUES ($1, $2, $3) ' +
        'ON CONFLICT ("host_id") DO UPDATE SET ' +
        '"hostname" = EXCLUDED."hostname", "report_json" = EXCLUDED."report_json"',
    );
  });

  it('numbers the placeholders of every row on PostgreSQL', () => {
    const { driver } = new DataSource({ type: 'postgres' });
    expect(upsertStatement(driver, 'reports', COLUMNS, 'host_id', 2)).toContain(
      'VALUES ($1, $2, $3), ($4, $5, $6) ON CONFLICT',
    );
  });
});

describe('AgentReportsRepository (in-memory SQLite)', () => {
  let dataSource: DataSource;
  let repository: AgentReportsRepository;

  beforeEach(async () => {
    dataSource = await new DataSource({
      type: 'sqlite',
      database: ':memory:',
      entities: [AgentReportEntity, AgentStatsEntity],
      synchronize: true,
    }).initialize();
    repository = new AgentReportsRepository(
      dataSource.getRepository(AgentReportEntity),
      dataSource.getRepository(AgentStatsEntity),
    );
  });

  afterEach(() => dataSource.destroy());

  function report(hostname: string, receivedAt: string, hostId = 'host-1'): AgentReportEntity {
    return {
      hostId,
      hostname,
      agentVersion: '2',
      inventoryDigest: `${hostname.length}`.padStart(64, 'a'),
      reportJson: JSON.stringify([{ name: hostname }]),
      containerCount: 1,
      reportedAt: new Date('2026-06-20T16:30:00.123Z'),
      receivedAt: new Date(receivedAt),
    };
  }

  function steady(hostId: string, digest: string, receivedAt: string): AgentStatsEntity {
    return {
      hostId,
      inventoryDigest: digest,
      statsJson: JSON.stringify([{ id: 'c'.repeat(12), stats: [1, 2, 3, 4, 5, 6, 7] }]),
      reportedAt: new Date(receivedAt),
      receivedAt: new Date(receivedAt),
    };
  }

  it('inserts, then replaces the whole row of the same host, dates as TypeORM reads them', async () => {
    await repository.upsertReports([report('first', '2026-06-20T16:30:01.000Z')]);
    const second = report('second', '2026-06-20T16:31:01.456Z');
    await repository.upsertReports([second]);

    expect(await dataSource.getRepository(AgentReportEntity).count()).toBe(1);
    expect(await repository.findOne('host-1')).toEqual({ report: second, steady: null });
  });

  it('writes the reports of many hosts in one statement', async () => {
    const hosts = ['a', 'b', 'c'].map((id) => report(`h-${id}`, '2026-06-20T16:30:01.000Z', id));
    await repository.upsertReports(hosts);
    expect((await repository.listHosts()).map((row) => row.hostId)).toEqual(['a', 'b', 'c']);
  });

  it('stores steady stats only for hosts whose stored inventory has their digest', async () => {
    const first = report('first', '2026-06-20T16:30:01.000Z');
    await repository.upsertReports([first]);
    const held = steady('host-1', first.inventoryDigest!, '2026-06-20T16:30:31.000Z');
    const stored = await repository.saveSteadyStats([
      held,
      steady('host-1x', first.inventoryDigest!, '2026-06-20T16:30:31.000Z'),
    ]);
    expect([...stored]).toEqual(['host-1']);
    expect(
      await repository.saveSteadyStats([
        steady('host-1', 'f'.repeat(64), '2026-06-20T16:31:01.000Z'),
      ]),
    ).toEqual(new Set());

    expect(await repository.findOne('host-1')).toEqual({ report: first, steady: held });
    const [host] = await repository.listHosts();
    expect(host.receivedAt).toEqual(held.receivedAt);
  });

  it('lets a newer full report win over older steady stats', async () => {
    const first = report('first', '2026-06-20T16:30:01.000Z');
    await repository.upsertReports([first]);
    await repository.saveSteadyStats([
      steady('host-1', first.inventoryDigest!, '2026-06-20T16:30:31.000Z'),
    ]);
    const again = report('first', '2026-06-20T16:31:01.000Z');
    await repository.upsertReports([again]);
    expect(await repository.findOne('host-1')).toEqual({ report: again, steady: null });
  });
});

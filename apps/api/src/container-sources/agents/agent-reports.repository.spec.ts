import { DataSource } from 'typeorm';
import { AgentReportEntity } from './agent-report.entity';
import { AgentReportsRepository, upsertStatement } from './agent-reports.repository';

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
});

describe('AgentReportsRepository.upsert (in-memory SQLite)', () => {
  let dataSource: DataSource;
  let repository: AgentReportsRepository;

  beforeEach(async () => {
    dataSource = await new DataSource({
      type: 'sqlite',
      database: ':memory:',
      entities: [AgentReportEntity],
      synchronize: true,
    }).initialize();
    repository = new AgentReportsRepository(dataSource.getRepository(AgentReportEntity));
  });

  afterEach(() => dataSource.destroy());

  function report(hostname: string, receivedAt: string): AgentReportEntity {
    return {
      hostId: 'host-1',
      hostname,
      agentVersion: '1',
      reportJson: JSON.stringify([{ name: hostname }]),
      containerCount: 1,
      reportedAt: new Date('2026-06-20T16:30:00.123Z'),
      receivedAt: new Date(receivedAt),
    };
  }

  it('inserts, then replaces the whole row of the same host, dates as TypeORM reads them', async () => {
    await repository.upsert(report('first', '2026-06-20T16:30:01.000Z'));
    const second = report('second', '2026-06-20T16:31:01.456Z');
    await repository.upsert(second);

    expect(await dataSource.getRepository(AgentReportEntity).count()).toBe(1);
    expect(await repository.findOne('host-1')).toEqual(second);
  });
});

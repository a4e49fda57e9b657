import type { AgentReportEntity } from './agent-report.entity';
import { AgentReportWriter, MAX_BATCH_REPORTS } from './agent-report-writer';
import type { AgentReportsRepository } from './agent-reports.repository';
import type { AgentStatsEntity } from './agent-stats.entity';

const full = (hostId: string): AgentReportEntity => ({
  hostId,
  hostname: hostId,
  agentVersion: '2',
  inventoryDigest: 'a'.repeat(64),
  reportJson: '[]',
  containerCount: 0,
  reportedAt: new Date(),
  receivedAt: new Date(),
});

const steady = (hostId: string): AgentStatsEntity => ({
  hostId,
  inventoryDigest: 'a'.repeat(64),
  statsJson: '[]',
  reportedAt: new Date(),
  receivedAt: new Date(),
});

/** The repository boundary, recording the hosts of each statement; steady hosts listed are held. */
function fakeRepository(held: string[] = []) {
  const calls: string[][] = [];
  let release: () => void = () => undefined;
  let blocked: Promise<void> | null = null;
  const repository = {
    upsertReports: jest.fn(async (rows: AgentReportEntity[]) => {
      if (rows.length > 0) {
        calls.push(rows.map((row) => `full:${row.hostId}`));
      }
      await blocked;
    }),
    saveSteadyStats: jest.fn((rows: AgentStatsEntity[]) => {
      if (rows.length > 0) {
        calls.push(rows.map((row) => `steady:${row.hostId}`));
      }
      return Promise.resolve(new Set(rows.map((r) => r.hostId).filter((h) => held.includes(h))));
    }),
  };
  return {
    repository: repository as unknown as AgentReportsRepository & typeof repository,
    calls,
    block: () => {
      blocked = new Promise((resolve) => (release = resolve));
    },
    release: () => {
      blocked = null;
      release();
    },
  };
}

describe('AgentReportWriter', () => {
  it('writes reports that arrive together in one batch: one statement per kind', async () => {
    const { repository, calls } = fakeRepository(['c']);
    const writer = new AgentReportWriter(repository);
    const results = await Promise.all([
      writer.writeFull(full('a')),
      writer.writeFull(full('b')),
      writer.writeSteady(steady('c')),
      writer.writeSteady(steady('d')),
    ]);
    expect(calls).toEqual([
      ['full:a', 'full:b'],
      ['steady:c', 'steady:d'],
    ]);
    expect(results).toEqual([undefined, undefined, true, false]);
  });

  it('queues what arrives while a batch is written, and writes it as the next batch', async () => {
    const fake = fakeRepository();
    const writer = new AgentReportWriter(fake.repository);
    fake.block();
    const first = writer.writeFull(full('a'));
    await new Promise((resolve) => setTimeout(resolve, 10)); // the first batch is in flight
    const later = ['b', 'c', 'd'].map((host) => writer.writeFull(full(host)));
    fake.release();
    await Promise.all([first, ...later]);
    expect(fake.calls).toEqual([['full:a'], ['full:b', 'full:c', 'full:d']]);
  });

  it('keeps one report per host in a batch, in the order they came', async () => {
    const { repository, calls } = fakeRepository(['a']);
    const writer = new AgentReportWriter(repository);
    await Promise.all([
      writer.writeFull(full('a')),
      writer.writeSteady(steady('a')),
      writer.writeFull(full('b')),
    ]);
    expect(calls).toEqual([['full:a', 'full:b'], ['steady:a']]);
  });

  it(`bounds a batch to ${MAX_BATCH_REPORTS} reports`, async () => {
    const { repository, calls } = fakeRepository();
    const writer = new AgentReportWriter(repository);
    const hosts = Array.from({ length: MAX_BATCH_REPORTS + 6 }, (_, i) => `h${i}`);
    await Promise.all(hosts.map((host) => writer.writeFull(full(host))));
    expect(calls.map((call) => call.length)).toEqual([MAX_BATCH_REPORTS, 6]);
  });

  it('fails every report of a batch whose statement fails, and goes on with the next', async () => {
    const { repository } = fakeRepository(['c']);
    const writer = new AgentReportWriter(repository);
    const fault = Object.assign(new Error('disk full'), { code: 'SQLITE_FULL' });
    repository.saveSteadyStats.mockRejectedValueOnce(fault);
    const batch = await Promise.allSettled([
      writer.writeFull(full('a')),
      writer.writeSteady(steady('c')),
    ]);
    expect(batch.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(batch.map((result) => (result as PromiseRejectedResult).reason as unknown)).toEqual([
      fault,
      fault,
    ]);
    await expect(writer.writeSteady(steady('c'))).resolves.toBe(true);
  });
});

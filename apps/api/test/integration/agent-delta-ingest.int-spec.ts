/**
 * Delta reports on the server (issue 16): a steady report after a full one is stored as stats
 * only, one whose digest the server does not hold gets 409 needFull, version 1 reports stay
 * full ones; reports arriving together are written in one batch, and a storage fault in a batch
 * fails every report of it with 503 + Retry-After while every acknowledged report stays stored.
 * The agent script's side of the protocol: agent-delta.int-spec.ts.
 */
import type {
  AgentContainer,
  AgentHost,
  AgentReport,
  AgentReportReceipt,
  ContainerSummary,
  MetricsHistory,
} from '@archnest/contracts';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadInfra, testDatabaseKind } from '../harness/infra';
import { run } from '../harness/proc';
import { agentReport, fullReport, steadyReport } from '../support/agent-report-fixture';
import { fillUp, RETRY_AFTER } from '../support/faults';
import { Http, type Reply, seedUsers } from '../support/http';
import { startTestApp, type TestApp } from '../support/test-app';

const AGENT_TOKEN = 'agent-delta-token-0123456789abcd';
const REPORT = '/api/agents/docker/report';
const digest = (n: number): string => n.toString(16).padStart(64, 'a');

/** The app with agent ingest on, its agent client and a member's. */
async function startIngestApp(): Promise<{ testApp: TestApp; agent: Http; member: Http }> {
  const testApp = await startTestApp({ ARCHNEST_AGENT_TOKEN: AGENT_TOKEN });
  const http = new Http(testApp.app);
  return {
    testApp,
    agent: http.as(AGENT_TOKEN),
    member: http.as((await seedUsers(http)).member),
  };
}

describe('agent delta reports', () => {
  let testApp: TestApp;
  let agent: Http;
  let member: Http;

  beforeAll(async () => {
    ({ testApp, agent, member } = await startIngestApp());
  });
  afterAll(() => testApp?.close());

  const containersOf = async (hostId: string) =>
    (await member.get<ContainerSummary[]>(`/api/containers/agent/${hostId}`)).body;

  it('stores a steady report as stats over the held inventory, and lists its time', async () => {
    const inventory = agentReport({ hostId: 'steady-host' }, 3);
    expect(
      (await agent.post<AgentReportReceipt>(REPORT, fullReport(inventory, digest(1)))).body,
    ).toMatchObject({ hostId: 'steady-host', containerCount: 3, kind: 'full' });

    const steady = steadyReport(inventory, digest(1), 42.5);
    const reply = await agent.post<AgentReportReceipt>(REPORT, steady);
    expect([reply.status, reply.body.kind, reply.body.containerCount]).toEqual([200, 'steady', 3]);

    const containers = await containersOf('steady-host');
    expect(containers.map((c) => [c.id, c.name, c.stats?.cpuPercent])).toEqual(
      inventory.containers.map((c) => [c.id, c.name, 42.5]),
    );
    const [host] = (await member.get<AgentHost[]>('/api/agents/docker/hosts')).body.filter(
      (h) => h.hostId === 'steady-host',
    );
    expect(host).toMatchObject({
      receivedAt: reply.body.receivedAt,
      reportedAt: steady.reportedAt,
    });
    // Only the stats were written: the inventory row is the full report's.
    const [row] = await testApp.app
      .get(DataSource)
      .query<{ report_json: string }[]>(
        "SELECT report_json FROM docker_agent_reports WHERE host_id = 'steady-host'",
      );
    const [stored] = JSON.parse(row.report_json) as AgentContainer[];
    expect(stored.stats?.cpuPercent).toBe(1.4);
  });

  it('answers 409 needFull for a digest it does not hold, then takes the full report', async () => {
    const inventory = agentReport({ hostId: 'needs-full' }, 2);
    const unknownHost = await agent.post(REPORT, steadyReport(inventory, digest(2)));
    expect([unknownHost.status, unknownHost.body]).toEqual([
      409,
      expect.objectContaining({ statusCode: 409, needFull: true }),
    ]);

    await agent.post(REPORT, fullReport(inventory, digest(2)));
    const changed = await agent.post(REPORT, steadyReport(inventory, digest(3)));
    expect([changed.status, (changed.body as { needFull?: boolean }).needFull]).toEqual([
      409,
      true,
    ]);
    // The 409 changed nothing: the held inventory keeps its stats.
    expect((await containersOf('needs-full')).map((c) => c.stats?.cpuPercent)).toEqual([1.4, 1.4]);

    const v1 = await agent.post(REPORT, agentReport({ hostId: 'needs-full' }, 1));
    expect(v1.status).toBe(200);
    // A version 1 report holds no digest, so no steady report applies to it.
    expect((await agent.post(REPORT, steadyReport(inventory, digest(2)))).status).toBe(409);
    expect(await containersOf('needs-full')).toHaveLength(1);
  });

  it('answers 400 naming the field of a malformed steady report, and stores nothing', async () => {
    const steady = steadyReport(agentReport({ hostId: 'bad-steady' }, 1), digest(4));
    const cases: [unknown, string][] = [
      [{ ...steady, inventoryDigest: 'short' }, 'inventoryDigest'],
      [{ ...steady, containers: [{ id: 'abc', stats: null }] }, 'containers.0.id'],
      [{ ...steady, containers: [{ id: 'c'.repeat(12), stats: [1, 2] }] }, 'containers.0.stats'],
      [
        { ...steady, containers: [{ id: 'c'.repeat(12), stats: [-1, 0, 0, 0, 0, 0, 0] }] },
        'containers.0.stats.0',
      ],
      [{ ...steady, schemaVersion: 3 }, 'schemaVersion'],
    ];
    for (const [body, field] of cases) {
      const reply = await agent.post<{ message: string[] }>(REPORT, body);
      expect([reply.status, reply.body.message.join(' ')]).toEqual([
        400,
        expect.stringContaining(field),
      ]);
    }
    expect((await member.get('/api/containers/agent/bad-steady')).status).toBe(404);
  });

  it('records the stats of steady reports in the metrics history, by container name', async () => {
    const inventory = agentReport({ hostId: 'steady-metrics' }, 1);
    const name = inventory.containers[0].name;
    // The full report's sample a minute ago, in another step of the hour than the steady one.
    const aMinuteAgo = new Date(Date.now() - 60_000).toISOString();
    await agent.post(REPORT, { ...fullReport(inventory, digest(5)), reportedAt: aMinuteAgo });
    await agent.post(REPORT, steadyReport(inventory, digest(5), 33));
    const path = `/api/containers/agent/steady-metrics/${name}/metrics?range=1h`;
    let cpu: (number | null)[] = [];
    for (let i = 0; i < 40 && !cpu.includes(33); i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      cpu = (await member.get<MetricsHistory>(path)).body.points.map((p) => p.cpuPercent);
    }
    expect(cpu.filter((value) => value !== null)).toEqual(expect.arrayContaining([33]));
  });

  it('stores every report of many hosts sent at once, each acknowledged once stored', async () => {
    const hosts = Array.from({ length: 60 }, (_, i) => agentReport({ hostId: `batch-${i}` }, 5));
    const replies = await sendTogether(agent, hosts);
    expect(replies.map((r) => r.status)).toEqual(hosts.map(() => 200));
    expect(await storedHosts(member, hosts)).toEqual(hosts.map((r) => r.hostId));
  });
});

/** PostgreSQL's count of committed transactions in this database. */
async function commits(db: DataSource): Promise<number> {
  await db.query('SELECT pg_stat_clear_snapshot()');
  const [row] = await db.query<{ n: string }[]>(
    'SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()',
  );
  return Number(row.n);
}

/**
 * Sends each group of reports at once, 100 ms apart, while another session holds the reports
 * table locked: the first group's batch waits on the lock, the later groups queue in the API's
 * writer behind it (as under load, while a batch is written). Then lets go.
 */
async function sendWhileLocked(
  testApp: TestApp,
  agent: Http,
  groups: readonly (readonly AgentReport[])[],
): Promise<Reply[]> {
  const locker = new Client({ connectionString: (testApp.config.database as { url: string }).url });
  await locker.connect();
  try {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE docker_agent_reports IN EXCLUSIVE MODE');
    const replies: Promise<Reply[]>[] = [];
    for (const group of groups) {
      replies.push(sendTogether(agent, group));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await locker.query('COMMIT');
    return (await Promise.all(replies)).flat();
  } finally {
    await locker.end();
  }
}

/** Every report of `reports` at once; what each got back. */
function sendTogether(agent: Http, reports: readonly AgentReport[]): Promise<Reply[]> {
  return Promise.all(reports.map((report, i) => agent.post(REPORT, fullReport(report, digest(i)))));
}

/** The host ids whose stored report is exactly `report`'s inventory. */
async function storedHosts(member: Http, reports: readonly AgentReport[]): Promise<string[]> {
  const stored: string[] = [];
  for (const report of reports) {
    const reply = await member.get<ContainerSummary[]>(`/api/containers/agent/${report.hostId}`);
    if (reply.status === 200) {
      expect(reply.body.map((c) => c.id)).toEqual(report.containers.map((c) => c.id));
      stored.push(report.hostId);
    }
  }
  return stored;
}

if (testDatabaseKind() === 'postgres') {
  describe('agent report batches on PostgreSQL', () => {
    let testApp: TestApp;
    let agent: Http;
    let member: Http;

    beforeAll(async () => {
      ({ testApp, agent, member } = await startIngestApp());
    });
    afterAll(() => testApp?.close());

    it('writes the reports that queued meanwhile in one transaction, not one each', async () => {
      const db = testApp.app.get(DataSource);
      const reports = Array.from({ length: 60 }, (_, i) => agentReport({ hostId: `tx-${i}` }, 5));
      const before = await commits(db);
      const replies = await sendWhileLocked(testApp, agent, [
        reports.slice(0, 1),
        reports.slice(1),
      ]);
      const after = await commits(db);
      expect(replies.map((r) => r.status)).toEqual(reports.map(() => 200));
      // 60 reports: the blocked first batch, then the 59 that queued behind it (at most 64 a
      // batch), plus the few transactions of the rest of the API meanwhile (metrics history).
      expect(after - before).toBeLessThanOrEqual(6);
      expect(await storedHosts(member, reports)).toEqual(reports.map((r) => r.hostId));
    });

    it('fails every report of the failing batch with 503 + Retry-After, loses nothing acknowledged', async () => {
      // The database itself refuses one host's row as a full disk would (SQLSTATE 53100), so
      // the statement of the batch that holds it fails in PostgreSQL, mid-batch.
      const db = testApp.app.get(DataSource);
      await db.query(
        "CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN IF NEW.host_id = 'poison' " +
          "THEN RAISE EXCEPTION 'no space left' USING ERRCODE = '53100'; END IF; RETURN NEW; END $$ " +
          'LANGUAGE plpgsql',
      );
      await db.query(
        'CREATE TRIGGER refuse_poison BEFORE INSERT OR UPDATE ON docker_agent_reports ' +
          'FOR EACH ROW EXECUTE FUNCTION refuse_poison()',
      );
      const reports = Array.from({ length: 40 }, (_, i) =>
        agentReport({ hostId: i === 20 ? 'poison' : `fault-${i}` }, 3),
      );
      // The first ten are one batch (waiting on the lock); the other thirty, the poisoned host
      // among them, queue behind it as the next batch.
      const replies = await sendWhileLocked(testApp, agent, [
        reports.slice(0, 10),
        reports.slice(10),
      ]);

      expect(replies.map((r) => r.status)).toEqual(reports.map((_, i) => (i < 10 ? 200 : 503)));
      for (const reply of replies.slice(10)) {
        expect([reply.headers['retry-after'], (reply.body as { message: string }).message]).toEqual(
          [RETRY_AFTER, expect.stringMatching(/temporarily unavailable/)],
        );
      }
      expect(await storedHosts(member, reports)).toEqual(reports.slice(0, 10).map((r) => r.hostId));
    });
  });
}

if (testDatabaseKind() === 'sqlite') {
  describe('agent report batches: the SQLite data dir fills up mid-load', () => {
    let mountPoint: string;
    let mounted = false;
    let testApp: TestApp | undefined;

    beforeAll(async () => {
      mountPoint = mkdtempSync(join(loadInfra().tmpDir, 'batch-full-fs-'));
      await run('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', mountPoint]);
      mounted = true;
      mkdirSync(join(mountPoint, 'data'), { mode: 0o700 });
    });
    afterAll(async () => {
      await testApp?.close();
      if (mounted) {
        await run('umount', [mountPoint]);
      }
      rmSync(mountPoint, { recursive: true, force: true });
    });

    it('fails every report of the batches that hit the full disk with 503, loses nothing acknowledged', async () => {
      testApp = await startTestApp({
        ARCHNEST_AGENT_TOKEN: AGENT_TOKEN,
        ARCHNEST_DATA_DIR: join(mountPoint, 'data'),
        ARCHNEST_METRICS_HISTORY: 'off',
      });
      const http = new Http(testApp.app);
      const agent = http.as(AGENT_TOKEN);
      const member = http.as((await seedUsers(http)).member);
      const before = Array.from({ length: 10 }, (_, i) => agentReport({ hostId: `kept-${i}` }, 2));
      expect((await sendTogether(agent, before)).map((r) => r.status)).toEqual(
        before.map(() => 200),
      );

      const filler = fillUp(mountPoint);
      // 40 reports of 200 containers at once: far more than the WAL holds, in several batches.
      const during = Array.from({ length: 40 }, (_, i) =>
        agentReport({ hostId: `full-${i}` }, 200),
      );
      const replies = await sendTogether(agent, during);
      rmSync(filler);

      expect(replies.filter((r) => r.status !== 200 && r.status !== 503)).toEqual([]);
      const refused = replies.filter((r) => r.status === 503);
      expect(refused.length).toBeGreaterThan(1);
      for (const reply of refused) {
        expect(reply.headers['retry-after']).toBe(RETRY_AFTER);
      }
      const acknowledged = during.filter((_, i) => replies[i].status === 200).map((r) => r.hostId);
      expect(await storedHosts(member, during)).toEqual(acknowledged);
      expect(await storedHosts(member, before)).toEqual(before.map((r) => r.hostId));
      // Space is back: the next reports are stored.
      expect((await sendTogether(agent, during.slice(0, 5))).map((r) => r.status)).toEqual([
        200, 200, 200, 200, 200,
      ]);
    }, 60_000);
  });
}

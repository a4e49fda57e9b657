import type {
  AgentContainer,
  AgentHost,
  ContainerDetail,
  ContainerHost,
  ContainerSummary,
} from '@archnest/contracts';
import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { testDatabaseKind } from '../harness/infra';
import { agentContainer, agentReport } from '../support/agent-report-fixture';
import { Http, seedUsers } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';

const AGENT_TOKEN = 'agent-token-for-tests-0123456789';
const SECRET_VALUE = 'sup3r-s3cret-db-passw0rd';

describe('agent ingest', () => {
  let testApp: TestApp;
  let http: Http;
  let agent: Http;
  let member: Http;
  let memberToken: string;

  beforeEach(async () => {
    testApp = await startTestApp({ ARCHNEST_AGENT_TOKEN: AGENT_TOKEN, STALE_AFTER_MS: '2000' });
    http = new Http(testApp.app);
    agent = http.as(AGENT_TOKEN);
    memberToken = (await seedUsers(http)).member;
    member = http.as(memberToken);
  });
  afterEach(() => testApp.close());

  it('stores the latest report per host and serves it back with env masked', async () => {
    const secret = agentContainer({
      name: 'db',
      env: [
        { key: 'DB_PASSWORD', value: SECRET_VALUE },
        { key: 'LANG', value: 'C.UTF-8' },
      ],
    });
    const stored = await agent.post(
      '/api/agents/docker/report',
      agentReport({ containers: [secret] }),
    );
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ hostId: 'proxmox-vm-1', containerCount: 1 });

    const list = await member.get<ContainerSummary[]>(
      '/api/agents/docker/hosts/proxmox-vm-1/containers',
    );
    expect(list.body.map((c) => [c.id, c.name, c.state])).toEqual([[secret.id, 'db', 'running']]);
    const one = await member.get<ContainerDetail>(
      `/api/agents/docker/hosts/proxmox-vm-1/containers/${secret.id}`,
    );
    expect(one.body.env).toEqual([
      { key: 'DB_PASSWORD', value: '********' },
      { key: 'LANG', value: 'C.UTF-8' },
    ]);
    // The agent path is an alias of the one container route: same answer, by id or name.
    expect((await member.get(`/api/agents/docker/hosts/proxmox-vm-1/containers/db`)).body).toEqual(
      one.body,
    );
    expect((await member.get('/api/containers/agent/proxmox-vm-1/db')).body).toEqual(one.body);
    expect(list.text + one.text).not.toContain(SECRET_VALUE);
    await expectSecretNotStored(testApp, SECRET_VALUE);
  });

  it('replaces the previous report of the host (one row per host)', async () => {
    await agent.post('/api/agents/docker/report', agentReport({}, 3));
    await agent.post('/api/agents/docker/report', agentReport({ hostname: 'renamed' }, 1));
    await agent.post('/api/agents/docker/report', agentReport({ hostId: 'other-host' }, 2));
    const hosts = await member.get<AgentHost[]>('/api/agents/docker/hosts');
    expect(hosts.body.map((h) => [h.hostId, h.hostname, h.containerCount])).toEqual([
      ['other-host', 'docker01', 2],
      ['proxmox-vm-1', 'renamed', 1],
    ]);
  });

  it('keeps exactly one intact row when many reports for one host race', async () => {
    const reports = Array.from({ length: 25 }, (_, i) =>
      agentReport({ hostname: `race-${i}` }, i + 1),
    );
    const replies = await Promise.all(
      reports.map((r) => agent.post('/api/agents/docker/report', r)),
    );
    expect(replies.every((r) => r.status === 200)).toBe(true);
    const dataSource = testApp.app.get(DataSource);
    const rows = await dataSource.query<
      { hostname: string; report_json: string; container_count: number }[]
    >(
      "SELECT hostname, report_json, container_count FROM docker_agent_reports WHERE host_id = 'proxmox-vm-1'",
    );
    expect(rows).toHaveLength(1);
    const row = rows[0];
    const index = Number(row.hostname.replace('race-', ''));
    expect(JSON.parse(row.report_json)).toHaveLength(index + 1);
    expect(Number(row.container_count)).toBe(index + 1);
  });

  it('marks a host stale after STALE_AFTER_MS and lists it in the aggregator', async () => {
    await agent.post('/api/agents/docker/report', agentReport({}, 2));
    const fresh = await member.get<ContainerHost[]>('/api/containers/hosts');
    expect(fresh.body).toEqual([
      expect.objectContaining({
        source: 'agent',
        hostId: 'proxmox-vm-1',
        name: 'docker01',
        status: 'online',
        containerCount: 2,
        capabilities: ['inspect', 'stats'],
      }),
    ]);
    await new Promise((r) => setTimeout(r, 2200));
    expect((await member.get<AgentHost[]>('/api/agents/docker/hosts')).body[0]?.stale).toBe(true);
    expect((await member.get<ContainerHost[]>('/api/containers/hosts')).body[0]?.status).toBe(
      'stale',
    );
  });

  it('answers 401 without or with a wrong token, and stores nothing', async () => {
    expect((await http.post('/api/agents/docker/report', agentReport())).status).toBe(401);
    expect(
      (await http.as('wrong-token').post('/api/agents/docker/report', agentReport())).status,
    ).toBe(401);
    expect(
      (await http.as(memberToken).post('/api/agents/docker/report', agentReport())).status,
    ).toBe(401);
    expect((await member.get('/api/agents/docker/hosts')).body).toEqual([]);
  });

  it('answers 400 naming the field, and stores nothing', async () => {
    const bad = agentReport({
      containers: [{ ...agentContainer(), state: 'sleeping' } as unknown as AgentContainer],
    });
    const reply = await agent.post<{ message: string[] }>('/api/agents/docker/report', bad);
    expect(reply.status).toBe(400);
    expect(reply.body.message.join(' ')).toContain('containers.0.state');
    expect((await member.get('/api/agents/docker/hosts')).body).toEqual([]);
  });

  it('accepts a 500-container report and answers 413 above the ingest limit', async () => {
    const big = agentReport({}, 500);
    for (const container of big.containers) {
      container.env = Array.from({ length: 20 }, (_, i) => ({
        key: `VAR_${i}`,
        value: 'v'.repeat(80),
      }));
    }
    expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(1024 * 1024);
    expect((await agent.post('/api/agents/docker/report', big)).status).toBe(200);
    const huge = agentReport({}, 1);
    huge.containers[0].labels = Object.fromEntries(
      Array.from({ length: 600 }, (_, i) => [`label-${i}`, 'x'.repeat(15_000)]),
    );
    expect((await agent.post('/api/agents/docker/report', huge)).status).toBe(413);
  });

  it('rate-limits one host id without starving the others', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 125; i++) {
      statuses.push(
        (await agent.post('/api/agents/docker/report', agentReport({ hostId: 'noisy' }, 0))).status,
      );
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(
      (await agent.post('/api/agents/docker/report', agentReport({ hostId: 'quiet' }, 0))).status,
    ).toBe(200);
  });

  it('answers 404 for an unknown host or container, 400 for a malformed id', async () => {
    await agent.post('/api/agents/docker/report', agentReport());
    expect((await member.get('/api/agents/docker/hosts/nope/containers')).status).toBe(404);
    expect((await member.get('/api/agents/docker/hosts/proxmox-vm-1/containers/nope')).status).toBe(
      404,
    );
    expect((await member.get('/api/agents/docker/hosts/bad%20id/containers')).status).toBe(400);
    expect((await http.get('/api/agents/docker/hosts')).status).toBe(401);
  });
});

describe('agent ingest without ARCHNEST_AGENT_TOKEN', () => {
  it('is disabled with 503, whatever token is sent', async () => {
    const testApp = await startTestApp();
    try {
      const http = new Http(testApp.app);
      expect((await http.post('/api/agents/docker/report', agentReport())).status).toBe(503);
      expect(
        (await http.as(AGENT_TOKEN).post('/api/agents/docker/report', agentReport())).status,
      ).toBe(503);
    } finally {
      await testApp.close();
    }
  });
});

async function expectSecretNotStored(testApp: TestApp, secret: string): Promise<void> {
  const dataSource = testApp.app.get(DataSource);
  const rows = await dataSource.query<{ report_json: string }[]>(
    'SELECT report_json FROM docker_agent_reports',
  );
  expect(rows.map((r) => r.report_json).join('')).not.toContain(secret);
  if (testDatabaseKind() === 'sqlite' && testApp.config.database.type === 'sqlite') {
    await dataSource.query('PRAGMA wal_checkpoint(TRUNCATE)');
    const file = testApp.config.database.path;
    for (const path of [file, `${file}-wal`]) {
      try {
        expect(readFileSync(path).includes(secret)).toBe(false);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          throw error;
        }
      }
    }
  }
}

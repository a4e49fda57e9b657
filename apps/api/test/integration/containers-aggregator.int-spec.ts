import type {
  AllContainers,
  ContainerDetail,
  ContainerStats,
  ContainerSummary,
} from '@archnest/contracts';
import { agentContainer, agentReport } from '../support/agent-report-fixture';
import { Http, seedUsers } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';

const AGENT_TOKEN = 'aggregator-agent-token-0123456789';

describe('the containers aggregator (agent source)', () => {
  let testApp: TestApp;
  let admin: Http;
  let member: Http;
  const web = agentContainer({
    name: 'web.app_1',
    env: [{ key: 'API_TOKEN', value: 'raw-secret-value' }],
  });

  beforeAll(async () => {
    testApp = await startTestApp({ ARCHNEST_AGENT_TOKEN: AGENT_TOKEN });
    const http = new Http(testApp.app);
    const tokens = await seedUsers(http);
    admin = http.as(tokens.admin);
    member = http.as(tokens.member);
    await http
      .as(AGENT_TOKEN)
      .post('/api/agents/docker/report', agentReport({ hostId: 'vm-1', containers: [web] }));
    await http
      .as(AGENT_TOKEN)
      .post('/api/agents/docker/report', agentReport({ hostId: 'vm-2' }, 2));
  });
  afterAll(() => testApp.close());

  it('lists every container of every host for "All hosts"', async () => {
    const all = await member.get<AllContainers>('/api/containers');
    expect(all.body.failures).toEqual([]);
    expect(all.body.containers.map((c) => c.hostId).sort()).toEqual(['vm-1', 'vm-2', 'vm-2']);
    expect(all.body.containers.find((c) => c.name === 'web.app_1')).toMatchObject({
      source: 'agent',
      hostName: 'docker01',
    });
  });

  it('serves one host, one container (env masked) and its stats', async () => {
    const list = await member.get<ContainerSummary[]>('/api/containers/agent/vm-1');
    expect(list.body.map((c) => c.name)).toEqual(['web.app_1']);
    const detail = await member.get<ContainerDetail>('/api/containers/agent/vm-1/web.app_1');
    expect(detail.body).toMatchObject({
      id: web.id,
      image: web.image,
      health: web.health,
      exitCode: null,
    });
    expect(detail.body.env).toEqual([{ key: 'API_TOKEN', value: '********' }]);
    expect(detail.text).not.toContain('raw-secret-value');
    const stats = await member.get<ContainerStats>(`/api/containers/agent/vm-1/${web.id}/stats`);
    expect(stats.body).toEqual(web.stats);
  });

  it('says what the agent source cannot do, and keeps actions admin-only', async () => {
    const logs = await member.get<{ message: string }>('/api/containers/agent/vm-1/web.app_1/logs');
    expect(logs.status).toBe(400);
    expect(logs.body.message).toContain('not reported by the agent source');
    expect((await member.post('/api/containers/agent/vm-1/web.app_1/restart')).status).toBe(403);
    expect((await member.delete('/api/containers/agent/vm-1/web.app_1')).status).toBe(403);
    expect((await admin.post('/api/containers/agent/vm-1/web.app_1/restart')).status).toBe(400);
  });

  it('validates source, host, ref and verb before reaching a source', async () => {
    expect((await member.get('/api/containers/lxc/vm-1')).status).toBe(400);
    expect((await member.get('/api/containers/agent/vm%201')).status).toBe(400);
    for (const ref of ['-rm', '..%2Fetc', 'a%20b', "a'b", 'a%3Bb']) {
      expect((await member.get(`/api/containers/agent/vm-1/${ref}`)).status).toBe(400);
    }
    expect((await admin.post('/api/containers/agent/vm-1/web.app_1/exec')).status).toBe(400);
    expect((await member.get('/api/containers/agent/vm-1/nope-nope')).status).toBe(404);
    expect((await member.get('/api/containers/agent/vm-9')).status).toBe(404);
  });
});

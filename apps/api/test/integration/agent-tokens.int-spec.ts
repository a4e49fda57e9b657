import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  AGENT_TOKEN_PREFIX,
  type AgentTokenSummary,
  type AuditEntry,
  type IssuedAgentToken,
} from '@archnest/contracts';
import { runAgentScript } from '../support/agent-script';
import { agentReport } from '../support/agent-report-fixture';
import { startApiProcess } from '../support/api-process';
import { Http, seedUsers } from '../support/http';
import { createNetns, listenAlso, type Netns } from '../support/netns';
import { startTestApp, type TestApp } from '../support/test-app';

const run = promisify(execFile);

const SHARED = 'shared-agent-token-0123456789abcdef';
const HOST = 'enrolled-host-1';
const INGEST = '/api/agents/docker/report';

/** Per-host agent tokens (issue 17): enrollment, binding, revocation, expiry and rotation. */
describe('per-host agent tokens', () => {
  let testApp: TestApp;
  let http: Http;
  let admin: Http;

  async function issue(body: object = { hostId: HOST }): Promise<IssuedAgentToken> {
    const reply = await admin.post<IssuedAgentToken>('/api/agents/tokens', body);
    expect(reply.status).toBe(201);
    return reply.body;
  }

  const report = (token: string, hostId = HOST) =>
    http.as(token).post(INGEST, agentReport({ hostId }));

  async function audit(action: string): Promise<AuditEntry[]> {
    const page = await admin.get<{ items: AuditEntry[] }>(`/api/audit?limit=200`);
    return page.body.items.filter((entry) => entry.action === action);
  }

  async function listed(id: string): Promise<AgentTokenSummary | undefined> {
    return (await admin.get<AgentTokenSummary[]>('/api/agents/tokens')).body.find(
      (token) => token.id === id,
    );
  }

  describe('without a shared token', () => {
    beforeAll(async () => {
      testApp = await startTestApp({ ARCHNEST_AGENT_TOKEN_OVERLAP_SECONDS: '2' });
      http = new Http(testApp.app);
      admin = http.as((await seedUsers(http)).admin);
    });
    afterAll(() => testApp.close());

    it('answers 503 while no token of either kind exists, 401 once one does', async () => {
      const before = await report(`${AGENT_TOKEN_PREFIX}${'x'.repeat(43)}`);
      expect(before.status).toBe(503);
      expect(before.text).toContain('POST /api/agents/tokens');
      const token = await issue({ hostId: 'first-host' });
      expect((await report(`${AGENT_TOKEN_PREFIX}${'x'.repeat(43)}`)).status).toBe(401);
      expect((await report(token.token, 'first-host')).status).toBe(200);
    });

    it('shows the token once, prefixed, 32 random bytes; lists it without the token', async () => {
      const token = await issue({
        hostId: HOST,
        name: 'docker01',
        allowedCidrs: ['127.0.0.0/8', 'fd00::/8'],
      });
      expect(token.token).toMatch(/^archnest_agent_[A-Za-z0-9_-]{43}$/);
      expect(token).toMatchObject({
        hostId: HOST,
        name: 'docker01',
        state: 'active',
        allowedCidrs: ['127.0.0.0/8', 'fd00::/8'],
        lastUsedAt: null,
        hint: `${token.token.slice(0, AGENT_TOKEN_PREFIX.length + 4)}…`,
      });
      const list = await admin.get<AgentTokenSummary[]>('/api/agents/tokens');
      expect(list.text).not.toContain(token.token);
      expect(list.body.find((t) => t.id === token.id)).not.toHaveProperty('token');
      expect((await audit('agent-token.issue')).map((e) => e.target)).toContain(`agent:${HOST}`);
    });

    it('accepts a token for its own host only: another hostId is 403 and audited', async () => {
      const token = await issue();
      expect((await report(token.token)).status).toBe(200);
      const forged = await report(token.token, 'someone-else');
      expect(forged.status).toBe(403);
      expect(forged.body).toMatchObject({
        message: `This agent token is for host ${HOST}, not someone-else`,
      });
      const refused = await audit('agent.report');
      expect(refused[0]).toMatchObject({ target: 'agent:someone-else', result: 'failure' });
      expect(JSON.stringify(refused)).not.toContain(token.token);
      // The forged report stored nothing.
      const hosts = await admin.get<{ hostId: string }[]>('/api/agents/docker/hosts');
      expect(hosts.body.map((h) => h.hostId)).not.toContain('someone-else');
    });

    it('records when and from where a token was last used', async () => {
      const token = await issue();
      expect((await report(token.token)).status).toBe(200);
      // Use marks are written about once a second; the list writes pending ones first.
      const summary = await listed(token.id);
      expect(summary?.lastAddress).toBe('127.0.0.1');
      expect(Date.now() - Date.parse(summary?.lastUsedAt ?? '')).toBeLessThan(60_000);
    });

    it('refuses a revoked token at once, and on another replica within a second', async () => {
      const { database, dataDir } = testApp.config;
      const replica = await startApiProcess({
        ARCHNEST_DATA_DIR: dataDir,
        ...(database.type === 'postgres' ? { DATABASE_URL: database.url } : {}),
      });
      const viaReplica = (token: string) =>
        fetch(`${replica.baseUrl}${INGEST}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(agentReport({ hostId: HOST })),
        }).then((reply) => reply.status);
      try {
        const token = await issue();
        expect(await viaReplica(token.token)).toBe(200);
        expect((await admin.delete(`/api/agents/tokens/${token.id}`)).status).toBe(204);
        expect((await report(token.token)).status).toBe(401);
        // The other replica holds agent tokens for up to a second (docs: "Revoke").
        await new Promise((resolve) => setTimeout(resolve, 1_100));
        expect(await viaReplica(token.token)).toBe(401);
        expect(await listed(token.id)).toBeUndefined();
        expect((await admin.delete(`/api/agents/tokens/${token.id}`)).status).toBe(404);
        expect((await audit('agent-token.revoke')).length).toBeGreaterThan(0);
      } finally {
        await replica.stop();
      }
    });

    it('refuses an expired token with 401 and audits it', async () => {
      const token = await issue({
        hostId: HOST,
        expiresAt: new Date(Date.now() + 1500).toISOString(),
      });
      expect((await report(token.token)).status).toBe(200);
      await waitUntil(() => Date.now() > Date.parse(token.expiresAt!));
      const expired = await report(token.token);
      expect(expired.status).toBe(401);
      expect(expired.body).toMatchObject({ message: 'This agent token has expired' });
      expect((await listed(token.id))?.state).toBe('expired');
      expect((await audit('agent.report')).some((e) => e.detail?.includes('expired'))).toBe(true);
    });

    it('rotates: a new token at once, the old one until the stated overlap ends', async () => {
      const old = await issue({ hostId: HOST, name: 'rotating', allowedCidrs: ['127.0.0.1/32'] });
      const rotated = await admin.post<IssuedAgentToken>(`/api/agents/tokens/${old.id}/rotate`);
      expect(rotated.status).toBe(201);
      expect(rotated.body).toMatchObject({
        hostId: HOST,
        name: 'rotating',
        allowedCidrs: ['127.0.0.1/32'],
      });
      expect(rotated.body.token).not.toBe(old.token);
      const previous = await listed(old.id);
      expect(previous?.replacedBy).toBe(rotated.body.id);
      expect(Date.parse(previous!.expiresAt!) - Date.now()).toBeLessThanOrEqual(2_000);
      expect((await report(old.token)).status).toBe(200);
      expect((await report(rotated.body.token)).status).toBe(200);
      await waitUntil(() => Date.now() > Date.parse(previous!.expiresAt!));
      expect((await report(old.token)).status).toBe(401);
      expect((await report(rotated.body.token)).status).toBe(200);
      expect((await audit('agent-token.rotate'))[0].detail).toContain(old.hint);
      const again = await admin.post<{ message: string }>(`/api/agents/tokens/${old.id}/rotate`);
      expect(again.status).toBe(409);
      expect(again.body.message).toContain(rotated.body.id);
    });

    it.each([
      [{}, 'hostId must be'],
      [{ hostId: 'bad host' }, 'hostId must be'],
      [{ hostId: HOST, allowedCidrs: ['10.0.0.0/33'] }, 'allowedCidrs must hold CIDR networks'],
      [{ hostId: HOST, allowedCidrs: '10.0.0.0/8' }, 'allowedCidrs must be an array'],
      [{ hostId: HOST, expiresAt: 'tomorrow' }, 'expiresAt must be an ISO 8601 time'],
      [
        { hostId: HOST, expiresAt: '2020-01-01T00:00:00Z' },
        'expiresAt must be a time in the future',
      ],
      [{ hostId: HOST, name: '' }, 'name must not be empty'],
    ])('refuses %j with 400 naming the field', async (body, message) => {
      const reply = await admin.post<{ message: string | string[] }>('/api/agents/tokens', body);
      expect(reply.status).toBe(400);
      expect(String(reply.body.message)).toContain(message);
    });

    it('answers 404 to rotate or revoke an unknown id, 400 to a malformed one', async () => {
      const unknown = '00000000-0000-4000-8000-000000000000';
      expect((await admin.post(`/api/agents/tokens/${unknown}/rotate`)).status).toBe(404);
      expect((await admin.delete(`/api/agents/tokens/${unknown}`)).status).toBe(404);
      expect((await admin.delete('/api/agents/tokens/not-a-uuid')).status).toBe(400);
    });
  });

  describe('beside the shared token, with real agent runs', () => {
    let url: string;

    beforeAll(async () => {
      testApp = await startTestApp({ ARCHNEST_AGENT_TOKEN: SHARED });
      http = new Http(testApp.app);
      admin = http.as((await seedUsers(http)).admin);
      await testApp.app.listen(0, '127.0.0.1');
      url = await testApp.app.getUrl();
    });
    afterAll(() => testApp.close());

    it('keeps the shared token working for every host', async () => {
      expect((await report(SHARED, 'any-host-1')).status).toBe(200);
      expect((await report(SHARED, 'any-host-2')).status).toBe(200);
    });

    it('runs the real agent end to end with a per-host token, which it never prints', async () => {
      const token = await issue({ hostId: 'script-host' });
      const run = await runAgentScript({
        ARCHNEST_URL: url,
        ARCHNEST_AGENT_TOKEN: token.token,
        ARCHNEST_HOST_ID: 'script-host',
      });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/reported \d+ containers for script-host/);
      expect(run.stdout + run.stderr).not.toContain(token.token);
      const hosts = await admin.get<{ hostId: string }[]>('/api/agents/docker/hosts');
      expect(hosts.body.map((h) => h.hostId)).toContain('script-host');

      const forged = await runAgentScript({
        ARCHNEST_URL: url,
        ARCHNEST_AGENT_TOKEN: token.token,
        ARCHNEST_HOST_ID: 'not-script-host',
      });
      expect(forged.code).not.toBe(0);
      expect(forged.stderr).toContain('403');
      expect(forged.stdout + forged.stderr).not.toContain(token.token);
    });
  });
});

/** Source-network limits over real sockets: loopback against a network namespace of our own. */
describe('agent network limits', () => {
  let netns: Netns;
  let testApp: TestApp;
  let admin: Http;
  let loopbackUrl: string;
  let nsUrl: string;
  let closeExtra: () => Promise<void>;

  async function start(env: NodeJS.ProcessEnv): Promise<void> {
    testApp = await startTestApp({ ARCHNEST_AGENT_TOKEN: SHARED, ...env });
    const http = new Http(testApp.app);
    admin = http.as((await seedUsers(http)).admin);
    await testApp.app.listen(0, '127.0.0.1');
    loopbackUrl = await testApp.app.getUrl();
    const extra = await listenAlso(testApp.app, netns.hostAddress);
    nsUrl = extra.url;
    closeExtra = extra.close;
  }

  async function stop(): Promise<void> {
    await closeExtra();
    await testApp.close();
  }

  /** curl from inside the namespace: the status of one report with the shared token. */
  async function reportFromNamespace(headers: string[] = []): Promise<string> {
    const [command, ...args] = netns.exec([
      'curl',
      ...['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '10'],
      ...['-H', `authorization: Bearer ${SHARED}`, '-H', 'content-type: application/json'],
      ...headers.flatMap((header) => ['-H', header]),
      ...['--data-binary', JSON.stringify(agentReport({ hostId: 'ns-host' }))],
      `${nsUrl}${INGEST}`,
    ]);
    return (await run(command, args)).stdout;
  }

  beforeAll(async () => {
    netns = await createNetns();
  });
  afterAll(() => netns?.remove());

  describe('per token', () => {
    beforeAll(() => start({}));
    afterAll(() => stop());

    it('takes a token limited to loopback from loopback, refuses it from the namespace', async () => {
      const issued = await admin.post<IssuedAgentToken>('/api/agents/tokens', {
        hostId: 'ns-host',
        allowedCidrs: ['127.0.0.0/8'],
      });
      const env = { ARCHNEST_AGENT_TOKEN: issued.body.token, ARCHNEST_HOST_ID: 'ns-host' };
      const fromLoopback = await runAgentScript({ ...env, ARCHNEST_URL: loopbackUrl });
      expect(fromLoopback.code).toBe(0);
      const fromNamespace = await runAgentScript(
        { ...env, ARCHNEST_URL: nsUrl },
        { within: netns.exec },
      );
      expect(fromNamespace.code).not.toBe(0);
      expect(fromNamespace.stderr).toContain('403');
      expect(fromNamespace.stdout + fromNamespace.stderr).not.toContain(issued.body.token);
      const audit = await admin.get<{ items: AuditEntry[] }>('/api/audit');
      expect(audit.body.items[0]).toMatchObject({ action: 'agent.report', result: 'failure' });
      expect(audit.body.items[0].detail).toContain(`from=${netns.nsAddress}`);
      const listed = await admin.get<AgentTokenSummary[]>('/api/agents/tokens');
      expect(listed.body[0].lastAddress).toBe('127.0.0.1');
    });
  });

  describe('server-wide ARCHNEST_AGENT_ALLOWED_CIDRS', () => {
    afterEach(() => stop());

    it('refuses every agent request from outside, X-Forwarded-For not believed by default', async () => {
      await start({ ARCHNEST_AGENT_ALLOWED_CIDRS: '127.0.0.0/8' });
      expect(await reportFromNamespace()).toBe('403');
      expect(await reportFromNamespace(['x-forwarded-for: 127.0.0.1'])).toBe('403');
      const fromLoopback = await fetch(`${loopbackUrl}${INGEST}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SHARED}`, 'content-type': 'application/json' },
        body: JSON.stringify(agentReport({ hostId: 'loop-host' })),
      });
      expect(fromLoopback.status).toBe(200);
    });

    it('believes X-Forwarded-For from the proxies ARCHNEST_TRUST_PROXY names', async () => {
      await start({
        ARCHNEST_AGENT_ALLOWED_CIDRS: '127.0.0.0/8',
        ARCHNEST_TRUST_PROXY: netns.nsAddress,
      });
      expect(await reportFromNamespace(['x-forwarded-for: 127.0.0.1'])).toBe('200');
      expect(await reportFromNamespace(['x-forwarded-for: 10.9.9.9'])).toBe('403');
      expect(await reportFromNamespace()).toBe('403');
    });
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error('timed out');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

import { sign } from 'jsonwebtoken';
import { Http, seedUsers } from '../support/http';
import {
  operationKey as key,
  operationsOf,
  operationUrl,
  type OpenApiDocument,
  type Operation,
} from '../support/openapi-operations';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The auth matrix, derived from the OpenAPI document so that a new route is covered the day it
 * is added: anonymous → 401 unless public; member → 403 on every admin-only or mutating route
 * (but their own API keys); a member's API key → the same; a read-only API key, even an admin's →
 * 403 on every admin-only or mutating route; a revoked key → 401; the shared and per-host agent
 * tokens → accepted by ingest only; the scrape token → by the Prometheus export only; broken
 * JWTs → 401.
 */
const AGENT_TOKEN = 'matrix-agent-token-0123456789';
const SCRAPE_TOKEN = 'matrix-scrape-token-0123456789';
const INGEST = 'POST /api/agents/docker/report';
const SCRAPE = 'GET /api/metrics';
/** The routes no user token opens: public ones, and those with a token of their own. */
const PUBLIC = new Set([
  'GET /api/health',
  'GET /api/auth/setup',
  'POST /api/auth/setup',
  'POST /api/auth/login',
  INGEST,
  SCRAPE,
]);
/** Mutating routes every user may call for themselves. */
const SELF_SERVICE = new Set(['POST /api/auth/api-keys', 'DELETE /api/auth/api-keys/{id}']);
const SAMPLE_PARAMS: Record<string, string> = {
  id: '00000000-0000-4000-8000-000000000000',
  hostId: '00000000-0000-4000-8000-000000000001',
  targetId: '00000000-0000-4000-8000-000000000002',
  containerId: 'web',
  ref: 'web',
  source: 'agent',
  action: 'start',
};

const isMutating = (op: Operation): boolean => op.method !== 'GET';

describe('auth matrix over every documented operation', () => {
  let testApp: TestApp;
  let http: Http;
  let operations: Operation[];
  let member: string;
  let adminId: string;
  let keys: { member: string; adminReadOnly: string; revoked: string; hostToken: string };

  beforeAll(async () => {
    testApp = await startTestApp({
      ARCHNEST_AGENT_TOKEN: AGENT_TOKEN,
      ARCHNEST_METRICS_TOKEN: SCRAPE_TOKEN,
    });
    http = new Http(testApp.app);
    const tokens = await seedUsers(http);
    member = tokens.member;
    adminId = (await http.as(tokens.admin).get<{ id: string }>('/api/auth/me')).body.id;
    operations = operationsOf((await http.get<OpenApiDocument>('/api/docs-json')).body);
    const keyOf = async (token: string, body: object) =>
      (await http.as(token).post<{ id: string; key: string }>('/api/auth/api-keys', body)).body;
    const revoked = await keyOf(tokens.admin, { name: 'revoked' });
    await http.as(tokens.admin).delete(`/api/auth/api-keys/${revoked.id}`);
    const hostToken = await http
      .as(tokens.admin)
      .post<{ token: string }>('/api/agents/tokens', { hostId: 'matrix-host' });
    keys = {
      member: (await keyOf(member, { name: 'member' })).key,
      adminReadOnly: (await keyOf(tokens.admin, { name: 'read-only', readOnly: true })).key,
      revoked: revoked.key,
      hostToken: hostToken.body.token,
    };
  });
  afterAll(() => testApp.close());

  const call = (op: Operation, token?: string): Promise<number> =>
    http
      .as(token)
      .send(
        op.method,
        operationUrl(op, SAMPLE_PARAMS),
        op.method === 'GET' || op.method === 'DELETE' ? undefined : {},
      )
      .then((reply) => reply.status);

  it('finds the routes it should cover', () => {
    expect(operations.length).toBeGreaterThanOrEqual(15);
    expect(operations.map(key)).toEqual(expect.arrayContaining([...PUBLIC]));
  });

  it('answers 401 to anonymous calls everywhere but the public routes', async () => {
    const wrong: string[] = [];
    for (const op of operations.filter((o) => !PUBLIC.has(key(o)))) {
      const status = await call(op);
      if (status !== 401) {
        wrong.push(`${key(op)} → ${status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('makes every mutating route admin-only but self-service ones, and members get 403 on each', async () => {
    const notAdminOnly = operations
      .filter((op) => isMutating(op) && !PUBLIC.has(key(op)) && !op.adminOnly)
      .map(key);
    expect(notAdminOnly).toEqual([...SELF_SERVICE]);
    for (const token of [member, keys.member]) {
      const wrong: string[] = [];
      for (const op of operations.filter((o) => o.adminOnly && !PUBLIC.has(key(o)))) {
        const status = await call(op, token);
        if (status !== 403) {
          wrong.push(`${key(op)} → ${status}`);
        }
      }
      expect(wrong).toEqual([]);
    }
  });

  it("refuses a read-only key, even an admin's, every admin-only or mutating route", async () => {
    const wrong: string[] = [];
    for (const op of operations.filter((o) => !PUBLIC.has(key(o)))) {
      const status = await call(op, keys.adminReadOnly);
      const refused = op.adminOnly || isMutating(op);
      if (refused ? status !== 403 : status === 401 || status === 403) {
        wrong.push(`${key(op)} → ${status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers 401 everywhere to a revoked API key', async () => {
    const wrong: string[] = [];
    for (const op of operations.filter((o) => !PUBLIC.has(key(o)))) {
      const status = await call(op, keys.revoked);
      if (status !== 401) {
        wrong.push(`${key(op)} → ${status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('lets members read what is not admin-only', async () => {
    const reads = operations.filter((op) => !op.adminOnly && !PUBLIC.has(key(op)));
    for (const op of reads) {
      const status = await call(op, member);
      expect([key(op), status]).not.toEqual([key(op), 401]);
      expect([key(op), status]).not.toEqual([key(op), 403]);
    }
  });

  it.each([
    ['shared', () => AGENT_TOKEN],
    ['per-host', () => keys.hostToken],
  ])('accepts the %s agent token on ingest only', async (_kind, token) => {
    const wrong: string[] = [];
    for (const op of operations.filter((o) => !PUBLIC.has(key(o)))) {
      const status = await call(op, token());
      if (status !== 401) {
        wrong.push(`${key(op)} → ${status}`);
      }
    }
    expect(wrong).toEqual([]);
    const ingest = operations.find((op) => key(op) === INGEST)!;
    expect(await call(ingest, token())).toBe(400);
  });

  it('opens the Prometheus export to the scrape token only, never to a user or agent token', async () => {
    const scrape = operations.find((op) => key(op) === SCRAPE)!;
    const admin = sign(
      { sub: adminId, username: 'admin', role: 'admin' },
      testApp.config.jwtSecret,
      {
        expiresIn: 60,
      },
    );
    const statuses = await Promise.all(
      [undefined, member, admin, keys.member, AGENT_TOKEN, keys.hostToken, SCRAPE_TOKEN].map(
        (token) => call(scrape, token),
      ),
    );
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 200]);
    const wrong: string[] = [];
    for (const op of operations.filter((o) => !PUBLIC.has(key(o)))) {
      const status = await call(op, SCRAPE_TOKEN);
      if (status !== 401) {
        wrong.push(`${key(op)} → ${status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses expired, tampered, wrong-algorithm and alg:none admin tokens everywhere', async () => {
    const claims = { sub: adminId, username: 'admin', role: 'admin' };
    const secret = testApp.config.jwtSecret;
    const none = (payload: object): string =>
      [{ alg: 'none', typ: 'JWT' }, payload]
        .map((p) => Buffer.from(JSON.stringify(p)).toString('base64url'))
        .join('.') + '.';
    const valid = sign(claims, secret, { expiresIn: 60 });
    const [header, , signature] = valid.split('.');
    const broken = {
      expired: sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }, secret),
      tampered: `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'x' })).toString('base64url')}.${signature}`,
      hs512: sign(claims, secret, { algorithm: 'HS512', expiresIn: 60 }),
      none: none({ ...claims, exp: Math.floor(Date.now() / 1000) + 60 }),
    };
    const wrong: string[] = [];
    for (const op of operations.filter((o) => !PUBLIC.has(key(o)))) {
      for (const [name, token] of Object.entries(broken)) {
        const status = await call(op, token);
        if (status !== 401) {
          wrong.push(`${name}: ${key(op)} → ${status}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

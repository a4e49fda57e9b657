import { API_KEY_PREFIX, type ApiKeySummary, type IssuedApiKey } from '@archnest/contracts';
import { Http, seedUsers } from '../support/http';
import { startTestApp, type TestApp } from '../support/test-app';

/** API keys for integrators (issue 17): shown once, the owner's current role, hashed. */
describe('API keys', () => {
  let testApp: TestApp;
  let http: Http;
  let admin: Http;
  let member: Http;

  beforeAll(async () => {
    testApp = await startTestApp();
    http = new Http(testApp.app);
    const tokens = await seedUsers(http);
    admin = http.as(tokens.admin);
    member = http.as(tokens.member);
  });
  afterAll(() => testApp.close());

  async function create(as: Http, body: object): Promise<IssuedApiKey> {
    const reply = await as.post<IssuedApiKey>('/api/auth/api-keys', body);
    expect(reply.status).toBe(201);
    return reply.body;
  }

  it('shows a key once, prefixed; lists it by hint and acts as its owner', async () => {
    const key = await create(member, { name: 'member script' });
    expect(key.key).toMatch(/^archnest_key_[A-Za-z0-9_-]{43}$/);
    expect(key).toMatchObject({ name: 'member script', username: 'mia', readOnly: false });
    const listed = await member.get<ApiKeySummary[]>('/api/auth/api-keys');
    expect(listed.text).not.toContain(key.key);
    expect(listed.body.map((k) => k.hint)).toEqual([
      key.key.slice(0, API_KEY_PREFIX.length + 4) + '…',
    ]);

    const me = await http.as(key.key).get<{ username: string; role: string }>('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: 'mia', role: 'member' });
    expect((await http.as(key.key).get('/api/agents/docker/hosts')).status).toBe(200);
    expect((await http.as(key.key).get('/api/users')).status).toBe(403);
    const used = (await member.get<ApiKeySummary[]>('/api/auth/api-keys')).body[0];
    expect(used.lastAddress).toBe('127.0.0.1');
    expect(used.lastUsedAt).not.toBeNull();
  });

  it("acts with the owner's current role, and dies with the owner", async () => {
    const created = await admin.post<{ id: string }>('/api/users', {
      username: 'integrator',
      password: 'integrator-password-1',
      role: 'member',
    });
    const login = await http.post<{ accessToken: string }>('/api/auth/login', {
      username: 'integrator',
      password: 'integrator-password-1',
    });
    const key = await create(http.as(login.body.accessToken), { name: 'ci' });
    const asKey = http.as(key.key);
    expect((await asKey.get('/api/users')).status).toBe(403);
    await admin.patch(`/api/users/${created.body.id}`, { role: 'admin' });
    expect((await asKey.get('/api/users')).status).toBe(200);
    expect((await admin.delete(`/api/users/${created.body.id}`)).status).toBe(204);
    const dead = await asKey.get<{ message: string }>('/api/auth/me');
    expect(dead.status).toBe(401);
    const all = await admin.get<ApiKeySummary[]>('/api/auth/api-keys');
    expect(all.body.map((k) => k.id)).not.toContain(key.id);
  });

  it("refuses a read-only key every admin route and every change, even an admin's", async () => {
    const key = await create(admin, { name: 'dashboard', readOnly: true });
    const asKey = http.as(key.key);
    expect((await asKey.get('/api/agents/docker/hosts')).status).toBe(200);
    expect((await asKey.get<{ role: string }>('/api/auth/me')).body.role).toBe('member');
    expect((await asKey.get('/api/users')).status).toBe(403);
    expect((await asKey.get('/api/audit')).status).toBe(403);
    const write = await asKey.post<{ message: string }>('/api/auth/api-keys', { name: 'more' });
    expect(write.status).toBe(403);
    expect(write.body.message).toBe('This API key is read-only');
    expect((await asKey.delete(`/api/auth/api-keys/${key.id}`)).status).toBe(403);
  });

  it('lets an admin list and revoke anyone’s key; a member only their own', async () => {
    const memberKey = await create(member, { name: 'to revoke' });
    const adminKey = await create(admin, { name: 'admin own' });
    const mine = await member.get<ApiKeySummary[]>('/api/auth/api-keys');
    expect(mine.body.every((k) => k.username === 'mia')).toBe(true);
    const all = await admin.get<ApiKeySummary[]>('/api/auth/api-keys');
    expect(all.body.map((k) => k.id)).toEqual(expect.arrayContaining([memberKey.id, adminKey.id]));

    expect((await member.delete(`/api/auth/api-keys/${adminKey.id}`)).status).toBe(404);
    expect((await http.as(adminKey.key).get('/api/auth/me')).status).toBe(200);
    expect((await admin.delete(`/api/auth/api-keys/${memberKey.id}`)).status).toBe(204);
    expect((await http.as(memberKey.key).get('/api/auth/me')).status).toBe(401);
    const audit = await admin.get<{ items: { action: string; actor: string; detail: string }[] }>(
      '/api/audit',
    );
    expect(audit.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'api-key.create', actor: 'mia' }),
        expect.objectContaining({ action: 'api-key.revoke', actor: 'admin', detail: 'owner=mia' }),
      ]),
    );
    expect(JSON.stringify(audit.body)).not.toContain(memberKey.key);
  });

  it('refuses an expired key, an unknown one and a tampered one with 401', async () => {
    const key = await create(member, {
      name: 'short-lived',
      expiresAt: new Date(Date.now() + 1200).toISOString(),
    });
    expect((await http.as(key.key).get('/api/auth/me')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await http.as(key.key).get('/api/auth/me')).status).toBe(401);
    expect(
      (await member.get<ApiKeySummary[]>('/api/auth/api-keys')).body.find((k) => k.id === key.id)
        ?.state,
    ).toBe('expired');
    expect((await http.as(`${API_KEY_PREFIX}${'A'.repeat(43)}`).get('/api/auth/me')).status).toBe(
      401,
    );
    expect((await http.as(`${key.key.slice(0, -1)}x`).get('/api/auth/me')).status).toBe(401);
  });

  it.each([
    [{}, 'name must be a string'],
    [{ name: '' }, 'name must not be empty'],
    [{ name: 'x', readOnly: 'yes' }, 'readOnly must be true or false'],
    [{ name: 'x', expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt must be a time in the future'],
    [{ name: 'x', expiresAt: 'soon' }, 'expiresAt must be an ISO 8601 time'],
  ])('refuses %j with 400 naming the field', async (body, message) => {
    const reply = await member.post<{ message: string | string[] }>('/api/auth/api-keys', body);
    expect(reply.status).toBe(400);
    expect(String(reply.body.message)).toContain(message);
  });
});

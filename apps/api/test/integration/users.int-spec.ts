import type { AuditEntry, Page, User } from '@archnest/contracts';
import { Http, MEMBER, seedUsers } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';

describe('users and roles', () => {
  let testApp: TestApp;
  let http: Http;
  let admin: Http;
  let member: Http;

  beforeEach(async () => {
    testApp = await startTestApp();
    http = new Http(testApp.app);
    const tokens = await seedUsers(http);
    admin = http.as(tokens.admin);
    member = http.as(tokens.member);
  });
  afterEach(() => testApp.close());

  it('lets an admin create, update and delete users, and audits each without secrets', async () => {
    const created = await admin.post<User>('/api/users', {
      username: 'bob',
      password: 'bobs-password-1',
      role: 'member',
    });
    expect(created.status).toBe(201);
    expect(created.text).not.toContain('bobs-password-1');

    const updated = await admin.patch<User>(`/api/users/${created.body.id}`, {
      role: 'admin',
      password: 'bobs-new-password',
    });
    expect(updated.body.role).toBe('admin');
    expect(
      (await http.post('/api/auth/login', { username: 'bob', password: 'bobs-new-password' }))
        .status,
    ).toBe(200);

    expect((await admin.delete(`/api/users/${created.body.id}`)).status).toBe(204);
    const users = await admin.get<User[]>('/api/users');
    expect(users.body.map((u) => u.username)).toEqual(['admin', MEMBER.username]);

    const audit = await admin.get<Page<AuditEntry>>('/api/audit');
    const actions = audit.body.items.map((e) => `${e.action} ${e.target}`);
    expect(actions.slice(0, 3)).toEqual([
      'user.delete user:bob',
      'user.update user:bob',
      'user.create user:bob',
    ]);
    expect(audit.text).not.toMatch(/bobs-(new-)?password/);
    expect(audit.body.items.every((e) => e.actor === 'admin')).toBe(true);
  });

  it('refuses members on every admin route with 403, and changes nothing', async () => {
    const users = await admin.get<User[]>('/api/users');
    const someone = users.body[0]?.id ?? '';
    const attempts = await Promise.all([
      member.get('/api/users'),
      member.post('/api/users', { username: 'eve', password: 'eves-password', role: 'admin' }),
      member.patch(`/api/users/${someone}`, { role: 'member' }),
      member.delete(`/api/users/${someone}`),
      member.get('/api/audit'),
    ]);
    expect(attempts.map((a) => a.status)).toEqual([403, 403, 403, 403, 403]);
    expect((await admin.get<User[]>('/api/users')).body).toEqual(users.body);
  });

  it('lets members read what is not admin-only', async () => {
    expect((await member.get('/api/auth/me')).status).toBe(200);
    expect((await member.get('/api/containers/hosts')).body).toEqual([]);
  });

  it('applies a role change at once, without a new token', async () => {
    const users = await admin.get<User[]>('/api/users');
    const mia = users.body.find((u) => u.username === MEMBER.username);
    await admin.patch(`/api/users/${mia?.id ?? ''}`, { role: 'admin' });
    expect((await member.get('/api/users')).status).toBe(200);
  });

  it('never deletes or demotes the last admin', async () => {
    const me = await admin.get<User>('/api/auth/me');
    expect((await admin.delete(`/api/users/${me.body.id}`)).status).toBe(409);
    expect((await admin.patch(`/api/users/${me.body.id}`, { role: 'member' })).status).toBe(409);
  });

  it('answers 400 naming the field, 404 for unknown users, 409 for taken names', async () => {
    const bad = await admin.post<{ message: string[] }>('/api/users', {
      username: 'a b',
      password: 'x',
      role: 'root',
    });
    expect(bad.status).toBe(400);
    const message = bad.body.message.join(' ');
    expect(message).toMatch(/username/);
    expect(message).toMatch(/password/);
    expect(message).toMatch(/role/);
    expect((await admin.patch('/api/users/not-a-uuid', { role: 'admin' })).status).toBe(400);
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await admin.delete(`/api/users/${missing}`)).status).toBe(404);
    const taken = await admin.post('/api/users', { ...MEMBER, role: 'member' });
    expect(taken.status).toBe(409);
  });

  it('pages the audit log newest first', async () => {
    for (const name of ['u1', 'u2', 'u3']) {
      await admin.post('/api/users', {
        username: `${name}x`,
        password: 'password-123',
        role: 'member',
      });
    }
    const page = await admin.get<Page<AuditEntry>>('/api/audit?page=1&pageSize=2');
    expect(page.body.items.map((e) => e.target)).toEqual(['user:u3x', 'user:u2x']);
    expect(page.body.total).toBeGreaterThanOrEqual(5);
    const next = await admin.get<Page<AuditEntry>>('/api/audit?page=2&pageSize=2');
    expect(next.body.items[0]?.target).toBe('user:u1x');
    expect((await admin.get('/api/audit?pageSize=0')).status).toBe(400);
  });
});

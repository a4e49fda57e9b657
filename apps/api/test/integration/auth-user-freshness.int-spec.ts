import type { User } from '@archnest/contracts';
import { Http, MEMBER, seedUsers } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * A JWT names its user, but every request reads the user as it is now (UsersService.findAuthUser,
 * no cache): a token that worked a moment ago stops at the next request once its user is deleted,
 * and a changed role or name applies without a new token.
 */
describe('an authenticated request reads its user afresh', () => {
  let testApp: TestApp;
  let admin: Http;
  let member: Http;
  let memberId: string;

  beforeEach(async () => {
    testApp = await startTestApp();
    const http = new Http(testApp.app);
    const tokens = await seedUsers(http);
    admin = http.as(tokens.admin);
    member = http.as(tokens.member);
    const me = await member.get<User>('/api/auth/me');
    expect(me.status).toBe(200);
    memberId = me.body.id;
  });
  afterEach(() => testApp.close());

  it('refuses the token of a user deleted a moment ago, on every route', async () => {
    expect((await member.get('/api/containers/hosts')).status).toBe(200);
    expect((await admin.delete(`/api/users/${memberId}`)).status).toBe(204);
    expect((await member.get('/api/auth/me')).status).toBe(401);
    expect((await member.get('/api/containers/hosts')).status).toBe(401);
  });

  it('applies a demotion at once: admin routes answer 403 with the same token', async () => {
    await admin.patch(`/api/users/${memberId}`, { role: 'admin' });
    expect((await member.get('/api/users')).status).toBe(200);
    await admin.patch(`/api/users/${memberId}`, { role: 'member' });
    expect((await member.get('/api/users')).status).toBe(403);
    expect((await member.get<User>('/api/auth/me')).body.role).toBe('member');
  });

  it('answers /api/auth/me with the current name and role, not those in the token', async () => {
    await admin.patch(`/api/users/${memberId}`, { username: 'mia-renamed', role: 'admin' });
    const me = await member.get<User>('/api/auth/me');
    expect(me.body).toMatchObject({ id: memberId, username: 'mia-renamed', role: 'admin' });
    expect(me.body.username).not.toBe(MEMBER.username);
    expect(Date.parse(me.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(me.body.createdAt));
  });
});

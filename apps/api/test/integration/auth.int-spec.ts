import { sign } from 'jsonwebtoken';
import { ADMIN, Http, MEMBER, seedUsers } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('auth', () => {
  let testApp: TestApp;
  let http: Http;

  beforeEach(async () => {
    testApp = await startTestApp();
    http = new Http(testApp.app);
  });
  afterEach(() => testApp.close());

  describe('first-run setup', () => {
    it('creates the first admin once, then answers 409', async () => {
      expect((await http.get('/api/auth/setup')).body).toEqual({ needsSetup: true });

      const setup = await http.post<{ accessToken: string }>('/api/auth/setup', ADMIN);
      expect(setup.status).toBe(201);
      const me = await http.as(setup.body.accessToken).get('/api/auth/me');
      expect(me.body).toMatchObject({ username: 'admin', role: 'admin' });

      expect((await http.get('/api/auth/setup')).body).toEqual({ needsSetup: false });
      const again = await http.post('/api/auth/setup', {
        username: 'other',
        password: 'password-2',
      });
      expect(again.status).toBe(409);
    });

    it('lets only one of many simultaneous setups win', async () => {
      const attempts = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          http.post('/api/auth/setup', { username: `admin${i}`, password: 'password-123' }),
        ),
      );
      expect(attempts.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409]);
    });

    it('names the bad field', async () => {
      const reply = await http.post<{ message: string[] }>('/api/auth/setup', {
        username: 'admin',
        password: 'short',
      });
      expect(reply.status).toBe(400);
      expect(reply.body.message.join(' ')).toMatch(/password/);
      expect((await http.get('/api/auth/setup')).body).toEqual({ needsSetup: true });
    });
  });

  describe('login', () => {
    beforeEach(() => seedUsers(http));

    it('answers a token that works for /me', async () => {
      const login = await http.post<{ accessToken: string }>('/api/auth/login', MEMBER);
      expect(login.status).toBe(200);
      const me = await http.as(login.body.accessToken).get('/api/auth/me');
      expect(me.body).toMatchObject({ username: MEMBER.username, role: 'member' });
      expect(me.text).not.toContain('password');
    });

    it('refuses a wrong password and an unknown user alike', async () => {
      const wrong = await http.post('/api/auth/login', { ...MEMBER, password: 'nope-nope' });
      const unknown = await http.post('/api/auth/login', { username: 'ghost', password: 'x' });
      expect([wrong.status, unknown.status]).toEqual([401, 401]);
      expect(wrong.body).toEqual(unknown.body);
    });

    it('answers 429 after repeated failed logins, for that client and name only', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        statuses.push(
          (await http.post('/api/auth/login', { ...ADMIN, password: `bad-${i}` })).status,
        );
      }
      expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(10)).toEqual([429, 429]);
      expect((await http.post('/api/auth/login', MEMBER)).status).toBe(200);
    });
  });

  describe('the JWT guard', () => {
    let userId: string;
    const payload = (): object => ({ sub: userId, username: 'admin', role: 'admin' });

    beforeEach(async () => {
      await seedUsers(http);
      const admin = await http.post<{ accessToken: string }>('/api/auth/login', ADMIN);
      userId = (await http.as(admin.body.accessToken).get<{ id: string }>('/api/auth/me')).body.id;
    });

    it('accepts a valid HS256 token signed with the server secret', async () => {
      const token = sign(payload(), testApp.config.jwtSecret, {
        algorithm: 'HS256',
        expiresIn: 60,
      });
      expect((await http.as(token).get('/api/auth/me')).status).toBe(200);
    });

    it.each([
      ['no token', (): string | undefined => undefined],
      ['garbage', () => 'not.a.jwt'],
      [
        'an expired token',
        () =>
          sign({ ...payload(), exp: Math.floor(Date.now() / 1000) - 10 }, testApp.config.jwtSecret),
      ],
      ['another secret', () => sign(payload(), 'x'.repeat(40), { expiresIn: 60 })],
      [
        'HS512 with the right secret',
        () => sign(payload(), testApp.config.jwtSecret, { algorithm: 'HS512', expiresIn: 60 }),
      ],
      ['alg none', () => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload())}.`],
      [
        'a tampered role',
        () => {
          const [header, , signature] = sign(
            { ...payload(), role: 'member' },
            testApp.config.jwtSecret,
            { expiresIn: 60 },
          ).split('.');
          return `${header}.${base64url(payload())}.${signature}`;
        },
      ],
    ])('refuses %s with 401', async (_name, token) => {
      expect((await http.as(token()).get('/api/auth/me')).status).toBe(401);
    });

    it('refuses the token of a deleted user', async () => {
      const token = sign(
        { sub: '00000000-0000-4000-8000-000000000000', username: 'gone', role: 'admin' },
        testApp.config.jwtSecret,
        { expiresIn: 60 },
      );
      expect((await http.as(token).get('/api/users')).status).toBe(401);
    });
  });
});

describe('ARCHNEST_ADMIN_PASSWORD seeding', () => {
  it('creates the first admin at start, so setup is closed', async () => {
    const testApp = await startTestApp({ ARCHNEST_ADMIN_PASSWORD: 'seeded-password-1' });
    try {
      const http = new Http(testApp.app);
      expect((await http.get('/api/auth/setup')).body).toEqual({ needsSetup: false });
      const login = await http.post('/api/auth/login', {
        username: 'admin',
        password: 'seeded-password-1',
      });
      expect(login.status).toBe(200);
    } finally {
      await testApp.close();
    }
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { testDatabaseKind } from '../harness/infra';
import { Http, seedUsers } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
  components: {
    securitySchemes: Record<string, { type: string; scheme: string }>;
    schemas: Record<string, unknown>;
  };
}

describe('platform', () => {
  let testApp: TestApp;
  let http: Http;
  let webDir: string;
  let users: ReturnType<typeof seedUsers> | undefined;
  /** The admin and member, made once for the tests that need them. */
  const signedIn = (): ReturnType<typeof seedUsers> => (users ??= seedUsers(http));

  beforeAll(async () => {
    webDir = mkdtempSync(join(tmpdir(), 'archnest-web-'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>ArchNest console</title>');
    writeFileSync(join(webDir, 'main.js'), 'console.log(1)');
    testApp = await startTestApp({}, { webDir });
    http = new Http(testApp.app);
  });
  afterAll(async () => {
    await testApp.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('reports health publicly, naming the database it really uses', async () => {
    const health = await http.get<{ status: string; database: { type: string; ok: boolean } }>(
      '/api/health',
    );
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    expect(health.body.database).toEqual({ type: testDatabaseKind(), ok: true });
  });

  it('created the schema through migrations', async () => {
    const dataSource = testApp.app.get(DataSource);
    const applied = await dataSource.query<{ name: string }[]>('SELECT name FROM migrations');
    expect(applied.map((m) => m.name)).toContain('InitialSchema1764259200000');
    expect(await dataSource.showMigrations()).toBe(false);
  });

  it('runs SQLite in WAL mode', async () => {
    if (testDatabaseKind() !== 'sqlite') {
      return expect(testApp.config.database.type).toBe('postgres');
    }
    const dataSource = testApp.app.get(DataSource);
    const [mode] = await dataSource.query<{ journal_mode: string }[]>('PRAGMA journal_mode');
    expect(mode?.journal_mode).toBe('wal');
  });

  it('sends security headers and keeps CORS closed by default', async () => {
    const reply = await testApp.app.inject({
      method: 'GET',
      url: '/api/health',
      headers: { origin: 'https://evil.example' },
    });
    expect(reply.headers['content-security-policy']).toContain("default-src 'self'");
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(reply.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('publishes OpenAPI 3 with the security schemes and the DTO schemas', async () => {
    const doc = (await http.get<OpenApiDocument>('/api/docs-json')).body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes['user-jwt']).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(doc.components.securitySchemes['agent-token']).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(doc.components.securitySchemes['api-key']).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'archnest_key_…',
    });
    for (const schema of [
      'LoginDto',
      'SetupDto',
      'CreateUserDto',
      'UpdateUserDto',
      'UserResponse',
      'AuditPageResponse',
      'ContainerHostResponse',
      'HealthResponse',
    ]) {
      expect(doc.components.schemas).toHaveProperty(schema);
    }
    // Either a login JWT or an API key opens every user route; ingest takes agent tokens only.
    expect(doc.paths['/api/users']?.get?.security).toEqual([{ 'user-jwt': [] }, { 'api-key': [] }]);
    expect(doc.paths['/api/agents/docker/report']?.post?.security).toEqual([{ 'agent-token': [] }]);
    const ui = await http.get('/api/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');
  });

  it('answers unknown API routes with a JSON 404, never the console', async () => {
    const reply = await http.get<{ statusCode: number }>('/api/does-not-exist');
    expect(reply.status).toBe(404);
    expect(reply.body.statusCode).toBe(404);
    expect(reply.text).not.toContain('ArchNest console');
  });

  it('serves the console at / and for unknown client routes', async () => {
    for (const url of ['/', '/containers', '/users/deep/link?x=1']) {
      const reply = await http.get(url);
      expect(reply.status).toBe(200);
      expect(reply.text).toContain('ArchNest console');
    }
    expect((await http.get('/main.js')).text).toBe('console.log(1)');
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const reply = await testApp.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username": ',
    });
    expect(reply.statusCode).toBe(400);
  });

  it('refuses a null JSON body rather than reading it as an empty change', async () => {
    const { admin } = await signedIn();
    const member = await http.as(admin).post<{ id: string }>('/api/users', {
      username: 'dora',
      password: 'doras-password',
      role: 'member',
    });
    const reply = await testApp.app.inject({
      method: 'PATCH',
      url: `/api/users/${member.body.id}`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      payload: 'null',
    });
    expect(reply.statusCode).toBe(400);
    expect(reply.json<{ message: string }>().message).toMatch(/JSON object/);
  });

  it('answers bodies over the limit with 413', async () => {
    const reply = await http.post('/api/auth/login', {
      username: 'x',
      password: 'p'.repeat(1_100_000),
    });
    expect(reply.status).toBe(413);
  });

  it('strips unknown fields instead of storing them', async () => {
    const { admin } = await signedIn();
    const created = await http.as(admin).post<Record<string, unknown>>('/api/users', {
      username: 'carol',
      password: 'carols-password',
      role: 'member',
      isSuperuser: true,
      __proto__: { polluted: true },
    });
    expect(created.status).toBe(201);
    expect(created.body).not.toHaveProperty('isSuperuser');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('lists no container hosts until a source exists', async () => {
    const login = await http.post<{ accessToken: string }>('/api/auth/login', {
      username: 'admin',
      password: 'admin-password-1',
    });
    const hosts = await http.as(login.body.accessToken).get('/api/containers/hosts');
    expect(hosts.status).toBe(200);
    expect(hosts.body).toEqual([]);
  });
});

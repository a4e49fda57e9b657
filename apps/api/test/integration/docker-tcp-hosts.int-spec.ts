/**
 * Docker TCP host inventory against the real private engine, on TCP loopback with TLS
 * (--tlsverify, certificates minted by the test) and on its unix socket.
 */
import type { ContainerHost } from '@archnest/contracts';
import { DataSource } from 'typeorm';
import { runDocker } from '../harness/docker-engine';
import { freePort } from '../harness/proc';
import {
  addHost,
  anyText,
  arrayContaining,
  auditRows,
  DockerHostBody,
  objectContaining,
  textContaining,
  textMatching,
  timed,
  unixUrl,
} from '../support/docker-tcp';
import { startTlsEngine, TlsEngine } from '../support/docker-tls';
import { Http, seedUsers } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';

/** The base64 body of a PEM, which must never show up in a response, the audit log or the DB. */
function pemBody(pem: string): string {
  return pem.split('\n').slice(1, 3).join('');
}

describe('docker-tcp hosts', () => {
  let engine: TlsEngine;
  let testApp: TestApp;
  let http: Http;
  let admin: Http;
  let member: Http;

  beforeAll(async () => {
    engine = await startTlsEngine();
  });
  afterAll(() => engine.restore());

  beforeEach(async () => {
    testApp = await startTestApp();
    http = new Http(testApp.app);
    const tokens = await seedUsers(http);
    admin = http.as(tokens.admin);
    member = http.as(tokens.member);
  });
  afterEach(() => testApp.close());

  it('saves a TLS host after verifying it, and never returns or logs the TLS material', async () => {
    const created = await admin.post<DockerHostBody>('/api/docker/hosts', {
      name: 'lab-tls',
      url: engine.url,
      tls: engine.tls,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'lab-tls',
      url: engine.url,
      tls: { configured: true },
    });
    expect(created.body.lastSeenAt).not.toBeNull();

    const list = await admin.get<DockerHostBody[]>('/api/docker/hosts');
    expect(list.body).toEqual([created.body]);
    const audit = await auditRows(admin);
    expect(audit[0]).toMatchObject({
      actor: 'admin',
      action: 'docker-tcp.host.create',
      target: 'docker-tcp:lab-tls',
      result: 'success',
    });
    const rows = await testApp.app
      .get(DataSource)
      .query<{ tls_sealed: string }[]>('SELECT tls_sealed FROM docker_hosts');
    for (const text of [created.text, list.text, JSON.stringify(audit), JSON.stringify(rows)]) {
      expect(text).not.toContain(pemBody(engine.tls.key));
      expect(text).not.toContain('PRIVATE KEY');
    }
    expect(rows[0]?.tls_sealed).toMatch(/^v1\./);
  });

  it('tests a host: the engine version over TLS, a readable reason when it is down', async () => {
    const host = await addHost(admin, { name: 'lab-tls', url: engine.url, tls: engine.tls });
    const version = (await runDocker(['version', '--format', '{{.Server.Version}}'])).trim();
    const ok = await admin.post(`/api/docker/hosts/${host.id}/test`);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, version, reason: null });

    const closed = `tcp://127.0.0.1:${await freePort()}`;
    const down = await addHost(admin, { name: 'down', url: closed }, false);
    const failed = await admin.post(`/api/docker/hosts/${down.id}/test`);
    expect(failed.body).toMatchObject({
      ok: false,
      version: null,
      reason: 'Docker host "down" is unreachable: connection refused (ECONNREFUSED)',
    });
  });

  it('refuses an engine whose certificate another CA signed, and saves nothing', async () => {
    const reply = await admin.post('/api/docker/hosts', {
      name: 'wrong-ca',
      url: engine.url,
      tls: { ...engine.tls, ca: engine.wrongCa },
    });
    expect(reply.status).toBe(502);
    expect(reply.body).toMatchObject({
      message: textMatching(
        /^Docker host "wrong-ca" is unreachable: TLS handshake failed: .*certificate.*Nothing was saved/,
      ),
    });
    expect((await admin.get('/api/docker/hosts')).body).toEqual([]);
    expect((await auditRows(admin))[0]).toMatchObject({
      action: 'docker-tcp.host.create',
      result: 'failure',
      detail: textContaining('TLS handshake failed'),
    });
  });

  it('is refused by the engine with a client certificate from another CA', async () => {
    const reply = await admin.post('/api/docker/hosts', {
      name: 'wrong-client',
      url: engine.url,
      tls: { ca: engine.tls.ca, ...engine.wrongClient },
    });
    expect(reply.status).toBe(502);
    expect(reply.body).toMatchObject({
      message: textMatching(/^Docker host "wrong-client" is unreachable: .+/),
    });
    expect(reply.text).not.toContain(pemBody(engine.wrongClient.key));
  });

  it('answers an unreachable endpoint within the deadline, and saves it on request', async () => {
    const url = `tcp://127.0.0.1:${await freePort()}`;
    const { result, ms } = await timed(() =>
      admin.post('/api/docker/hosts', { name: 'later', url }),
    );
    expect(result.status).toBe(502);
    expect(ms).toBeLessThan(10_000);
    expect(result.body).toMatchObject({
      message:
        'Docker host "later" is unreachable: connection refused (ECONNREFUSED). Nothing was saved; fix the endpoint, or save with ?verify=false to add an engine that is down.',
    });
    const saved = await addHost(admin, { name: 'later', url }, false);
    expect(saved.lastSeenAt).toBeNull();
    const hosts = await member.get<ContainerHost[]>('/api/containers/hosts');
    expect(hosts.body).toEqual([
      objectContaining({
        source: 'docker-tcp',
        hostId: saved.id,
        status: 'unreachable',
        containerCount: null,
      }),
    ]);
  });

  it('lists TLS and unix hosts in the aggregator with their status and container count', async () => {
    const count = (await runDocker(['ps', '-aq'])).split('\n').filter(Boolean).length;
    const tls = await addHost(admin, { name: 'lab-tls', url: engine.url, tls: engine.tls });
    const unix = await addHost(admin, { name: 'lab-unix', url: unixUrl() });
    const hosts = await member.get<ContainerHost[]>('/api/containers/hosts');
    expect(hosts.status).toBe(200);
    const capabilities = ['inspect', 'stats', 'logs', 'manage', 'exec'];
    expect(hosts.body).toEqual([
      {
        source: 'docker-tcp',
        hostId: tls.id,
        name: 'lab-tls',
        status: 'online',
        containerCount: count,
        capabilities,
        lastSeenAt: anyText(),
      },
      {
        source: 'docker-tcp',
        hostId: unix.id,
        name: 'lab-unix',
        status: 'online',
        containerCount: count,
        capabilities,
        lastSeenAt: anyText(),
      },
    ]);
  });

  it.each([
    [{ name: 'x', url: 'http://127.0.0.1:2375' }, 'url must start with tcp:// or unix://'],
    [{ name: 'x', url: 'tcp://127.0.0.1' }, 'url needs a port'],
    [
      { name: 'x', url: 'unix:///run/../etc/shadow' },
      'url must be unix:// followed by an absolute socket path',
    ],
    [{ name: '', url: 'tcp://127.0.0.1:2376' }, 'name must be 1-64 letters'],
    [
      { name: 'x', url: 'unix:///run/docker.sock', tls: { ca: 'a', cert: 'b', key: 'c' } },
      'tls applies to tcp:// endpoints only',
    ],
    [
      { name: 'x', url: 'tcp://127.0.0.1:2376', tls: { ca: 'not pem', cert: 'b', key: 'c' } },
      'tls.ca is not a PEM certificate',
    ],
    [{ name: 'x', url: 'tcp://127.0.0.1:2376', tls: { ca: 'a' } }, 'tls.cert must be a string'],
  ])('answers 400 for %j before connecting', async (body, message) => {
    const reply = await admin.post<{ message: string | string[] }>('/api/docker/hosts', body);
    expect(reply.status).toBe(400);
    expect(String(reply.body.message)).toContain(message);
  });

  it('answers 400 for a key that does not belong to the certificate', async () => {
    const reply = await admin.post('/api/docker/hosts', {
      name: 'mismatch',
      url: engine.url,
      tls: { ...engine.tls, key: engine.wrongClient.key },
    });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ message: 'tls.key does not belong to tls.cert' });
    expect(reply.text).not.toContain(pemBody(engine.wrongClient.key));
  });

  it('refuses a second host with the same name (409)', async () => {
    await addHost(admin, { name: 'lab', url: unixUrl() });
    const again = await admin.post('/api/docker/hosts', { name: 'lab', url: unixUrl() });
    expect(again.status).toBe(409);
  });

  it('updates a host: rename, move endpoint (verified), clear TLS; audits field names only', async () => {
    const host = await addHost(admin, { name: 'lab', url: engine.url, tls: engine.tls });
    const renamed = await admin.patch<DockerHostBody>(`/api/docker/hosts/${host.id}`, {
      name: 'lab-2',
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      name: 'lab-2',
      url: engine.url,
      tls: { configured: true },
    });

    const broken = `tcp://127.0.0.1:${await freePort()}`;
    const refused = await admin.patch(`/api/docker/hosts/${host.id}`, { url: broken });
    expect(refused.status).toBe(502);
    expect((await admin.get<DockerHostBody[]>('/api/docker/hosts')).body[0]?.url).toBe(engine.url);

    const moved = await admin.patch<DockerHostBody>(`/api/docker/hosts/${host.id}`, {
      url: unixUrl(),
      tls: null,
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ url: unixUrl(), tls: { configured: false } });
    expect((await admin.get(`/api/docker/hosts/${host.id}/containers`)).status).toBe(200);
    const update = (await auditRows(admin)).find(
      (row) => row.action === 'docker-tcp.host.update' && row.result === 'success',
    );
    expect(update?.detail).toBe('changed=url,tls');
  });

  it('deletes a host (204), after which its routes answer 404', async () => {
    const host = await addHost(admin, { name: 'lab', url: unixUrl() });
    expect((await admin.delete(`/api/docker/hosts/${host.id}`)).status).toBe(204);
    expect((await admin.get(`/api/docker/hosts/${host.id}/containers`)).status).toBe(404);
    expect((await admin.delete(`/api/docker/hosts/${host.id}`)).status).toBe(404);
    expect((await auditRows(admin))[0]).toMatchObject({
      action: 'docker-tcp.host.delete',
      target: 'docker-tcp:lab',
    });
  });

  it('keeps the inventory admin-only: 403 for members, 401 without a token', async () => {
    const host = await addHost(admin, { name: 'lab', url: unixUrl() });
    const body = { name: 'mine', url: unixUrl() };
    const attempts: [Http, number][] = [
      [member, 403],
      [http, 401],
    ];
    for (const [client, status] of attempts) {
      expect((await client.get('/api/docker/hosts')).status).toBe(status);
      expect((await client.post('/api/docker/hosts', body)).status).toBe(status);
      expect((await client.patch(`/api/docker/hosts/${host.id}`, { name: 'x' })).status).toBe(
        status,
      );
      expect((await client.delete(`/api/docker/hosts/${host.id}`)).status).toBe(status);
      expect((await client.post(`/api/docker/hosts/${host.id}/test`)).status).toBe(status);
    }
    expect(
      (await admin.get<DockerHostBody[]>('/api/docker/hosts')).body.map((h) => h.name),
    ).toEqual(['lab']);
  });

  it('answers 400 for a host id that is not a UUID', async () => {
    expect((await admin.get('/api/docker/hosts/..%2F..%2Fetc/containers')).status).toBe(400);
    expect((await admin.post('/api/docker/hosts/not-a-uuid/test')).status).toBe(400);
  });

  it('documents every route in the OpenAPI document', async () => {
    const doc = await http.get<{ paths: Record<string, object> }>('/api/docs-json');
    expect(Object.keys(doc.body.paths)).toEqual(
      arrayContaining([
        '/api/docker/hosts',
        '/api/docker/hosts/{hostId}',
        '/api/docker/hosts/{hostId}/test',
        '/api/docker/hosts/{hostId}/containers',
        '/api/docker/hosts/{hostId}/containers/{ref}',
        '/api/docker/hosts/{hostId}/containers/{ref}/logs',
        '/api/docker/hosts/{hostId}/containers/{ref}/stats',
        '/api/docker/hosts/{hostId}/containers/{ref}/{action}',
      ]),
    );
  });
});

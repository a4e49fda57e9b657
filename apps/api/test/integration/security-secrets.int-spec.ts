/**
 * Seeded secrets never leave the places they belong. The API runs with its production logger
 * (captured), holds SSH keys, a passphrase and passwords of targets, a TLS client key of a TCP
 * host, the agent token, the JWT secret and the secret key, user passwords, and env secrets in
 * an agent report and in a real container. After exercising it broadly (every GET route of the
 * OpenAPI document as admin and member, actions, failures, audit), none of those values may
 * appear in any response body or header, any log line, any audit row, or, unencrypted, in the
 * database (SQLite file, WAL and shared memory bytes; every table's rows on both databases).
 * Also: helmet's headers on every route and a closed CORS preflight. Login throttling is
 * covered by auth.int-spec.ts, headers and CORS on a plain GET by platform.int-spec.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { loadInfra, testDatabaseKind } from '../harness/infra';
import { fullReport, steadyReport } from '../support/agent-report-fixture';
import { removeContainers, targetBody } from '../support/docker-ssh';
import { startTlsEngine, TlsEngine } from '../support/docker-tls';
import { ADMIN, Http, seedUsers } from '../support/http';
import { operationsOf, operationUrl, type OpenApiDocument } from '../support/openapi-operations';
import { captureOutput, RecordingHttp } from '../support/output-capture';
import {
  addInfraSecrets,
  addSecretSources,
  reportWithEnvSecret,
  SECRET_CONTAINER as CONTAINER,
  seededSecrets,
  startSecretContainer,
} from '../support/secret-seeds';
import { createPostgresDatabase, type TestDatabase } from '../support/test-app';

describe('secrets never leave where they belong', () => {
  const secrets = seededSecrets();
  const responses: string[] = [];
  const logs: string[] = [];
  let engine: TlsEngine;
  let app: NestFastifyApplication;
  let config: AppConfig;
  let dataDir: string;
  let database: TestDatabase | null = null;
  let admin: RecordingHttp;
  let adminToken: string;
  let member: RecordingHttp;
  let restoreOutput: () => void;
  const figures = { getCalls: 0, getRoutes: 0 };

  beforeAll(async () => {
    engine = await startTlsEngine();
    addInfraSecrets(secrets, engine);
    await startSecretContainer(secrets);

    // The real app with its production logger, on a private database of this project's kind.
    restoreOutput = captureOutput(logs);
    dataDir = mkdtempSync(join(tmpdir(), 'archnest-secrets-'));
    database = testDatabaseKind() === 'postgres' ? await createPostgresDatabase() : null;
    config = loadConfig({
      ARCHNEST_DATA_DIR: dataDir,
      ARCHNEST_JWT_SECRET: secrets.jwtSecret,
      ARCHNEST_SECRET_KEY: secrets.secretKey,
      ARCHNEST_AGENT_TOKEN: secrets.agentToken,
      ARCHNEST_METRICS_TOKEN: secrets.scrapeToken,
      ...(database ? { DATABASE_URL: database.url } : {}),
    });
    app = await createApp(config);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();

    const http = new RecordingHttp(app, responses);
    const tokens = await seedUsers(http);
    adminToken = tokens.admin;
    admin = http.as(tokens.admin);
    member = http.as(tokens.member);
  });

  afterAll(async () => {
    restoreOutput?.();
    console.log(
      `security-secrets: ${Object.keys(secrets).length} seeded secret values; ` +
        `${figures.getCalls} GET calls over ${figures.getRoutes} documented GET routes; ` +
        `${responses.length} responses, ${logs.length} log writes checked`,
    );
    await app?.close();
    await database?.drop();
    if (dataDir) {
      rmSync(dataDir, { recursive: true, force: true });
    }
    await removeContainers([CONTAINER]);
    await engine?.restore();
  });

  it('exercises every source, every GET route, actions, failures and the audit log', async () => {
    const { ssh } = loadInfra();
    const anonymous = new RecordingHttp(app, responses);
    const agent = anonymous.as(secrets.agentToken);

    // Credentials of every kind, each used for real.
    const { host, targets } = await addSecretSources(admin, engine, secrets);
    for (const target of [targets.key, targets.password, targets.passphrase]) {
      expect((await admin.post(`/api/docker-ssh/targets/${target.id}/test`)).status).toBe(200);
    }
    const refused = await admin.post(`/api/docker-ssh/targets/${targets.wrong.id}/test`);
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect((await admin.post(`/api/docker/hosts/${host.id}/test`)).status).toBe(200);

    // The Prometheus export, with its token: it holds figures and labels, never a secret.
    expect((await anonymous.as(secrets.scrapeToken).get('/api/metrics')).status).toBe(200);

    // Agent reports: one accepted with an env secret, one refused for a wrong token.
    // Then the same host's steady report (schema v2): its stats go to their own table.
    const { report, reported } = reportWithEnvSecret(secrets.agentEnvSecret);
    const digest = 'd1'.repeat(32);
    expect((await agent.post('/api/agents/docker/report', fullReport(report, digest))).status).toBe(
      200,
    );
    expect(
      (
        await agent.post<{ kind: string }>(
          '/api/agents/docker/report',
          steadyReport(report, digest),
        )
      ).body.kind,
    ).toBe('steady');
    expect(
      (await anonymous.as(secrets.wrongAgentToken).post('/api/agents/docker/report', report))
        .status,
    ).toBe(401);

    // A per-host agent token and an API key: issued (and rotated) through a client that does not
    // record, since those answers are where they are shown once; used and refused recorded.
    const issuer = new Http(app).as(adminToken);
    const hostToken = await issuer.post<{ id: string; token: string }>('/api/agents/tokens', {
      hostId: 'sec-enrolled',
    });
    const rotated = await issuer.post<{ token: string }>(
      `/api/agents/tokens/${hostToken.body.id}/rotate`,
    );
    const apiKey = await issuer.post<{ key: string }>('/api/auth/api-keys', { name: 'sec' });
    Object.assign(secrets, {
      hostToken: hostToken.body.token,
      rotatedHostToken: rotated.body.token,
      apiKey: apiKey.body.key,
    });
    const enrolled = reportWithEnvSecret(secrets.agentEnvSecret).report;
    for (const token of [secrets.hostToken, secrets.rotatedHostToken]) {
      const as = anonymous.as(token);
      expect(
        (await as.post('/api/agents/docker/report', { ...enrolled, hostId: 'sec-enrolled' }))
          .status,
      ).toBe(200);
      expect(
        (await as.post('/api/agents/docker/report', { ...enrolled, hostId: 'sec-other' })).status,
      ).toBe(403);
    }
    expect((await anonymous.as(secrets.apiKey).get('/api/auth/me')).status).toBe(200);
    expect((await admin.get('/api/agents/tokens')).status).toBe(200);
    expect((await admin.get('/api/auth/api-keys')).status).toBe(200);

    // Failures that carry a secret in the request.
    expect(
      (
        await anonymous.post('/api/auth/login', {
          username: ADMIN.username,
          password: secrets.wrongLoginPassword,
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await admin.post(
          '/api/docker-ssh/targets',
          targetBody('sec-bad-key', 'target', { privateKey: secrets.notAKey }),
        )
      ).status,
    ).toBe(400);
    const mismatched = { ...engine.tls, key: engine.wrongClient.key };
    expect(
      (
        await admin.post('/api/docker/hosts', {
          name: 'sec-mismatch',
          url: engine.url,
          tls: mismatched,
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await admin.patch(`/api/docker-ssh/targets/${targets.passphrase.id}`, {
          passphrase: secrets.wrongTargetPassword,
        })
      ).status,
    ).toBeGreaterThanOrEqual(400);

    // Updates that rewrite secrets, and actions over every source that can act.
    const memberId = (await member.get<{ id: string }>('/api/auth/me')).body.id;
    expect(
      (await admin.patch(`/api/users/${memberId}`, { password: secrets.newMemberPassword })).status,
    ).toBe(200);
    expect(
      (
        await admin.patch(`/api/docker-ssh/targets/${targets.passphrase.id}`, {
          name: 'sec-passphrase-2',
          passphrase: ssh.passphrase,
        })
      ).status,
    ).toBe(200);
    expect((await admin.patch(`/api/docker/hosts/${host.id}`, { tls: engine.tls })).status).toBe(
      200,
    );
    for (const base of [
      `/api/docker/hosts/${host.id}/containers/${CONTAINER}`,
      `/api/docker-ssh/targets/${targets.passphrase.id}/containers/${CONTAINER}`,
    ]) {
      expect((await admin.post(`${base}/pause`)).status).toBe(204);
      expect((await admin.post(`${base}/unpause`)).status).toBe(204);
    }

    // Every documented GET route, with real ids, as admin and as member.
    const doc = (await admin.get<OpenApiDocument>('/api/docs-json')).body;
    const gets = operationsOf(doc).filter((op) => op.method === 'GET');
    const sources = [
      { source: 'docker-tcp', hostId: host.id, ref: CONTAINER },
      { source: 'docker-ssh', hostId: targets.password.id, ref: CONTAINER },
      { source: 'agent', hostId: 'sec-agent', ref: reported.id },
    ];
    for (const op of gets) {
      for (const params of sources) {
        const url = operationUrl(op, {
          id: memberId,
          targetId: targets.passphrase.id,
          hostId: op.template.startsWith('/api/docker/hosts')
            ? host.id
            : op.template.startsWith('/api/agents/')
              ? 'sec-agent'
              : params.hostId,
          source: params.source,
          ref: params.ref,
          containerId: reported.id,
        });
        for (const client of [admin, member]) {
          const reply = await client.get(url.includes('/audit') ? `${url}?pageSize=200` : url);
          figures.getCalls += 1;
          expect([url, reply.status < 500]).toEqual([url, true]);
        }
        if (!op.template.includes('{source}')) {
          break;
        }
      }
    }
    expect(gets.length).toBeGreaterThanOrEqual(20);
    figures.getRoutes = gets.length;
  });

  it('shows no secret in any response body or header', () => {
    expect(responses.length).toBeGreaterThan(50);
    const text = responses.join('\n');
    const leaked = Object.entries(secrets).filter(([, value]) => text.includes(value));
    expect(leaked.map(([name]) => name)).toEqual([]);
    // The masking is really there: the env keys came back, with their values hidden.
    expect(text).toContain('"key":"API_TOKEN","value":"********"');
    expect(text).toContain('"key":"DB_PASSWORD","value":"********"');
  });

  it('writes no secret to the server log', () => {
    const text = logs.join('');
    expect(text).toContain('Nest application successfully started');
    expect(responses.length).toBeGreaterThan(50); // the exercise above ran and logged with it
    const leaked = Object.entries(secrets).filter(([, value]) => text.includes(value));
    expect(leaked.map(([name]) => name)).toEqual([]);
  });

  it('keeps every secret out of the audit log', async () => {
    const audit = await admin.get<{ items: unknown[] }>('/api/audit?pageSize=200');
    expect(audit.body.items.length).toBeGreaterThan(10);
    const rows = await app.get(DataSource).query<unknown[]>('SELECT * FROM audit_log');
    const text = JSON.stringify(audit.body) + JSON.stringify(rows);
    const leaked = Object.entries(secrets).filter(([, value]) => text.includes(value));
    expect(leaked.map(([name]) => name)).toEqual([]);
  });

  it('stores no secret unencrypted: every table, and the SQLite files byte for byte', async () => {
    const dataSource = app.get(DataSource);
    const tables =
      testDatabaseKind() === 'postgres'
        ? await dataSource.query<{ name: string }[]>(
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'",
          )
        : await dataSource.query<{ name: string }[]>(
            "SELECT name FROM sqlite_master WHERE type = 'table'",
          );
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'users',
        'ssh_targets',
        'docker_hosts',
        'docker_agent_reports',
        'docker_agent_stats',
      ]),
    );
    let dump = '';
    for (const { name } of tables) {
      dump += JSON.stringify(await dataSource.query(`SELECT * FROM "${name}"`));
    }
    // The sealed columns are there, so the secrets were stored, only not in the clear.
    expect(dump).toMatch(/sealed|Sealed/);
    const inRows = Object.entries(secrets).filter(([, value]) => dump.includes(value));
    expect(inRows.map(([name]) => name)).toEqual([]);

    if (config.database.type === 'sqlite') {
      const file = config.database.path;
      const files = (): Buffer[] =>
        [file, `${file}-wal`, `${file}-shm`].flatMap((path) => {
          try {
            return [readFileSync(path)];
          } catch {
            return [];
          }
        });
      const before = files(); // pages still only in the WAL
      await dataSource.query('PRAGMA wal_checkpoint(TRUNCATE)');
      const bytes = Buffer.concat([...before, ...files()]);
      expect(bytes.length).toBeGreaterThan(0);
      const inFiles = Object.entries(secrets).filter(([, value]) => bytes.includes(value));
      expect(inFiles.map(([name]) => name)).toEqual([]);
    }
  });

  it("sends helmet's headers on every route and answers a cross-origin preflight without CORS", async () => {
    const missing = responses
      .filter(
        (r) => !/"x-content-type-options":"nosniff"/.test(r) || !/content-security-policy/.test(r),
      )
      .map((r) => r.split('\n')[0]);
    expect(missing).toEqual([]);
    for (const url of ['/api/users', '/api/auth/login', '/api/agents/docker/report']) {
      const preflight = await app.inject({
        method: 'OPTIONS',
        url,
        headers: {
          origin: 'https://evil.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
      expect(preflight.statusCode).toBeLessThan(500);
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
      expect(preflight.headers['access-control-allow-headers']).toBeUndefined();
    }
  });
});

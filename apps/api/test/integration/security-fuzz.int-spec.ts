/**
 * Fuzzing with generated malformed input, derived from the OpenAPI document like the auth
 * matrix: every documented operation's path params, query and body, called as an admin (so auth
 * never short-circuits), the agent ingest DTO field by field, and the first frame of both exec
 * WebSockets (closed with a 44xx, nothing started), and forged API keys and agent tokens. Every HTTP answer must be a 4xx
 * (never a 5xx), nothing may be stored or changed, the app must still answer, and
 * Object.prototype must stay clean. The cases come from support/fuzz-cases.ts, seeded
 * (ARCHNEST_FUZZ_SEED replays a run).
 */
import { AGENT_TOKEN_PREFIX, API_KEY_PREFIX } from '@archnest/contracts';
import type { InjectOptions } from 'fastify';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import WebSocket from 'ws';
import { agentReport, fullReport } from '../support/agent-report-fixture';
import { createTarget, pinTarget, targetBody } from '../support/docker-ssh';
import { addHost, unixUrl } from '../support/docker-tcp';
import { deepNesting, fuzzSeed, Rng, toJsonBytes } from '../support/fuzz';
import {
  malformedExecFrame,
  malformedIngestReport,
  operationCase,
  type FuzzCase,
} from '../support/fuzz-cases';
import { Http, seedUsers, type Method } from '../support/http';
import {
  operationKey as key,
  operationsOf,
  operationUrl,
  type OpenApiDocument,
  type Operation,
} from '../support/openapi-operations';
import { startTestApp, TestApp } from '../support/test-app';

const AGENT_TOKEN = 'fuzz-agent-token-0123456789abcdef';
const SCRAPE_TOKEN = 'fuzz-scrape-token-0123456789abcdef';
const AGENT_HOST = 'fuzz-agent';
/** The inventory digest the agent hosts' stored reports hold: malformed steady reports name it. */
const HELD_DIGEST = 'f0'.repeat(32);
/**
 * Hosts the malformed reports go round, each holding HELD_DIGEST: enough of them that the
 * per-host rate limit (120 a minute) never answers before validation does.
 */
const FUZZ_HOSTS = Array.from({ length: 8 }, (_, i) => `fuzz-held-${i}`);
const ABSENT_CONTAINER = 'fuzz-absent-container';
const CASES_PER_OPERATION = 30;
const INGEST_CASES = 400;
const EXEC_FRAMES_PER_ENDPOINT = 60;
const MIB = 1024 * 1024;
const INGEST = 'POST /api/agents/docker/report';
const SCRAPE = 'GET /api/metrics';
/** Tables whose rows malformed input must never add, remove or change. */
const GUARDED_TABLES = [
  'users',
  'docker_agent_reports',
  'docker_agent_stats',
  'docker_hosts',
  'ssh_targets',
];
/** Written by reads that succeed (last contact); not something a request stores. */
const VOLATILE_COLUMNS =
  /^(last_seen_at|lastSeenAt|last_login_at|lastLoginAt|updated_at|updatedAt)$/;

describe('fuzzing every documented route and the ingest DTO', () => {
  let testApp: TestApp;
  let admin: Http;
  let adminToken: string;
  let doc: OpenApiDocument;
  let operations: Operation[];
  let validParams: (op: Operation) => Record<string, string>;
  let execHosts: Record<string, string>;
  let before: Record<string, string>;
  let prototypeKeys: string[];
  const rng = new Rng(fuzzSeed());
  const tally = new Map<string, Map<number, number>>();

  function record(suite: string, status: number): void {
    const counts = tally.get(suite) ?? new Map<number, number>();
    counts.set(status, (counts.get(status) ?? 0) + 1);
    tally.set(suite, counts);
  }

  /** Each case from its own client address, so the login and ingest throttles never hide it. */
  let clientNumber = 0;
  async function send(
    method: Method,
    fuzz: FuzzCase,
    token: string,
  ): Promise<{ status: number; text: string }> {
    clientNumber += 1;
    const options: InjectOptions = {
      method,
      url: fuzz.url,
      remoteAddress: `10.${(clientNumber >> 16) & 255}.${(clientNumber >> 8) & 255}.${clientNumber & 255}`,
      headers: {
        authorization: `Bearer ${token}`,
        ...(fuzz.contentType ? { 'content-type': fuzz.contentType } : {}),
      },
      ...(fuzz.body ? { payload: fuzz.body } : {}),
    };
    const reply = await testApp.app.inject(options);
    return { status: reply.statusCode, text: reply.body.slice(0, 300) };
  }

  async function snapshot(): Promise<Record<string, string>> {
    const dataSource = testApp.app.get(DataSource);
    const tables: Record<string, string> = {};
    for (const table of GUARDED_TABLES) {
      const rows = await dataSource.query<Record<string, unknown>[]>(`SELECT * FROM ${table}`);
      tables[table] = JSON.stringify(
        rows
          .map((row) =>
            Object.fromEntries(
              Object.entries(row).filter(([column]) => !VOLATILE_COLUMNS.test(column)),
            ),
          )
          .map((row) => JSON.stringify(row))
          .sort(),
      );
    }
    return tables;
  }

  function ingestCase(kind: string, body: unknown): FuzzCase {
    const url = '/api/agents/docker/report';
    return { kind, url, body: toJsonBytes(body), contentType: 'application/json', expect: '4xx' };
  }

  /** Each route with the token it takes: its own for ingest and the export, else an admin's. */
  function tokenFor(op: Operation): string {
    return key(op) === INGEST ? AGENT_TOKEN : key(op) === SCRAPE ? SCRAPE_TOKEN : adminToken;
  }

  function wrong(fuzz: FuzzCase, status: number): boolean {
    return status >= 500 || (fuzz.expect === '4xx' && (status < 400 || status >= 500));
  }

  beforeAll(async () => {
    prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    testApp = await startTestApp({
      ARCHNEST_AGENT_TOKEN: AGENT_TOKEN,
      ARCHNEST_METRICS_TOKEN: SCRAPE_TOKEN,
    });
    const http = new Http(testApp.app);
    const tokens = await seedUsers(http);
    adminToken = tokens.admin;
    admin = http.as(adminToken);
    const memberId = (await http.as(tokens.member).get<{ id: string }>('/api/auth/me')).body.id;
    // Real rows behind the valid parts of each URL: a validation gap would reach them (and show
    // as a changed row or a 5xx) instead of stopping at a 404.
    const host = await addHost(admin, { name: 'fuzz-engine', url: unixUrl() });
    const target = await createTarget(admin, targetBody('fuzz-target'));
    await pinTarget(admin, target.id);
    const ingest = await http
      .as(AGENT_TOKEN)
      .post(
        '/api/agents/docker/report',
        fullReport(agentReport({ hostId: AGENT_HOST }, 1), HELD_DIGEST),
      );
    expect(ingest.status).toBe(200);
    for (const hostId of FUZZ_HOSTS) {
      const held = fullReport(agentReport({ hostId }, 1), HELD_DIGEST);
      expect((await http.as(AGENT_TOKEN).post('/api/agents/docker/report', held)).status).toBe(200);
    }
    execHosts = { '/api/docker/exec': host.id, '/api/docker-ssh/exec': target.id };
    validParams = (op) => {
      const source = op.template.startsWith('/api/containers/')
        ? rng.pick(['docker-tcp', 'docker-ssh', 'agent'])
        : null;
      const hostId =
        source === 'docker-ssh'
          ? target.id
          : source === 'agent' || op.template.startsWith('/api/agents/')
            ? AGENT_HOST
            : host.id;
      return {
        id: memberId,
        targetId: target.id,
        hostId,
        source: source ?? 'agent',
        ref: ABSENT_CONTAINER,
        containerId: ABSENT_CONTAINER,
        action: 'start',
      };
    };
    doc = (await admin.get<OpenApiDocument>('/api/docs-json')).body;
    operations = operationsOf(doc);
    before = await snapshot();
  });

  afterAll(async () => {
    const lines = [...tally].map(
      ([suite, counts]) =>
        `${suite}: ${[...counts.values()].reduce((a, b) => a + b, 0)} inputs, statuses ${JSON.stringify(Object.fromEntries([...counts].sort(([a], [b]) => a - b)))}`,
    );
    console.log(`security-fuzz (seed ${fuzzSeed()}):\n${lines.join('\n')}`);
    await testApp?.close();
  });

  /** What every test ends with: nothing stored or changed, the app answers, no pollution. */
  async function expectNoHarm(): Promise<void> {
    expect(await snapshot()).toEqual(before);
    const health = await testApp.app.inject({ method: 'GET', url: '/api/health' });
    expect(health.statusCode).toBe(200);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  }

  it('derives the operations to fuzz from the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThanOrEqual(40);
    expect(operations.map(key)).toContain(INGEST);
    expect(operations.filter((op) => op.body).length).toBeGreaterThanOrEqual(10);
  });

  it('answers forged API keys and agent tokens with 401 on user routes and ingest', async () => {
    // A stream of its own, so the route cases below stay those the seed has always given.
    const rng = new Rng(fuzzSeed() ^ 0x70ce);
    const forged = (prefix: string): string => {
      const length = rng.pick([0, 1, 42, 43, 44, rng.int(2, 4096)]);
      const text = Array.from({ length }, () => String.fromCharCode(rng.int(0x21, 0x7e))).join('');
      return `${prefix}${text}`;
    };
    const failures: string[] = [];
    for (let i = 0; i < 200; i++) {
      const [method, url, prefix] = rng.pick([
        ['GET', '/api/auth/me', API_KEY_PREFIX],
        ['POST', '/api/auth/api-keys', API_KEY_PREFIX],
        ['GET', '/api/agents/tokens', API_KEY_PREFIX],
        ['POST', INGEST.split(' ')[1], AGENT_TOKEN_PREFIX],
      ] as const);
      const token = forged(prefix);
      const body = method === 'POST' ? agentReport({ hostId: FUZZ_HOSTS[0] }) : undefined;
      const fuzz: FuzzCase = {
        kind: 'forged-token',
        url,
        body: body && toJsonBytes(body),
        contentType: 'application/json',
        expect: '4xx',
      };
      const { status, text } = await send(method, fuzz, token);
      record('forged tokens', status);
      if (status !== 401) {
        failures.push(`${method} ${url} ${token.slice(0, 40)} → ${status} ${text}`);
      }
    }
    expect(failures).toEqual([]);
    await expectNoHarm();
  });

  it('answers malformed params, query and bodies on every documented route with a 4xx', async () => {
    const failures: string[] = [];
    for (const op of operations) {
      const token = tokenFor(op);
      for (let i = 0; i < CASES_PER_OPERATION; i++) {
        const fuzz = operationCase(rng, doc, op, validParams(op));
        const { status, text } = await send(op.method, fuzz, token);
        record('routes', status);
        if (wrong(fuzz, status)) {
          failures.push(`${key(op)} [${fuzz.kind}] ${fuzz.url.slice(0, 160)} → ${status} ${text}`);
        }
      }
    }
    expect(failures).toEqual([]);
    await expectNoHarm();
  });

  it('refuses oversized bodies on every body route with 413', async () => {
    const failures: string[] = [];
    for (const op of operations.filter((o) => o.body)) {
      const limit = key(op) === INGEST ? 8 * MIB : MIB;
      const filler = `{"x":"${'A'.repeat(limit)}"}`;
      const fuzz: FuzzCase = {
        kind: 'oversized',
        url: operationUrl(op, validParams(op)),
        body: Buffer.from(filler),
        contentType: 'application/json',
        expect: '4xx',
      };
      const { status, text } = await send(op.method, fuzz, tokenFor(op));
      record('oversized', status);
      if (status !== 413) {
        failures.push(`${key(op)} → ${status} ${text}`);
      }
    }
    expect(failures).toEqual([]);
    await expectNoHarm();
  });

  it('refuses an ingest report with one malformed field anywhere in it, storing nothing', async () => {
    const failures: string[] = [];
    for (let i = 0; i < INGEST_CASES; i++) {
      const hostId = FUZZ_HOSTS[i % FUZZ_HOSTS.length];
      const { report, path } = malformedIngestReport(rng, hostId, HELD_DIGEST);
      const fuzz = ingestCase(`ingest:${path.join('.')}`, report);
      const { status, text } = await send('POST', fuzz, AGENT_TOKEN);
      record('ingest', status);
      // 400 exactly: a 429 would mean the rate limit answered before validation looked.
      if (status !== 400) {
        failures.push(`${fuzz.kind} → ${status} ${text}`);
      }
    }
    // Over the limits the DTO sets: too many containers, too long a text.
    const many = agentReport({ hostId: 'fuzz-many' }, 0);
    const tooMany = {
      ...many,
      containers: Array.from({ length: 2001 }, () => agentReport({}, 1).containers[0]),
    };
    const longName = agentReport({ hostId: 'fuzz-long', hostname: 'h'.repeat(300) }, 1);
    const deep = {
      ...agentReport({ hostId: 'fuzz-deep' }, 0),
      containers: deepNesting(rng, 20_000),
    };
    for (const body of [tooMany, longName, deep]) {
      const fuzz = ingestCase('ingest:limits', body);
      const { status, text } = await send('POST', fuzz, AGENT_TOKEN);
      record('ingest', status);
      if (status !== 400) {
        failures.push(`${fuzz.kind} → ${status} ${text}`);
      }
    }
    expect(failures).toEqual([]);
    await expectNoHarm();
  });

  /** 44xx from the exec protocol; 1007 / 1009 from ws itself (invalid UTF-8, frame too big). */
  const refusedExec = (code: number): boolean =>
    (code >= 4400 && code < 4500) || code === 1007 || code === 1009;

  it('closes the exec WebSockets with a 44xx for malformed first frames, starting nothing', async () => {
    await testApp.app.listen(0, '127.0.0.1');
    const { port } = testApp.app.getHttpServer().address() as AddressInfo;
    const failures: string[] = [];
    for (const [path, hostId] of Object.entries(execHosts)) {
      for (let i = 0; i < EXEC_FRAMES_PER_ENDPOINT; i++) {
        const payload = malformedExecFrame(rng, {
          token: adminToken,
          hostId,
          container: ABSENT_CONTAINER,
        });
        const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`);
        const replies: string[] = [];
        socket.on('message', (data: Buffer) => replies.push(data.toString('utf8')));
        const code = await new Promise<number>((resolve) => {
          socket.once('open', () => socket.send(payload, { binary: false }));
          socket.once('close', (closeCode) => resolve(closeCode));
          socket.once('error', () => undefined);
        });
        record('exec frames', code);
        if (!refusedExec(code) || replies.some((r) => r.includes('"ready"'))) {
          failures.push(
            `${path} ${payload.subarray(0, 80).toString()} → ${code} ${replies.join(' ')}`,
          );
        }
      }
    }
    expect(failures).toEqual([]);
    await expectNoHarm();
  });

  it('keeps Object.prototype clean when a stored report carries prototype-named keys', async () => {
    // Valid everywhere else, so this one is stored: the keys must stay plain data.
    const report = agentReport({ hostId: 'fuzz-proto-keys' }, 1);
    report.containers[0].labels = { constructor: 'x', prototype: 'y', toString: 'z' };
    report.containers[0].env = [{ key: '__proto__', value: 'polluted' }];
    const stored = await testApp.app.inject({
      method: 'POST',
      url: '/api/agents/docker/report',
      headers: { authorization: `Bearer ${AGENT_TOKEN}` },
      payload: report,
    });
    expect(stored.statusCode).toBe(200);
    const read = await admin.get<{ labels: Record<string, string>; env: unknown[] }>(
      `/api/agents/docker/hosts/fuzz-proto-keys/containers/${report.containers[0].name}`,
    );
    expect(read.status).toBe(200);
    expect(read.body.labels).toEqual({ constructor: 'x', prototype: 'y', toString: 'z' });
    expect(read.body.env).toEqual([{ key: '__proto__', value: 'polluted' }]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await admin.get('/api/containers/hosts')).status).toBe(200);
  });
});

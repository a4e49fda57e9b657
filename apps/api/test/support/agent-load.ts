/**
 * Load for the reliability suites, over real HTTP against the built API process: simulated
 * agents (one host id each, paced under the per-host ingest limit) and members reading lists.
 * Every request is tallied; what each agent last got a 2xx for is kept, so a test can check
 * afterwards that the server still has exactly that report for every host.
 */
import {
  maskEnv,
  type AgentContainer,
  type AgentHost,
  type AgentReport,
} from '@archnest/contracts';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { AGENT_REPORTS_PER_MINUTE } from '../../src/container-sources/agents/agents.controller';
import { testDatabaseKind } from '../harness/infra';
import { sleep, waitFor } from '../harness/proc';
import { agentContainer } from './agent-report-fixture';
import { startApiProcess, type ApiProcess } from './api-process';
import { ADMIN, MEMBER } from './http';
import { createPostgresDatabase } from './test-app';

export const LOAD_AGENT_TOKEN = 'reliability-agent-token-0123456789';
export const REPORT_PATH = '/api/agents/docker/report';

/** Above this per-request time a load request counts as hung (a failure, not a measurement). */
const HUNG_MS = 30_000;

/** One answer (or failure) as a client saw it. */
export interface Outcome {
  path: string;
  /** ms since the epoch, when the request was sent and when it completed or failed. */
  sentAt: number;
  doneAt: number;
  status: number | null;
  retryAfter: string | null;
  /** The client-side failure (a code such as ECONNREFUSED, UND_ERR_SOCKET), if any. */
  error: string | null;
}

export interface Reply<T> {
  status: number;
  body: T;
  headers: Headers;
}

function errorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const own = error as { name?: string; code?: string };
  return cause?.code ?? own.code ?? own.name ?? cause?.message ?? String(error);
}

/** fetch, with the body read in full; JSON parsed when the server sends JSON. */
export async function call<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  { token, body }: { token?: string; body?: unknown } = {},
): Promise<Reply<T>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(HUNG_MS),
  });
  const text = await response.text();
  const json = (response.headers.get('content-type') ?? '').includes('application/json');
  return {
    status: response.status,
    body: (json && text ? JSON.parse(text) : text) as T,
    headers: response.headers,
  };
}

/** First-run setup, a member, both logged in. */
export async function seedUsersOver(baseUrl: string): Promise<{ admin: string; member: string }> {
  const setup = await call<{ accessToken: string }>(baseUrl, 'POST', '/api/auth/setup', {
    body: ADMIN,
  });
  if (setup.status !== 201) {
    throw new Error(`setup failed: ${setup.status} ${JSON.stringify(setup.body)}`);
  }
  const admin = setup.body.accessToken;
  const created = await call(baseUrl, 'POST', '/api/users', {
    token: admin,
    body: { ...MEMBER, role: 'member' },
  });
  if (created.status !== 201) {
    throw new Error(`member create failed: ${created.status}`);
  }
  return { admin, member: await login(baseUrl, MEMBER) };
}

export async function login(
  baseUrl: string,
  user: { username: string; password: string },
): Promise<string> {
  const reply = await call<{ accessToken: string }>(baseUrl, 'POST', '/api/auth/login', {
    body: user,
  });
  if (reply.status !== 200 && reply.status !== 201) {
    throw new Error(`login failed: ${reply.status}`);
  }
  return reply.body.accessToken;
}

/** Report number `seq` of a host: 1-3 containers whose fields all carry the sequence number. */
export function loadReport(hostId: string, seq: number, containers = 1 + (seq % 3)): AgentReport {
  return {
    hostId,
    hostname: `${hostId}.lan`,
    agentVersion: '1',
    reportedAt: new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString(),
    containers: Array.from({ length: containers }, (_, k) =>
      agentContainer({
        id: createHash('sha256').update(`${hostId}/${k}`).digest('hex'),
        name: `${hostId}-c${k}`,
        status: `Up ${seq} seconds`,
        restartCount: seq,
        labels: { 'archnest.test/seq': String(seq), 'archnest.test/host': hostId },
        env: [
          { key: 'SEQ', value: String(seq) },
          { key: 'DB_PASSWORD', value: `secret-${seq}` },
        ],
      }),
    ),
  };
}

/** What the read endpoints must answer for a stored report: env masked, nothing else changed. */
export function expectedContainers(report: AgentReport): AgentContainer[] {
  return report.containers.map((c) => ({ ...c, stats: c.stats ?? null, env: maskEnv(c.env) }));
}

export interface SimulatedAgent {
  hostId: string;
  seq: number;
  /** The last report the server answered 2xx for. */
  acked: AgentReport | null;
}

/** Counts outcomes; keeps every one, so a test can look at them around an event. */
export class Tally {
  readonly outcomes: Outcome[] = [];

  async track<T>(path: string, send: () => Promise<Reply<T>>): Promise<Reply<T> | null> {
    const sentAt = Date.now();
    try {
      const reply = await send();
      this.outcomes.push({
        path,
        sentAt,
        doneAt: Date.now(),
        status: reply.status,
        retryAfter: reply.headers.get('retry-after'),
        error: null,
      });
      return reply;
    } catch (error) {
      this.outcomes.push({
        path,
        sentAt,
        doneAt: Date.now(),
        status: null,
        retryAfter: null,
        error: errorCode(error),
      });
      return null;
    }
  }

  /** `{ "200": n, "503": n, "ECONNREFUSED": n }` */
  summary(filter: (o: Outcome) => boolean = () => true): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const o of this.outcomes.filter(filter)) {
      const key = o.error ?? String(o.status);
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }
}

/**
 * `count` agents posting in a loop, each paced to one report per `intervalMs` (by default just
 * under the per-host limit of AGENT_REPORTS_PER_MINUTE), so a 429 would mean the limiter is wrong.
 */
export class AgentFleet {
  readonly agents: SimulatedAgent[];
  readonly tally = new Tally();
  private running: Promise<void>[] = [];
  private stopping = false;

  constructor(
    private readonly baseUrl: string,
    count: number,
    prefix: string,
    private readonly intervalMs = Math.ceil((60_000 / AGENT_REPORTS_PER_MINUTE) * 1.2),
  ) {
    this.agents = Array.from({ length: count }, (_, i) => ({
      hostId: `${prefix}-${i}`,
      seq: 0,
      acked: null,
    }));
  }

  start(): void {
    this.running = this.agents.map((agent) => this.loop(agent));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running);
  }

  /** Resolves once every agent has had at least one report accepted. */
  everyAgentAcked(timeoutMs = 30_000): Promise<void> {
    return waitFor(
      'every agent to have a report accepted',
      () => this.agents.every((a) => a.acked !== null),
      timeoutMs,
    );
  }

  private async loop(agent: SimulatedAgent): Promise<void> {
    await sleep(Math.random() * this.intervalMs);
    while (!this.stopping) {
      const started = Date.now();
      await this.post(agent);
      await sleep(Math.max(0, this.intervalMs - (Date.now() - started)));
    }
  }

  async post(agent: SimulatedAgent): Promise<Reply<unknown> | null> {
    agent.seq += 1;
    const report = loadReport(agent.hostId, agent.seq);
    const reply = await this.tally.track(REPORT_PATH, () =>
      call<{ hostId?: string }>(this.baseUrl, 'POST', REPORT_PATH, {
        token: LOAD_AGENT_TOKEN,
        body: report,
      }),
    );
    if (reply && reply.status >= 200 && reply.status < 300 && reply.body.hostId === agent.hostId) {
      agent.acked = report;
    }
    return reply;
  }
}

/** Members reading the lists the console shows, `count` loops, as fast as answers come. */
export class Readers {
  readonly tally = new Tally();
  private running: Promise<void>[] = [];
  private stopping = false;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    private readonly count: number,
    private readonly fleet: AgentFleet,
  ) {}

  start(): void {
    this.running = Array.from({ length: this.count }, (_, i) => this.loop(i));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running);
  }

  private async loop(index: number): Promise<void> {
    let turn = index;
    while (!this.stopping) {
      turn += 1;
      const reported = this.fleet.agents.filter((a) => a.acked !== null);
      const host = reported[turn % Math.max(1, reported.length)];
      const path =
        turn % 3 === 0
          ? '/api/containers/hosts'
          : turn % 3 === 1 || !host
            ? '/api/agents/docker/hosts'
            : `/api/agents/docker/hosts/${host.hostId}/containers`;
      const reply = await this.tally.track(path, () =>
        call(this.baseUrl, 'GET', path, { token: this.token }),
      );
      if (!reply) {
        await sleep(100); // the server is gone; do not spin
      }
    }
  }
}

export interface LatestCheck {
  hosts: number;
  /** Hosts whose last acknowledged report is missing or older on the server. */
  lost: string[];
  /** Hosts whose stored report differs from what was acknowledged (torn or mixed). */
  torn: string[];
}

/**
 * Compares, for every agent, the last report the server acknowledged with what the read
 * endpoints answer now: the host row (reportedAt, hostname, count) and every container.
 */
export async function checkLatest(
  baseUrl: string,
  token: string,
  agents: readonly SimulatedAgent[],
): Promise<LatestCheck> {
  const list = await call<AgentHost[]>(baseUrl, 'GET', '/api/agents/docker/hosts', { token });
  if (list.status !== 200) {
    throw new Error(`host list answered ${list.status}`);
  }
  const rows = new Map(list.body.map((row) => [row.hostId, row]));
  const result: LatestCheck = { hosts: 0, lost: [], torn: [] };
  const acked = agents.filter((a): a is SimulatedAgent & { acked: AgentReport } => !!a.acked);
  for (let i = 0; i < acked.length; i += 20) {
    await Promise.all(
      acked.slice(i, i + 20).map(async ({ hostId, acked: report }) => {
        result.hosts += 1;
        const row = rows.get(hostId);
        if (!row || row.reportedAt !== report.reportedAt) {
          result.lost.push(`${hostId}: acked ${report.reportedAt}, stored ${row?.reportedAt}`);
          return;
        }
        const containers = await call<AgentContainer[]>(
          baseUrl,
          'GET',
          `/api/agents/docker/hosts/${hostId}/containers`,
          { token },
        );
        const same =
          row.hostname === report.hostname &&
          row.containerCount === report.containers.length &&
          containers.status === 200 &&
          isDeepStrictEqual(containers.body, expectedContainers(report));
        if (!same) {
          result.torn.push(hostId);
        }
      }),
    );
  }
  return result;
}

/** Adds figures under `<suite>.<sqlite|postgres>` in .test-output/reliability-figures.json. */
export function recordFigures(suite: string, figures: Record<string, unknown>): void {
  const dir = resolve(__dirname, '../../../../.test-output');
  const file = join(dir, 'reliability-figures.json');
  mkdirSync(dir, { recursive: true });
  const all = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)
    : {};
  all[`${suite}.${testDatabaseKind()}`] = { ...figures, recordedAt: new Date().toISOString() };
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
  console.log(`${suite} (${testDatabaseKind()}): ${JSON.stringify(figures)}`);
}

export interface ApiUnderTest {
  api: ApiProcess;
  /** The environment it was started with (same data dir, same database): start it again. */
  env: NodeJS.ProcessEnv;
  /** Stops the process (if still running) and removes its data dir and database. */
  close(): Promise<void>;
}

/**
 * The built API as a child process with agent ingest on, on the database of this jest project:
 * SQLite in a fresh data dir (or `dataDir`), or a fresh PostgreSQL database.
 */
export async function startApiUnderTest({
  dataDir,
}: { dataDir?: string } = {}): Promise<ApiUnderTest> {
  const ownDir = dataDir ?? mkdtempSync(join(tmpdir(), 'archnest-reliability-'));
  const database = testDatabaseKind() === 'postgres' ? await createPostgresDatabase() : null;
  const env = {
    ARCHNEST_DATA_DIR: ownDir,
    ARCHNEST_AGENT_TOKEN: LOAD_AGENT_TOKEN,
    ...(database ? { DATABASE_URL: database.url } : {}),
  };
  const api = await startApiProcess(env).catch(async (error: unknown) => {
    await database?.drop();
    throw error;
  });
  const self: ApiUnderTest = {
    api,
    env,
    async close() {
      await self.api.stop();
      await database?.drop();
      if (!dataDir) {
        rmSync(ownDir, { recursive: true, force: true });
      }
    },
  };
  return self;
}

/**
 * Load for the reliability suites, over real HTTP against the built API process: the client
 * (`call`, with every request tallied), users, the reports simulated agents send, and the API
 * under test. The agents are in ./agent-fleet, the reading members in ./load-readers, and the
 * check that no acknowledged report was lost or torn, with the figures, in ./load-check.
 */
import { type AgentReport, type ContainerSummary } from '@archnest/contracts';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabaseKind } from '../harness/infra';
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

/** What the container list of a host must answer for a stored report: each one's summary. */
export function expectedContainers(report: AgentReport): ContainerSummary[] {
  return report.containers.map((c) => ({
    id: c.id,
    name: c.name,
    image: c.image,
    state: c.state,
    status: c.status,
    createdAt: c.createdAt,
    ports: c.ports,
    stats: c.stats ?? null,
  }));
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

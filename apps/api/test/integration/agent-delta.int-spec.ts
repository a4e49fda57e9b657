/**
 * The real agent script's delta reports (issue 16) against the private dockerd and the built
 * API: first run full, then steady while nothing changes, full again when a container starts,
 * and a server that lost its state (a fresh database) answers needFull and the agent sends the
 * full report in the same run. The engine is shared with the other test files, so the agent
 * sees only this file's containers: `docker` on its PATH is the real CLI with `ps` scoped to a
 * label (agentScopedDocker). The server's side of the protocol: agent-delta-ingest.int-spec.ts.
 */
import type { AgentReportReceipt, ContainerSummary } from '@archnest/contracts';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDocker } from '../harness/docker-engine';
import { loadInfra, testDatabaseKind } from '../harness/infra';
import { agentReport } from '../support/agent-report-fixture';
import { runAgentScript, type AgentRun } from '../support/agent-script';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { createPostgresDatabase, type TestDatabase } from '../support/test-app';

const TOKEN = 'agent-delta-script-token-0123456789';
const PASSWORD = 'agent-delta-admin-password';

/** A dir holding `docker`: the real CLI, with `docker ps` showing only containers labelled `label`. */
function agentScopedDocker(label: string): string {
  const dir = mkdtempSync(join(loadInfra().tmpDir, 'scoped-docker-'));
  const real = execFileSync('bash', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
  const wrapper = join(dir, 'docker');
  writeFileSync(
    wrapper,
    '#!/usr/bin/env bash\n' +
      `if [[ "$1" == ps ]]; then shift; exec '${real}' ps --filter 'label=${label}' "$@"; fi\n` +
      `exec '${real}' "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  return dir;
}

describe('the real agent script sends delta reports', () => {
  const suffix = `${testDatabaseKind()}-${process.pid}`;
  const label = `archnest.test.delta=${suffix}`;
  const hostId = `delta-${suffix}`;
  const first = `delta-first_${suffix}`;
  const second = `delta-second_${suffix}`;
  let stateDir: string;
  let dockerDir: string;
  let path: string;
  let api: ApiProcess | undefined;
  let database: TestDatabase | null = null;

  /** A fresh API on a fresh database: a server that holds nothing of this host. */
  async function startFreshApi(): Promise<void> {
    await api?.stop();
    await database?.drop();
    database = testDatabaseKind() === 'postgres' ? await createPostgresDatabase() : null;
    api = await startApiProcess({
      ARCHNEST_AGENT_TOKEN: TOKEN,
      ARCHNEST_ADMIN_PASSWORD: PASSWORD,
      ...(database ? { DATABASE_URL: database.url } : {}),
    });
  }

  const runAgent = (): Promise<AgentRun> =>
    runAgentScript({
      PATH: path,
      ARCHNEST_URL: api!.baseUrl,
      ARCHNEST_AGENT_TOKEN: TOKEN,
      ARCHNEST_HOST_ID: hostId,
      ARCHNEST_AGENT_STATE_DIR: stateDir,
    });

  /** The run's summary line: `(full)` or `(steady)` says which report the server stored. */
  const kindOf = (run: AgentRun): string => {
    expect([run.code, run.stderr]).toEqual([0, '']);
    return /\((full|steady)\)$/.exec(run.stdout.trim())?.[1] ?? run.stdout;
  };

  async function containersOnServer(): Promise<ContainerSummary[]> {
    const login = await fetch(`${api!.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const reply = await fetch(`${api!.baseUrl}/api/containers/agent/${hostId}`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(reply.status).toBe(200);
    return (await reply.json()) as ContainerSummary[];
  }

  const startContainer = (name: string) =>
    runDocker(['run', '-d', '--name', name, '-l', label, loadInfra().docker.image, 'sleep', '600']);

  beforeAll(async () => {
    stateDir = mkdtempSync(join(loadInfra().tmpDir, 'delta-state-'));
    dockerDir = agentScopedDocker(label);
    path = `${dockerDir}:${process.env.PATH ?? ''}`;
    await runDocker(['rm', '-f', first, second]).catch(() => undefined);
    await startContainer(first);
    await startFreshApi();
  });

  afterAll(async () => {
    await api?.stop();
    await database?.drop();
    await runDocker(['rm', '-f', first, second]).catch(() => undefined);
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(dockerDir, { recursive: true, force: true });
  });

  /** The digest the agent saved after its last accepted full report. */
  const savedDigest = (): string => readFileSync(join(stateDir, `${hostId}.digest`), 'utf8').trim();

  it('sends the full report first, then steady reports while the inventory stays the same', async () => {
    expect(kindOf(await runAgent())).toBe('full');
    const [afterFull] = await containersOnServer();
    // 32 MiB in the container's tmpfs counts as its memory; exec changes no inventory field.
    await runDocker(['exec', first, 'sh', '-c', 'head -c 33554432 /dev/zero > /dev/shm/fill']);
    expect(kindOf(await runAgent())).toBe('steady');
    const containers = await containersOnServer();
    expect(containers.map((c) => [c.name, c.state])).toEqual([[first, 'running']]);
    // Only the steady report saw the 32 MiB: its stats are the ones served.
    expect(containers[0].stats!.memUsage! - afterFull.stats!.memUsage!).toBeGreaterThan(
      16 * 1024 * 1024,
    );
    expect(containers[0].status).toMatch(/^Up /);
  });

  it('sends the full report again when a container starts, then steady ones', async () => {
    const before = savedDigest();
    await startContainer(second);
    expect(kindOf(await runAgent())).toBe('full');
    expect(savedDigest()).not.toBe(before);
    expect((await containersOnServer()).map((c) => c.name).sort()).toEqual([first, second].sort());
    expect(kindOf(await runAgent())).toBe('steady');
  });

  it('recovers in the same run from a server that lost its state (needFull)', async () => {
    // The agent holds the digest of an unchanged inventory, so it sends the steady report first.
    const held = savedDigest();
    await startFreshApi();
    const run = await runAgent();
    expect(kindOf(run)).toBe('full');
    expect(savedDigest()).toBe(held);
    expect((await containersOnServer()).map((c) => c.name).sort()).toEqual([first, second].sort());
    expect(kindOf(await runAgent())).toBe('steady');
  });

  it('still accepts the full reports of version 1 agents', async () => {
    const v1 = agentReport({ hostId: `${hostId}-v1` }, 2);
    const reply = await fetch(`${api!.baseUrl}/api/agents/docker/report`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(v1),
    });
    expect(reply.status).toBe(200);
    expect((await reply.json()) as AgentReportReceipt).toMatchObject({
      containerCount: 2,
      kind: 'full',
    });
  });
});

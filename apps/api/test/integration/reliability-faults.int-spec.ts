/**
 * Faults under load on the built API process (issue 7): PostgreSQL restarted, the SQLite data dir
 * on a full file system, SIGTERM mid-load. Storage that is down or full answers 503 with
 * Retry-After (never a 500 or a hang) and recovers without restarting the API; nothing
 * acknowledged is lost; a SIGTERM lets in-flight requests finish, ends exec sessions and SSH
 * connections cleanly and exits 0.
 *
 * Engine and sshd faults are covered by docker-tcp-faults and docker-ssh-faults; the agent
 * against a server that is down by agent-script.int-spec.ts ("exits 4 … the next run succeeds").
 */
import type { AgentContainer, AuditEntry, Page } from '@archnest/contracts';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { runDocker } from '../harness/docker-engine';
import { loadInfra, testDatabaseKind } from '../harness/infra';
import { startPostgres, stopPostgres } from '../harness/postgres';
import { run, sleep, waitFor } from '../harness/proc';
import {
  AgentFleet,
  call,
  checkLatest,
  expectedContainers,
  LOAD_AGENT_TOKEN,
  loadReport,
  login,
  Readers,
  recordFigures,
  REPORT_PATH,
  seedUsersOver,
  startApiUnderTest,
  type ApiUnderTest,
  type Outcome,
} from '../support/agent-load';
import { runAgentScript, type AgentRun } from '../support/agent-script';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import {
  ExecClient,
  removeContainers,
  runBusybox,
  SshdLog,
  targetBody,
} from '../support/docker-ssh';
import { ADMIN } from '../support/http';

const RETRY_AFTER = '10';

function ingest(baseUrl: string, hostId: string, seq: number, containers?: number) {
  return call<{ message?: string }>(baseUrl, 'POST', REPORT_PATH, {
    token: LOAD_AGENT_TOKEN,
    body: loadReport(hostId, seq, containers),
  });
}

/** Statuses other than 200, and whether each 503 said when to retry. */
function unexpected(outcomes: Outcome[], allowed: number[]): Outcome[] {
  return outcomes.filter(
    (o) =>
      o.status === null ||
      !allowed.includes(o.status) ||
      (o.status === 503 && o.retryAfter !== RETRY_AFTER),
  );
}

if (testDatabaseKind() === 'postgres') {
  describe('reliability faults: PostgreSQL restarted under load', () => {
    let server: ApiUnderTest;
    let postgresDown = false;
    beforeAll(async () => {
      server = await startApiUnderTest();
    });
    afterAll(async () => {
      if (postgresDown) {
        await startPostgres();
      }
      await server?.close();
    });

    it('answers 503 with Retry-After while it is down, then works again without an API restart', async () => {
      const { baseUrl } = server.api;
      const { member } = await seedUsersOver(baseUrl);
      const fleet = new AgentFleet(baseUrl, 30, 'pg-restart');
      const readers = new Readers(baseUrl, member, 2, fleet);
      fleet.start();
      readers.start();
      await fleet.everyAgentAcked();

      postgresDown = true;
      await stopPostgres();
      let down: Record<string, unknown>;
      try {
        const write = await ingest(baseUrl, 'probe', 1);
        const read = await call(baseUrl, 'GET', '/api/agents/docker/hosts', { token: member });
        down = {
          write: [write.status, write.headers.get('retry-after'), write.body.message],
          read: [read.status, read.headers.get('retry-after')],
        };
        await waitFor('the load to meet the stopped database', () =>
          fleet.tally.outcomes.some((o) => o.status === 503),
        );
      } finally {
        await startPostgres();
        postgresDown = false;
      }
      expect(down).toEqual({
        write: [503, RETRY_AFTER, expect.stringMatching(/temporarily unavailable/) as string],
        read: [503, RETRY_AFTER],
      });

      // The same process recovers: the pool reconnects on its own.
      await waitFor('ingest to succeed again', async () => {
        return (await ingest(baseUrl, 'probe', 2)).status === 200;
      });
      const recoveredAt = Date.now();
      await waitFor(
        'requests after recovery',
        () => fleet.tally.outcomes.filter((o) => o.sentAt > recoveredAt).length >= 50,
      );
      await Promise.all([fleet.stop(), readers.stop()]);

      const all = [...fleet.tally.outcomes, ...readers.tally.outcomes];
      const after = all.filter((o) => o.sentAt > recoveredAt);
      const latest = await checkLatest(baseUrl, member, fleet.agents);
      recordFigures('faults.postgres-restart', {
        requests: all.length,
        outcomes: { reports: fleet.tally.summary(), reads: readers.tally.summary() },
        answered503: all.filter((o) => o.status === 503).length,
        other5xx: all.filter((o) => (o.status ?? 0) >= 500 && o.status !== 503).length,
        reportsLost: latest.lost.length,
        reportsTorn: latest.torn.length,
      });
      // Only 200 or 503-with-Retry-After, every request answered (no 500, no hang, no reset);
      // after recovery only 200; the process never restarted.
      expect(unexpected(all, [200, 503])).toEqual([]);
      expect(unexpected(after, [200])).toEqual([]);
      expect(all.some((o) => o.status === 503)).toBe(true);
      expect(server.api.output()).not.toMatch(/API exited|Unhandled error/);
      expect(latest).toEqual({ hosts: 30, lost: [], torn: [] });
    }, 120_000);
  });
}

function runAgent(baseUrl: string, hostId: string): Promise<AgentRun> {
  return runAgentScript({
    ARCHNEST_URL: baseUrl,
    ARCHNEST_AGENT_TOKEN: LOAD_AGENT_TOKEN,
    ARCHNEST_HOST_ID: hostId,
  });
}

/** Writes a file until the file system has no block left; returns its path. */
function fillUp(dir: string): string {
  const filler = join(dir, 'filler');
  const fd = openSync(filler, 'w');
  try {
    for (const size of [1024 * 1024, 64 * 1024, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size, 0x61);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') {
            throw error;
          }
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return filler;
}

if (testDatabaseKind() === 'sqlite') {
  describe('reliability faults: the SQLite data dir on a full file system', () => {
    let mountPoint: string;
    let mounted = false;
    let api: ApiProcess | undefined;

    beforeAll(async () => {
      // Under the harness's temp dir, so its teardown unmounts it if this file dies.
      mountPoint = mkdtempSync(join(loadInfra().tmpDir, 'full-fs-'));
      await run('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', mountPoint]);
      mounted = true;
      mkdirSync(join(mountPoint, 'data'), { mode: 0o700 });
    });
    afterAll(async () => {
      await api?.stop();
      if (mounted) {
        await run('umount', [mountPoint]);
      }
      rmSync(mountPoint, { recursive: true, force: true });
    });

    it('answers 503 with Retry-After, keeps the previous report whole, and recovers once space returns', async () => {
      api = await startApiProcess({
        ARCHNEST_DATA_DIR: join(mountPoint, 'data'),
        ARCHNEST_AGENT_TOKEN: LOAD_AGENT_TOKEN,
      });
      const { baseUrl } = api;
      const { member } = await seedUsersOver(baseUrl);
      const read = (path: string) =>
        call<AgentContainer[]>(baseUrl, 'GET', path, { token: member });
      const containersOf = '/api/agents/docker/hosts/full-disk/containers';
      expect((await ingest(baseUrl, 'full-disk', 1, 2)).status).toBe(200);

      const filler = fillUp(mountPoint);
      // 300 containers: far more than the WAL holds already, so the write needs new blocks.
      const refused = await ingest(baseUrl, 'full-disk', 2, 300);
      const again = await ingest(baseUrl, 'other-host', 1, 300);
      const agentRun = await runAgent(baseUrl, 'full-disk');
      const whileFull = await read(containersOf);
      rmSync(filler);

      expect([refused.status, refused.headers.get('retry-after')]).toEqual([503, RETRY_AFTER]);
      expect(refused.body.message).toMatch(/temporarily unavailable/);
      expect([again.status, again.headers.get('retry-after')]).toEqual([503, RETRY_AFTER]);
      // The agent says what happened and exits non-zero; its next run succeeds (below).
      expect(agentRun.code).toBe(5);
      expect(agentRun.stderr).toContain('server is temporarily unavailable (503)');
      // Nothing half-written: the previous report reads back whole, and reads kept working.
      expect(whileFull.status).toBe(200);
      expect(whileFull.body).toEqual(expectedContainers(loadReport('full-disk', 1, 2)));

      const recovered = await ingest(baseUrl, 'full-disk', 3, 300);
      expect(recovered.status).toBe(200);
      expect((await read(containersOf)).body).toEqual(
        expectedContainers(loadReport('full-disk', 3, 300)),
      );
      expect((await runAgent(baseUrl, 'agent-after-full')).code).toBe(0);
      expect(api.output()).not.toMatch(/Unhandled error/);
      recordFigures('faults.disk-full', {
        tmpfs: '4m',
        refusedWith: [refused.status, refused.headers.get('retry-after')],
        previousReportIntact: true,
        recoveredWith: recovered.status,
      });
    }, 120_000);
  });
}

/** A report sent in two halves: the server has the request in progress until finish(). */
/** True when a new TCP connection to the server is accepted. */
function accepts(baseUrl: string): Promise<boolean> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((done) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

function slowIngest(baseUrl: string, hostId: string) {
  const report = loadReport(hostId, 1, 50);
  const payload = Buffer.from(JSON.stringify(report));
  const half = Math.floor(payload.length / 2);
  const req = request(`${baseUrl}${REPORT_PATH}`, {
    method: 'POST',
    agent: false,
    headers: {
      authorization: `Bearer ${LOAD_AGENT_TOKEN}`,
      'content-type': 'application/json',
      'content-length': payload.length,
    },
  });
  const response = new Promise<{ status: number; body: string }>((done, fail) => {
    req.on('error', fail);
    req.on('response', (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
      res.on('error', fail);
    });
  });
  req.write(payload.subarray(0, half));
  return { report, response, finish: () => req.end(payload.subarray(half)) };
}

describe('reliability faults: SIGTERM mid-load', () => {
  const BOX = 'reliability-shutdown-box';
  let server: ApiUnderTest;
  let dataDir: string;
  let second: ApiProcess | undefined;

  beforeAll(async () => {
    await runBusybox(BOX, ['sleep', '3600']);
    dataDir = mkdtempSync(join(loadInfra().tmpDir, 'sigterm-'));
    server = await startApiUnderTest({ dataDir });
  });
  afterAll(async () => {
    await second?.stop();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
    await removeContainers([BOX]);
  });

  it('finishes in-flight requests, ends exec and SSH sessions cleanly, exits 0, and loses nothing', async () => {
    const { api } = server;
    const { baseUrl } = api;
    const { admin, member } = await seedUsersOver(baseUrl);

    // An open exec session over SSH (the pool's connection to the target sshd).
    const sshd = new SshdLog('target');
    const created = await call<{ id: string }>(baseUrl, 'POST', '/api/docker-ssh/targets', {
      token: admin,
      body: targetBody('shutdown-box'),
    });
    expect(created.status).toBe(201);
    const targetId = created.body.id;
    const scan = await call<{ fingerprint: string }>(
      baseUrl,
      'POST',
      `/api/docker-ssh/targets/${targetId}/host-key/scan`,
      { token: admin },
    );
    const accepted = await call(
      baseUrl,
      'POST',
      `/api/docker-ssh/targets/${targetId}/host-key/accept`,
      { token: admin, body: { fingerprint: scan.body.fingerprint } },
    );
    expect(accepted.status).toBe(200);
    const exec = new ExecClient(`${baseUrl.replace('http', 'ws')}/api/docker-ssh/exec`);
    await exec.send({
      type: 'start',
      token: admin,
      hostId: targetId,
      container: BOX,
      cols: 80,
      rows: 24,
    });
    await exec.waitFor('ready', () => exec.messages.some((m) => m.type === 'ready'));
    await exec.send({ type: 'input', data: 'sleep 5151 &\necho bg-$((3+3))\n' });
    await exec.waitFor('the shell', () => exec.output().includes('bg-6'));

    // Load, and one report whose body is still arriving when the signal comes.
    const fleet = new AgentFleet(baseUrl, 50, 'sigterm');
    const readers = new Readers(baseUrl, member, 4, fleet);
    fleet.start();
    readers.start();
    await fleet.everyAgentAcked();
    const slow = slowIngest(baseUrl, 'slow-host');
    await sleep(300); // the first half reaches the server

    const signalAt = Date.now();
    api.kill('SIGTERM');
    // Only once the server has stopped listening is the slow request truly in flight at close.
    await waitFor('the API to stop listening', async () => !(await accepts(baseUrl)));
    slow.finish();
    const slowReply = await slow.response;
    const closeCode = await exec.whenClosed();
    const exit = await api.exited;
    await Promise.all([fleet.stop(), readers.stop()]);

    const all = [...fleet.tally.outcomes, ...readers.tally.outcomes];
    const before = all.filter((o) => o.sentAt < signalAt);
    const after = all.filter((o) => o.sentAt >= signalAt);

    // The process: exit 0, after the request that was in flight got its answer.
    expect(exit).toEqual({ code: 0, signal: null });
    expect(slowReply.status).toBe(200);
    expect(JSON.parse(slowReply.body)).toMatchObject({ hostId: 'slow-host', containerCount: 50 });
    // Every request sent before the signal got a complete 200.
    expect(unexpected(before, [200])).toEqual([]);
    // The exec session was told (1001 going away), and what it started was reaped.
    expect(closeCode).toBe(1001);
    expect(exec.messages).toContainEqual({ type: 'error', message: 'The server is shutting down' });
    const top = await runDocker(['top', BOX, '-o', 'pid,args']);
    expect(top).not.toContain('sleep 5151');
    // Every SSH login of the API ended with a disconnect from the API (not a dropped socket).
    await waitFor(
      'sshd to log the disconnects',
      () => {
        const ports = [...sshd.since().matchAll(/Accepted publickey for \S+ from \S+ port (\d+)/g)];
        return (
          ports.length > 0 &&
          ports.every(([, port]) =>
            sshd.since().includes(`Received disconnect from 127.0.0.1 port ${port}:`),
          )
        );
      },
      10_000,
    ).catch(() => {
      throw new Error(`sshd did not see clean disconnects:\n${sshd.since()}`);
    });

    // Start again on the same data: everything acknowledged is there, whole.
    second = await startApiProcess(server.env);
    const token = await login(second.baseUrl, ADMIN);
    const latest = await checkLatest(second.baseUrl, token, [
      ...fleet.agents,
      { hostId: 'slow-host', seq: 1, acked: slow.report },
    ]);
    const audit = await call<Page<AuditEntry>>(second.baseUrl, 'GET', '/api/audit?pageSize=20', {
      token,
    });
    const execEnd = audit.body.items.find((row) => row.action === 'docker-ssh.exec.end');
    recordFigures('faults.sigterm', {
      requestsBeforeSignal: before.length,
      requestsAfterSignal: after.length,
      afterSignal: [...new Set(after.map((o) => o.error ?? String(o.status)))],
      exit,
      reportsLost: latest.lost.length,
      reportsTorn: latest.torn.length,
    });
    expect(latest).toEqual({ hosts: 51, lost: [], torn: [] });
    expect(execEnd?.detail).toMatch(/ended by the server: The server is shutting down/);
    // After the signal: answered (200, or 503 while closing) or refused, never a 500.
    expect(after.filter((o) => o.status !== null && ![200, 503].includes(o.status))).toEqual([]);
  }, 120_000);
});

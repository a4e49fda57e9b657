/**
 * SIGTERM mid-load (issue 7): in-flight requests finish, exec sessions and SSH connections end
 * cleanly, the process exits 0 and nothing acknowledged is lost.
 */
import type { AuditEntry, Page } from '@archnest/contracts';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { runDocker } from '../harness/docker-engine';
import { loadInfra } from '../harness/infra';
import { waitFor } from '../harness/proc';
import { unexpected } from '../support/faults';
import { AgentFleet } from '../support/agent-fleet';
import {
  call,
  LOAD_AGENT_TOKEN,
  loadReport,
  login,
  REPORT_PATH,
  seedUsersOver,
  startApiUnderTest,
  type ApiUnderTest,
} from '../support/agent-load';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import {
  ExecClient,
  removeContainers,
  runBusybox,
  SshdLog,
  targetBody,
} from '../support/docker-ssh';
import { ADMIN } from '../support/http';
import { checkLatest, recordFigures } from '../support/load-check';
import { Readers } from '../support/load-readers';

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

/**
 * A report sent in two halves: the server has the request in progress until finish().
 * `Expect: 100-continue` makes the server say when it has taken the request (`accepted`),
 * so the test never guesses how long that takes.
 */
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
      expect: '100-continue',
    },
  });
  const accepted = new Promise<void>((done) => req.once('continue', done));
  const response = new Promise<{ status: number; body: string }>((done, fail) => {
    req.on('error', fail);
    req.on('response', (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
      res.on('error', fail);
    });
  });
  const sendFirstHalf = () =>
    new Promise<void>((done, fail) =>
      req.write(payload.subarray(0, half), (error) => (error ? fail(error) : done())),
    );
  const answeredEarly = response.then(({ status, body }) => {
    throw new Error(`answered ${status} before 100 Continue: ${body}`);
  });
  req.flushHeaders();
  return {
    report,
    response,
    /** Resolves once the server has taken the request and the first half is sent. */
    accepted: Promise.race([accepted, answeredEarly]).then(sendFirstHalf),
    finish: () => req.end(payload.subarray(half)),
  };
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
    await slow.accepted;

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

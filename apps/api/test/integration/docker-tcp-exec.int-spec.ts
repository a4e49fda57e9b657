/**
 * The exec WebSocket /api/docker/exec against the real engine over TCP + TLS: a TTY shell with
 * input, output, resize and exit; admin-only; audited; closing the socket ends the session.
 */
import { EXEC_CLOSE } from '@archnest/contracts';
import { randomUUID } from 'node:crypto';
import { runDocker } from '../harness/docker-engine';
import { waitFor } from '../harness/proc';
import { addHost, auditRows, removeContainers, runContainer } from '../support/docker-tcp';
import { startTlsEngine, TlsEngine } from '../support/docker-tls';
import { ExecClient, listen } from '../support/exec-client';
import { Http, seedUsers } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';

const SHELL = 'tcp-exec';
const BASH = 'tcp-exec-bash';
const STOPPED = 'tcp-exec-stopped';

async function processes(container: string): Promise<string> {
  return runDocker(['exec', container, 'ps', '-o', 'pid,args']);
}

describe('docker-tcp exec', () => {
  let engine: TlsEngine;
  let testApp: TestApp;
  let admin: Http;
  let tokens: { admin: string; member: string };
  let wsUrl: string;
  let hostId: string;
  let appClosed: boolean;

  beforeAll(async () => {
    engine = await startTlsEngine();
    await removeContainers([SHELL, BASH, STOPPED]);
    await runContainer(SHELL, [], ['sleep', '100000']);
    // A "bash" that is busybox sh underneath, to see that bash is preferred when present.
    await runContainer(
      BASH,
      [],
      [
        'sh',
        '-c',
        'printf "#!/bin/sh\\nexec sh \\"\\$@\\"\\n" > /bin/bash && chmod +x /bin/bash && exec sleep 100000',
      ],
    );
    await runContainer(STOPPED, [], ['true']);
    await runDocker(['wait', STOPPED]);
  });
  afterAll(async () => {
    await removeContainers([SHELL, BASH, STOPPED]);
    await engine.restore();
  });

  beforeEach(async () => {
    testApp = await startTestApp();
    const http = new Http(testApp.app);
    tokens = await seedUsers(http);
    admin = http.as(tokens.admin);
    hostId = (await addHost(admin, { name: 'lab', url: engine.url, tls: engine.tls })).id;
    wsUrl = await listen(testApp);
    appClosed = false;
  });
  afterEach(async () => {
    if (!appClosed) {
      await testApp.close();
    }
  });

  async function startShell(container: string, extra: object = {}): Promise<ExecClient> {
    const client = await ExecClient.connect(wsUrl);
    client.send({
      type: 'start',
      token: tokens.admin,
      hostId,
      container,
      cols: 80,
      rows: 24,
      ...extra,
    });
    await client.until(
      'ready',
      () => client.find('ready') !== undefined || client.find('error') !== undefined,
    );
    return client;
  }

  it('runs a TTY shell: input, output, resize, exit code; audits start and end', async () => {
    const client = await startShell(SHELL);
    expect(client.find('ready')).toEqual({ type: 'ready', shell: 'sh' });
    client.send({ type: 'input', data: 'echo $((6*7))\r' });
    await client.untilOutput(/\b42\b/);
    client.send({ type: 'resize', cols: 120, rows: 40 });
    await new Promise((r) => setTimeout(r, 300));
    client.send({ type: 'input', data: 'stty size\r' });
    await client.untilOutput(/40 120/);
    client.send({ type: 'input', data: 'exit 3\r' });
    expect(await client.closed).toEqual({ code: EXEC_CLOSE.normal, reason: 'exited' });
    expect(client.find('exit')).toEqual({ type: 'exit', code: 3 });

    await waitFor(
      'exec end audit',
      async () => (await auditRows(admin))[0]?.action === 'docker-tcp.exec.end',
    );
    const [end, start] = await auditRows(admin);
    expect(start).toMatchObject({
      actor: 'admin',
      action: 'docker-tcp.exec.start',
      target: `docker-tcp:lab/${SHELL}`,
      result: 'success',
      detail: `hostId=${hostId} shell=sh`,
    });
    expect(end).toMatchObject({ action: 'docker-tcp.exec.end', target: `docker-tcp:lab/${SHELL}` });
    expect(end?.detail).toMatch(/^shell exited after \d+ s exit=3$/);
  });

  it('prefers bash when the container has it, and sh when asked', async () => {
    const bash = await startShell(BASH, { shell: 'bash' });
    expect(bash.find('ready')).toEqual({ type: 'ready', shell: 'bash' });
    bash.close();
    const sh = await startShell(BASH, { shell: 'sh' });
    expect(sh.find('ready')).toEqual({ type: 'ready', shell: 'sh' });
    sh.close();
  });

  it('ends the exec session and what it started when the client closes the socket', async () => {
    const client = await startShell(SHELL);
    client.send({ type: 'input', data: 'sleep 8888 & sleep 7777\r' });
    await waitFor('both sleeps in the container', async () => {
      const ps = await processes(SHELL);
      return ps.includes('sleep 7777') && ps.includes('sleep 8888');
    });
    client.close();
    await waitFor('the session to end', async () => !/sleep [78]{4}/.test(await processes(SHELL)));
    await waitFor(
      'exec end audit',
      async () => (await auditRows(admin))[0]?.action === 'docker-tcp.exec.end',
    );
    expect((await auditRows(admin))[0]?.detail).toMatch(/^closed by the client after \d+ s$/);
  });

  it('ends open sessions, and what runs in them, when the API shuts down', async () => {
    const client = await startShell(SHELL);
    client.send({ type: 'input', data: 'sleep 5555\r' });
    await waitFor('sleep 5555 in the container', async () =>
      (await processes(SHELL)).includes('sleep 5555'),
    );
    await testApp.close();
    appClosed = true;
    expect((await client.closed).code).toBe(1001);
    expect(client.find('error')?.message).toBe('The server is shutting down');
    expect(await processes(SHELL)).not.toContain('sleep 5555');
  });

  it('reaps background jobs left behind when the shell exits', async () => {
    const client = await startShell(SHELL);
    client.send({ type: 'input', data: 'sleep 6666 & exit 0\r' });
    await client.closed;
    expect(client.find('exit')).toEqual({ type: 'exit', code: 0 });
    await waitFor(
      'the job to be reaped',
      async () => !(await processes(SHELL)).includes('sleep 6666'),
    );
  });

  it.each([
    [
      'a member',
      () => ({ token: tokens.member }),
      EXEC_CLOSE.forbidden,
      'Exec needs the admin role',
    ],
    ['a bad token', () => ({ token: 'not.a.jwt' }), EXEC_CLOSE.unauthorized, 'Sign in again'],
    ['an unknown host', () => ({ hostId: randomUUID() }), EXEC_CLOSE.notFound, 'not found'],
    [
      'an unknown container',
      () => ({ container: 'no-such-container' }),
      EXEC_CLOSE.notFound,
      'No such container',
    ],
    [
      'a bad ref',
      () => ({ container: '../etc' }),
      EXEC_CLOSE.badRequest,
      'container must be a container name',
    ],
    [
      'a stopped container',
      () => ({ container: STOPPED }),
      EXEC_CLOSE.badRequest,
      'is not running',
    ],
    ['a huge terminal', () => ({ cols: 5000 }), EXEC_CLOSE.badRequest, 'cols must be'],
  ])('refuses %s with an error message and its close code', async (_what, change, code, text) => {
    const client = await ExecClient.connect(wsUrl);
    client.send({
      type: 'start',
      token: tokens.admin,
      hostId,
      container: SHELL,
      cols: 80,
      rows: 24,
      ...change(),
    });
    expect((await client.closed).code).toBe(code);
    expect(client.find('error')?.message).toContain(text);
    expect(client.find('ready')).toBeUndefined();
  });

  it('refuses a session whose first message is not start', async () => {
    const client = await ExecClient.connect(wsUrl);
    client.send({ type: 'input', data: 'id\r' });
    expect((await client.closed).code).toBe(EXEC_CLOSE.badRequest);
    expect(client.find('error')?.message).toBe('The first message must be start');
  });

  it('audits a refused start for a container that does not exist', async () => {
    const client = await startShell('no-such-container');
    await client.closed;
    await waitFor(
      'audit',
      async () => (await auditRows(admin))[0]?.action === 'docker-tcp.exec.start',
    );
    expect((await auditRows(admin))[0]).toMatchObject({
      result: 'failure',
      target: 'docker-tcp:lab/no-such-container',
    });
  });
});

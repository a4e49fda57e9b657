/**
 * The exec WebSocket of the docker-ssh source, end to end: a real API listening on loopback,
 * `docker exec -it` over the harness's sshd into a busybox container (sh only), input, output,
 * resize, exit, and no process left behind in the container after the socket closes.
 */
import { EXEC_CLOSE } from '@archnest/contracts';
import type { AddressInfo } from 'node:net';
import { SshPool } from '../../src/ssh/ssh-pool';
import { runDocker } from '../harness/docker-engine';
import { loadInfra } from '../harness/infra';
import { run, waitFor } from '../harness/proc';
import {
  auditRows,
  createTarget,
  ExecClient,
  pinTarget,
  removeContainers,
  runBusybox,
  targetBody,
  type TargetBody,
} from '../support/docker-ssh';
import { Http, seedUsers } from '../support/http';
import { startTestApp, TestApp } from '../support/test-app';

const BOX = 'ssh-exec-box';

/** Processes in the container other than its PID 1 (`sleep 3600`), as the engine sees them. */
async function extraProcesses(): Promise<string[]> {
  const top = await runDocker(['top', BOX, '-o', 'pid,args']);
  return top
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '' && !/\bsleep 3600\b/.test(line));
}

/** `docker exec` CLI processes of the SSH test user on the "remote" host. */
async function remoteDockerExecs(): Promise<string[]> {
  const ps = await run('ps', ['-u', loadInfra().ssh.user, '-o', 'pid=,args=']).catch(() => '');
  return ps.split('\n').filter((line) => /docker .*exec/.test(line));
}

describe('docker-ssh exec', () => {
  let testApp: TestApp;
  let tokens: { admin: string; member: string };
  let admin: Http;
  let target: TargetBody;
  let url: string;

  beforeAll(async () => {
    await runBusybox(BOX, ['sleep', '3600']);
    testApp = await startTestApp();
    const http = new Http(testApp.app);
    tokens = await seedUsers(http);
    admin = http.as(tokens.admin);
    target = await createTarget(admin, targetBody('exec-box'));
    await pinTarget(admin, target.id);
    await testApp.app.listen(0, '127.0.0.1');
    const { port } = testApp.app.getHttpServer().address() as AddressInfo;
    url = `ws://127.0.0.1:${port}/api/docker-ssh/exec`;
  });
  let closed = false;
  afterAll(async () => {
    if (!closed) {
      await testApp.close();
    }
    await removeContainers([BOX]);
  });

  const start = (token: string, extra: Record<string, unknown> = {}) => ({
    type: 'start',
    token,
    hostId: target.id,
    container: BOX,
    cols: 100,
    rows: 30,
    ...extra,
  });

  it('runs a shell: input, output, resize, and sh where bash is missing', async () => {
    const client = new ExecClient(url);
    await client.send(start(tokens.admin));
    await client.waitFor('ready', () => client.messages.some((m) => m.type === 'ready'));
    expect(client.messages.find((m) => m.type === 'ready')).toEqual({ type: 'ready', shell: 'sh' });

    await client.send({ type: 'input', data: 'echo $((6*7))\n' });
    await client.waitFor('42', () => /\r?\n42\r?\n/.test(client.output()));
    await client.send({ type: 'input', data: 'stty size\n' });
    await client.waitFor('30 100', () => client.output().includes('30 100'));
    await client.send({ type: 'resize', cols: 120, rows: 40 });
    await new Promise((r) => setTimeout(r, 200));
    await client.send({ type: 'input', data: 'stty size\n' });
    await client.waitFor('40 120', () => client.output().includes('40 120'));

    await client.send({ type: 'input', data: 'exit 7\n' });
    expect(await client.whenClosed()).toBe(EXEC_CLOSE.normal);
    expect(client.messages.at(-1)).toEqual({ type: 'exit', code: 7 });
    // The end is audited after the socket closes; the next test reads the newest rows.
    await waitFor('the session end in the audit log', async () =>
      (await auditRows(admin)).some((r) => r.action === 'docker-ssh.exec.end'),
    );
  });

  it('ends the remote shell and everything it started when the socket closes', async () => {
    const client = new ExecClient(url);
    await client.send(start(tokens.admin));
    await client.waitFor('ready', () => client.messages.some((m) => m.type === 'ready'));
    await client.send({ type: 'input', data: 'sleep 4242 &\necho started-$((1+1))\n' });
    await client.waitFor('started', () => client.output().includes('started-2'));
    const during = await extraProcesses();
    expect(during.some((line) => /sleep 4242/.test(line))).toBe(true);
    expect(during.some((line) => /\bsh\b/.test(line))).toBe(true);

    await client.close();
    await waitFor(
      'the exec session to be gone',
      async () => (await extraProcesses()).length === 0,
      10_000,
    ).catch(() => undefined);
    expect(await extraProcesses()).toEqual([]);
    await waitFor(
      'no docker exec on the host',
      async () => (await remoteDockerExecs()).length === 0,
      10_000,
    ).catch(() => undefined);
    expect(await remoteDockerExecs()).toEqual([]);

    const rows = (await auditRows(admin)).filter((r) => r.action.startsWith('docker-ssh.exec'));
    expect(rows.slice(0, 2).map((r) => [r.action, r.actor, r.target, r.result])).toEqual([
      ['docker-ssh.exec.end', 'admin', `docker-ssh:exec-box/${BOX}`, 'success'],
      ['docker-ssh.exec.start', 'admin', `docker-ssh:exec-box/${BOX}`, 'success'],
    ]);
    expect(rows[0]?.detail).toMatch(/closed by the client/);
  });

  it('refuses members with 4403, and bad tokens with 4401, before touching the target', async () => {
    const before = testApp.app.get(SshPool).connectCount;
    const asMember = new ExecClient(url);
    await asMember.send(start(tokens.member));
    expect(await asMember.whenClosed()).toBe(EXEC_CLOSE.forbidden);
    expect(asMember.messages).toEqual([{ type: 'error', message: 'Exec needs the admin role' }]);

    const forged = new ExecClient(url);
    await forged.send(start(`${tokens.admin}x`));
    expect(await forged.whenClosed()).toBe(EXEC_CLOSE.unauthorized);
    const after = testApp.app.get(SshPool).connectCount;
    expect(after).toBe(before);
  });

  it('refuses a hostile container ref with 4400 and an unknown container with 4404', async () => {
    const hostile = new ExecClient(url);
    await hostile.send(start(tokens.admin, { container: 'x;touch /tmp/pwned' }));
    expect(await hostile.whenClosed()).toBe(EXEC_CLOSE.badRequest);
    const missing = new ExecClient(url);
    await missing.send(start(tokens.admin, { container: 'no-such-box' }));
    expect(await missing.whenClosed()).toBe(EXEC_CLOSE.notFound);
  });

  // Last: it shuts the API down.
  it('ends open sessions and what they started when the API shuts down', async () => {
    const client = new ExecClient(url);
    await client.send(start(tokens.admin));
    await client.waitFor('ready', () => client.messages.some((m) => m.type === 'ready'));
    await client.send({ type: 'input', data: 'sleep 4343 &\necho bg-$((2+2))\n' });
    await client.waitFor('started', () => client.output().includes('bg-4'));
    closed = true;
    await testApp.close();
    expect(await client.whenClosed()).toBe(1001);
    expect(await extraProcesses()).toEqual([]);
  });
});

/**
 * Smoke test of the two sshd servers started by the harness: a two-hop session (jump host ->
 * target) with both host keys pinned by SHA256 fingerprint, the jump host's log proving it carried
 * the forwarded connection, password and passphrase-key auth, and the private engine over SSH.
 */
import { readFileSync } from 'node:fs';
import { Duplex } from 'node:stream';
import { Client, ConnectConfig } from 'ssh2';
import { loadInfra, SshServerInfra } from '../harness/infra';
import { waitFor } from '../harness/proc';
import { fingerprintOf } from '../harness/ssh-servers';

const infra = loadInfra();
const { ssh } = infra;

function connect(server: SshServerInfra, auth: Partial<ConnectConfig>, sock?: Duplex) {
  const client = new Client();
  const config: ConnectConfig = {
    host: server.host,
    port: server.port,
    username: ssh.user,
    sock,
    readyTimeout: 10_000,
    hostVerifier: (key: Buffer) => fingerprintOf(key) === server.fingerprint,
    ...auth,
  };
  return new Promise<Client>((resolve, reject) => {
    client.once('ready', () => resolve(client)).once('error', reject);
    client.connect(config);
  });
}

function exec(client: Client, command: string): Promise<{ stdout: string; code: number }> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, channel) => {
      if (err) {
        return reject(err);
      }
      let stdout = '';
      channel.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      channel.stderr.resume();
      let code = -1;
      channel.on('exit', (exitCode: number | null) => (code = exitCode ?? -1));
      channel.on('close', () => resolve({ stdout, code }));
    });
  });
}

function forward(client: Client, to: SshServerInfra): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, to.host, to.port, (err, channel) =>
      err ? reject(err) : resolve(channel),
    );
  });
}

const key = { privateKey: readFileSync(ssh.clientKey) };

describe('sshd jump host and target', () => {
  const open: Client[] = [];
  const track = (client: Client): Client => (open.push(client), client);

  afterEach(() => open.splice(0).forEach((client) => client.end()));

  it('runs a command on the target through the jump host, host keys pinned', async () => {
    const jump = track(await connect(ssh.jump, key));
    const target = track(await connect(ssh.target, key, await forward(jump, ssh.target)));
    expect(await exec(target, 'echo hop-ok')).toEqual({ stdout: 'hop-ok\n', code: 0 });
    const target127 = `target 127\\.0\\.0\\.1 port ${ssh.target.port}$`;
    const carried = new RegExp(`server_request_direct_tcpip: originator .*, ${target127}`, 'm');
    const jumpLog = (): string => readFileSync(ssh.jump.logFile, 'utf8');
    await waitFor(
      'the jump host to log the forwarding',
      () => carried.test(jumpLog()),
      5_000,
    ).catch(() => undefined);
    expect(jumpLog()).toMatch(carried);
  });

  it('refuses a host whose key does not match the pinned fingerprint', async () => {
    const wrong = { ...ssh.jump, fingerprint: ssh.target.fingerprint };
    await expect(connect(wrong, key)).rejects.toThrow(/verification failed/i);
  });

  it('accepts the password and rejects a wrong one', async () => {
    const client = track(await connect(ssh.jump, { password: ssh.password }));
    expect((await exec(client, 'id -un')).stdout.trim()).toBe(ssh.user);
    await expect(connect(ssh.jump, { password: 'wrong' })).rejects.toThrow(/authentication/i);
  });

  it('accepts the passphrase-protected key', async () => {
    const privateKey = readFileSync(ssh.encryptedClientKey);
    expect(privateKey.toString()).toContain('BEGIN OPENSSH PRIVATE KEY');
    const client = track(await connect(ssh.target, { privateKey, passphrase: ssh.passphrase }));
    expect((await exec(client, 'echo key-ok')).stdout).toBe('key-ok\n');
  });

  it('reaches the private engine with the docker CLI over the two-hop session', async () => {
    const jump = track(await connect(ssh.jump, key));
    const target = track(await connect(ssh.target, key, await forward(jump, ssh.target)));
    const host = infra.docker.dockerHost;
    const info = await exec(target, `docker -H ${host} info --format '{{.DockerRootDir}}'`);
    expect(info).toEqual({ stdout: `${infra.docker.dataRoot}\n`, code: 0 });
    expect((await exec(target, `docker -H ${host} ps --format '{{.ID}}'`)).code).toBe(0);
  });
});

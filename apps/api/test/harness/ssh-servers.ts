/**
 * Two OpenSSH servers on 127.0.0.1 (a jump host and a target), each with its own config, host key,
 * PID file and DEBUG1 log, for the dedicated user `archnest-test` (password + two client keys).
 * The user is in the `docker` group, so `docker -H unix://<private socket>` works over SSH.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { SshInfra, SshServerInfra, SshServerName, loadInfra, updateInfra } from './infra';
import {
  chownTo,
  freePort,
  isAlive,
  logTail,
  run,
  spawnDaemon,
  stopProcess,
  waitFor,
} from './proc';

export const SSH_USER = 'archnest-test';
const SSHD = '/usr/sbin/sshd';
const PRIVSEP_DIR = '/run/sshd';

/** SHA256 fingerprint of a raw host key, in the `SHA256:<base64, no padding>` form of ssh-keygen. */
export function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

async function keygen(file: string, passphrase = ''): Promise<void> {
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', SSH_USER, '-f', file]);
}

async function fingerprintFile(pubKey: string): Promise<string> {
  return (await run('ssh-keygen', ['-l', '-f', pubKey])).split(' ')[1];
}

function sshdConfig(server: SshServerInfra, authorizedKeys: string): string {
  return [
    `Port ${server.port}`,
    `ListenAddress ${server.host}`,
    `HostKey ${server.hostKey}`,
    `PidFile ${server.pidFile}`,
    `AuthorizedKeysFile ${authorizedKeys}`,
    ...['UsePAM no', 'PasswordAuthentication yes', 'PubkeyAuthentication yes'],
    ...['KbdInteractiveAuthentication no', 'PermitRootLogin no', `AllowUsers ${SSH_USER}`],
    ...['AllowTcpForwarding yes', 'StrictModes no', 'LogLevel DEBUG1', 'PrintMotd no'],
    'Subsystem sftp internal-sftp',
  ].join('\n');
}

async function serverFor(dir: string): Promise<SshServerInfra> {
  mkdirSync(dir, { recursive: true });
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  await keygen(hostKey);
  const [port, fingerprint] = await Promise.all([freePort(), fingerprintFile(`${hostKey}.pub`)]);
  const files = { configFile: join(dir, 'sshd_config'), pidFile: join(dir, 'sshd.pid') };
  return {
    host: '127.0.0.1',
    port,
    fingerprint,
    hostKey,
    ...files,
    logFile: join(dir, 'sshd.log'),
    pid: 0,
  };
}

/** True if the test user exists in /etc/passwd. */
export function testUserExists(): boolean {
  return readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .some((line) => line.startsWith(`${SSH_USER}:`));
}

/** Removes the test user (and its group) if it exists. */
export async function removeTestUser(): Promise<void> {
  if (testUserExists()) {
    await run('userdel', ['-f', SSH_USER]);
  }
}

async function createUser(homeDir: string, password: string): Promise<void> {
  await removeTestUser();
  const home = ['--home-dir', homeDir, '--no-create-home', '--shell', '/bin/sh'];
  await run('useradd', [...home, '--user-group', '--groups', 'docker', SSH_USER]);
  await run('chpasswd', [], { input: `${SSH_USER}:${password}\n` });
  mkdirSync(homeDir, { recursive: true });
  await chownTo(homeDir, SSH_USER);
}

/** Creates the test user, host keys, client keys and sshd configs under tmpDir (starts nothing). */
export async function prepareSsh(tmpDir: string): Promise<SshInfra> {
  const dir = join(tmpDir, 'ssh');
  mkdirSync(join(dir, 'client'), { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o755);
  const password = randomBytes(12).toString('hex');
  const passphrase = randomBytes(12).toString('hex');
  const clientKey = join(dir, 'client/id_ed25519');
  const encryptedClientKey = join(dir, 'client/id_ed25519_encrypted');
  const homeDir = join(dir, 'home');
  const [jump, target] = await Promise.all([
    serverFor(join(dir, 'jump')),
    serverFor(join(dir, 'target')),
    keygen(clientKey),
    keygen(encryptedClientKey, passphrase),
    createUser(homeDir, password),
  ]);
  const authorizedKeysFile = join(dir, 'authorized_keys');
  const keys = [clientKey, encryptedClientKey].map((k) => readFileSync(`${k}.pub`, 'utf8'));
  writeFileSync(authorizedKeysFile, keys.join(''), { mode: 0o644 });
  for (const server of [jump, target]) {
    writeFileSync(server.configFile, `${sshdConfig(server, authorizedKeysFile)}\n`);
  }
  const privsepDirCreated = !existsSync(PRIVSEP_DIR);
  mkdirSync(PRIVSEP_DIR, { recursive: true, mode: 0o755 });
  const keyFiles = { clientKey, encryptedClientKey, passphrase };
  return {
    user: SSH_USER,
    password,
    ...keyFiles,
    authorizedKeysFile,
    homeDir,
    privsepDirCreated,
    jump,
    target,
  };
}

/** Resolves when something on host:port speaks SSH (sends an `SSH-2.0-` banner). */
function answersSsh(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1_000);
    socket.once('data', (data: Buffer) => {
      socket.destroy();
      resolve(data.toString().startsWith('SSH-2.0-'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/** Starts one sshd (again) and waits for its banner; returns its PID. */
export async function startSshd(which: SshServerName): Promise<number> {
  const server = loadInfra().ssh[which];
  if (server.pid && isAlive(server.pid)) {
    throw new Error(`sshd ${which} is already running`);
  }
  await run(SSHD, ['-t', '-f', server.configFile]);
  const pid = spawnDaemon(
    SSHD,
    ['-D', '-f', server.configFile, '-E', server.logFile],
    server.logFile,
  );
  updateInfra((infra) => void (infra.ssh[which].pid = pid));
  await waitFor(`sshd ${which} on port ${server.port}`, async () => {
    if (!isAlive(pid)) {
      throw new Error(`sshd ${which} exited during start-up`);
    }
    return answersSsh(server.host, server.port);
  }).catch((err: Error) => {
    throw new Error(`${err.message}\n${logTail(server.logFile)}`);
  });
  return pid;
}

async function stopServer(server: SshServerInfra): Promise<void> {
  if (!server.pid) {
    return;
  }
  await stopProcess(server.pid, { graceMs: 5_000, mustReference: server.configFile });
}

/** Stops one sshd and every session it still serves; startSshd(which) brings it back. */
export async function stopSshd(which: SshServerName): Promise<void> {
  await stopServer(loadInfra().ssh[which]);
  updateInfra((infra) => void (infra.ssh[which].pid = 0));
}

/** Stops both servers (sessions included) and removes the test user. */
export async function teardownSsh(ssh: SshInfra): Promise<void> {
  await Promise.all([stopServer(ssh.jump), stopServer(ssh.target)]);
  await removeTestUser();
  if (ssh.privsepDirCreated) {
    rmSync(PRIVSEP_DIR, { recursive: true, force: true });
  }
}

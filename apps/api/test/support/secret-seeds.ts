/**
 * The secrets the security-secrets suite seeds, and the things that hold them: canary values
 * (tokens, passwords, the JWT secret and secret key), the harness's SSH password, passphrase and
 * key lines and the TLS client key, a real container with env secrets, a TLS host and SSH
 * targets (key, password, passphrase, a wrong password), and an agent report with an env secret.
 * The suite then checks that none of these values leaves the places it belongs.
 */
import type { AgentContainer, AgentReport } from '@archnest/contracts';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadInfra } from '../harness/infra';
import { agentContainer, agentReport } from './agent-report-fixture';
import {
  createTarget,
  pinTarget,
  removeContainers,
  runBusybox,
  targetBody,
  type TargetBody,
} from './docker-ssh';
import { addHost, type DockerHostBody } from './docker-tcp';
import type { TlsEngine } from './docker-tls';
import { ADMIN, MEMBER, type Http } from './http';

/** The real container whose env carries two secrets. */
export const SECRET_CONTAINER = 'sec-env';

const canary = (name: string): string => `${name}-canary-${randomBytes(12).toString('hex')}`;

/** The lines of a PEM or OpenSSH key between its armour lines: each one is secret. */
function keyLines(pem: string): string[] {
  return pem
    .split('\n')
    .filter((line) => line.length >= 40 && !line.startsWith('-----'))
    .map((line) => line.trim());
}

/** The secret values known before anything starts, by name. */
export function seededSecrets(): Record<string, string> {
  return {
    jwtSecret: canary('jwt-secret'),
    secretKey: randomBytes(32).toString('base64'),
    agentToken: canary('agent-token'),
    wrongAgentToken: canary('wrong-agent-token'),
    scrapeToken: canary('scrape-token'),
    wrongLoginPassword: canary('wrong-login'),
    newMemberPassword: canary('new-member-password'),
    wrongTargetPassword: canary('wrong-ssh-password'),
    agentEnvSecret: canary('agent-env'),
    containerEnvToken: canary('container-token'),
    containerEnvKey: canary('container-key'),
    notAKey: canary('not-a-private-key'),
    adminPassword: ADMIN.password,
    memberPassword: MEMBER.password,
  };
}

/** Adds the harness's secrets: SSH password and passphrase, every key line, the TLS client key. */
export function addInfraSecrets(secrets: Record<string, string>, engine: TlsEngine): void {
  const { ssh } = loadInfra();
  Object.assign(secrets, {
    sshPassword: ssh.password,
    sshPassphrase: ssh.passphrase,
    tlsKey: keyLines(engine.tls.key).join(''),
  });
  keyLines(readFileSync(ssh.clientKey, 'utf8')).forEach((line, i) => {
    secrets[`sshKeyLine${i}`] = line;
  });
  keyLines(readFileSync(ssh.encryptedClientKey, 'utf8')).forEach((line, i) => {
    secrets[`encryptedSshKeyLine${i}`] = line;
  });
}

/** (Re)starts SECRET_CONTAINER with the container env secrets. */
export async function startSecretContainer(secrets: Record<string, string>): Promise<void> {
  await removeContainers([SECRET_CONTAINER]);
  await runBusybox(
    SECRET_CONTAINER,
    ['sleep', '3600'],
    ['-e', `API_TOKEN=${secrets.containerEnvToken}`, '-e', `SECRET_KEY=${secrets.containerEnvKey}`],
  );
}

interface SecretSources {
  /** The TLS engine as a TCP host, holding its client key. */
  host: DockerHostBody;
  /** SSH targets by credential: key, password, passphrase-protected key, wrong password. */
  targets: Record<'key' | 'password' | 'passphrase' | 'wrong', TargetBody>;
}

/** Saves a TCP host and SSH targets with credentials of every kind, their host keys pinned. */
export async function addSecretSources(
  admin: Http,
  engine: TlsEngine,
  secrets: Record<string, string>,
): Promise<SecretSources> {
  const { ssh } = loadInfra();
  const host = await addHost(admin, { name: 'sec-tls', url: engine.url, tls: engine.tls });
  const key = await createTarget(admin, targetBody('sec-key'));
  const password = await createTarget(
    admin,
    targetBody('sec-password', 'target', { privateKey: undefined, password: ssh.password }),
  );
  const passphrase = await createTarget(
    admin,
    targetBody('sec-passphrase', 'target', {
      privateKey: readFileSync(ssh.encryptedClientKey, 'utf8'),
      passphrase: ssh.passphrase,
    }),
  );
  const wrong = await createTarget(
    admin,
    targetBody('sec-wrong', 'target', {
      privateKey: undefined,
      password: secrets.wrongTargetPassword,
    }),
  );
  const targets = { key, password, passphrase, wrong };
  for (const target of Object.values(targets)) {
    await pinTarget(admin, target.id);
  }
  return { host, targets };
}

/** An agent report whose one container has `secret` as its DB_PASSWORD. */
export function reportWithEnvSecret(secret: string): {
  report: AgentReport;
  reported: AgentContainer;
} {
  const report = agentReport({ hostId: 'sec-agent' }, 0);
  const reported = agentContainer({
    name: 'db',
    env: [
      { key: 'DB_PASSWORD', value: secret },
      { key: 'LANG', value: 'C.UTF-8' },
    ],
  });
  report.containers = [reported];
  return { report, reported };
}

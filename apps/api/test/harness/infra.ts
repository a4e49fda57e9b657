/**
 * The state of the test infrastructure started by global-setup.ts: where the private dockerd,
 * the two sshd servers and PostgreSQL listen. Written as JSON to the file named by
 * ARCHNEST_TEST_INFRA; the stop/start helpers update it so teardown always sees the live PIDs.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

export const INFRA_ENV = 'ARCHNEST_TEST_INFRA';
export const TMP_PREFIX = '/tmp/archnest-test-';
/** The busybox image every private engine gets (see test-image.ts). */
export const TEST_IMAGE = 'archnest-test/busybox:1';

export interface DockerInfra {
  socketPath: string;
  /** `unix://<socketPath>`, for DOCKER_HOST or `docker -H`. */
  dockerHost: string;
  /** The busybox test image, `archnest-test/busybox:1`. */
  image: string;
  /** PID of the running dockerd, 0 while it is stopped. */
  pid: number;
  pidFile: string;
  dataRoot: string;
  execRoot: string;
  configFile: string;
  logFile: string;
  /** Directory the docker CLI uses as DOCKER_CONFIG (keeps ~/.docker out of the tests). */
  cliConfigDir: string;
  /** cgroup parent of every container of this engine (cgroupfs driver). */
  cgroupParent: string;
  /** Socket group, so the SSH test user can reach the engine. */
  socketGroup: string;
  /** Bridge interfaces present before the engine started; teardown never deletes these. */
  bridgesBefore: string[];
  /** Whether /run/containerd (where shims put their sockets) existed before the engine started. */
  runContainerdExisted: boolean;
  /** Extra dockerd arguments set by restartDockerdWith(), kept across stop/start. */
  extraArgs?: string[];
}

export interface SshServerInfra {
  host: string;
  port: number;
  /** Host key fingerprint as `ssh-keygen -lf` prints it: `SHA256:<base64 without padding>`. */
  fingerprint: string;
  hostKey: string;
  configFile: string;
  pidFile: string;
  /** sshd's own log (LogLevel DEBUG1), e.g. `server_request_direct_tcpip` lines. */
  logFile: string;
  /** PID of the running sshd, 0 while it is stopped. */
  pid: number;
}

export type SshServerName = 'jump' | 'target';

export interface SshInfra {
  user: string;
  password: string;
  /** Unencrypted OpenSSH ed25519 private key, authorised on both servers. */
  clientKey: string;
  /** Passphrase-protected OpenSSH ed25519 private key, authorised on both servers. */
  encryptedClientKey: string;
  passphrase: string;
  authorizedKeysFile: string;
  homeDir: string;
  /** True if the harness created /run/sshd (removed again by teardown). */
  privsepDirCreated: boolean;
  jump: SshServerInfra;
  target: SshServerInfra;
}

export interface PostgresInfra {
  /** `postgres://postgres@127.0.0.1:<port>/archnest_test` (trust auth). */
  url: string;
  host: string;
  port: number;
  user: string;
  database: string;
  dataDir: string;
  socketDir: string;
  logFile: string;
}

export interface TestInfra {
  tmpDir: string;
  /** PID of the jest process that owns this infrastructure. */
  ownerPid: number;
  /** Milliseconds the global setup took. */
  setupMs: number;
  docker: DockerInfra;
  ssh: SshInfra;
  postgres: PostgresInfra;
}

export function infraFile(tmpDir: string): string {
  return `${tmpDir}/infra.json`;
}

/** Reads the state written by global-setup.ts; throws if the harness did not run. */
export function loadInfra(file = process.env[INFRA_ENV]): TestInfra {
  if (!file) {
    throw new Error(`${INFRA_ENV} is not set: run with jest -c jest.integration.config.ts`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as TestInfra;
}

/** Atomically rewrites the state file. */
export function saveInfra(infra: TestInfra): void {
  const file = infraFile(infra.tmpDir);
  writeFileSync(`${file}.new`, JSON.stringify(infra, null, 2));
  renameSync(`${file}.new`, file);
}

/** Loads, changes and saves the state in one step. */
export function updateInfra(change: (infra: TestInfra) => void): TestInfra {
  const infra = loadInfra();
  change(infra);
  saveInfra(infra);
  return infra;
}

export type TestDatabaseKind = 'sqlite' | 'postgres';

/** Which database this jest project runs against (set by use-sqlite.ts / use-postgres.ts). */
export function testDatabaseKind(): TestDatabaseKind {
  const kind = process.env.ARCHNEST_TEST_DB;
  if (kind === 'sqlite' || kind === 'postgres') {
    return kind;
  }
  throw new Error(`ARCHNEST_TEST_DB is ${kind ?? 'unset'}; run an integration-* jest project`);
}

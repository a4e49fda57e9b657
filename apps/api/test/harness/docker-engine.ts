/**
 * The private dockerd: its own socket, data-root, exec-root, managed containerd and cgroup parent,
 * all under the harness temp dir; `--iptables=false` so the host firewall is left alone. It keeps
 * the default bridge (docker0) so published ports and user networks work; hence one engine at a time.
 * `--live-restore`: containers outlive a stop/crash of the engine, and a restart takes under a
 * second instead of dockerd's fixed 10 s stop of every container whose PID 1 ignores SIGTERM.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { DockerInfra, TEST_IMAGE, loadInfra, updateInfra } from './infra';
import { isAlive, logTail, readPidFile, run, spawnDaemon, stopProcess, waitFor } from './proc';
import {
  SHIM_RUN_DIR,
  bridgeNames,
  deleteNewBridges,
  killEngineLeftovers,
  removeCgroups,
  removeShimSockets,
  unmountUnder,
} from './host-cleanup';

const DOCKERD = '/usr/sbin/dockerd';

/** Paths and settings of the private engine under tmpDir (nothing started yet). */
export function dockerInfraFor(tmpDir: string): DockerInfra {
  const socketPath = join(tmpDir, 'docker.sock');
  return {
    socketPath,
    dockerHost: `unix://${socketPath}`,
    image: TEST_IMAGE,
    pid: 0,
    pidFile: join(tmpDir, 'docker.pid'),
    dataRoot: join(tmpDir, 'docker-data'),
    execRoot: join(tmpDir, 'docker-exec'),
    configFile: join(tmpDir, 'daemon.json'),
    logFile: join(tmpDir, 'dockerd.log'),
    cliConfigDir: join(tmpDir, 'docker-cli'),
    cgroupParent: `archnest-test-${tmpDir.slice(-6)}`,
    socketGroup: 'docker',
    bridgesBefore: bridgeNames(),
    runContainerdExisted: existsSync(SHIM_RUN_DIR),
  };
}

function dockerdArgs(d: DockerInfra): string[] {
  return [
    ...['--config-file', d.configFile, '--host', d.dockerHost, '--pidfile', d.pidFile],
    ...['--data-root', d.dataRoot, '--exec-root', d.execRoot, '--group', d.socketGroup],
    ...['--iptables=false', '--ip6tables=false', '--cgroup-parent', d.cgroupParent],
    ...['--exec-opt', 'native.cgroupdriver=cgroupfs', '--live-restore'],
    ...(d.extraArgs ?? []),
  ];
}

/** True if the engine answers GET /_ping on its socket within a second. */
export function pingDockerd(socketPath = loadInfra().docker.socketPath): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/**
 * After a crash, dockerd's and containerd's PID files may name unreaped zombies (PID 1 here does
 * not reap); dockerd would then wait on a containerd that is gone. Drop PID files of dead processes.
 */
function removeStalePidFiles(d: DockerInfra): void {
  for (const file of [d.pidFile, join(d.execRoot, 'containerd/containerd.pid')]) {
    const pid = readPidFile(file);
    if (pid && !isAlive(pid)) {
      rmSync(file, { force: true });
    }
  }
}

/** Starts the private dockerd (again) and waits until it answers; returns its PID. */
export async function startDockerd(): Promise<number> {
  const d = loadInfra().docker;
  if (d.pid && isAlive(d.pid)) {
    throw new Error(`dockerd is already running (PID ${d.pid})`);
  }
  mkdirSync(d.cliConfigDir, { recursive: true });
  writeFileSync(d.configFile, '{}\n');
  removeStalePidFiles(d);
  const pid = spawnDaemon(DOCKERD, dockerdArgs(d), d.logFile);
  updateInfra((infra) => void (infra.docker.pid = pid));
  await waitFor('dockerd to answer /_ping', async () => {
    if (!isAlive(pid)) {
      throw new Error('dockerd exited during start-up');
    }
    return pingDockerd(d.socketPath);
  }).catch((err: Error) => {
    throw new Error(`${err.message}\n${logTail(d.logFile)}`);
  });
  return pid;
}

/**
 * Restarts the engine with extra dockerd arguments, e.g. a TLS listener on loopback
 * (`--host tcp://127.0.0.1:PORT --tlsverify …`). They stay in effect for later stop/start cycles
 * until set again; `[]` restores the default engine. Containers live on (live-restore).
 */
export async function restartDockerdWith(extraArgs: string[]): Promise<number> {
  await stopDockerd();
  updateInfra((infra) => void (infra.docker.extraArgs = extraArgs));
  return startDockerd();
}

export interface StopOptions {
  /** SIGTERM (default) is an orderly stop; SIGKILL simulates a crash. */
  signal?: 'SIGTERM' | 'SIGKILL';
  /** Wait this long before SIGKILL; 20 s by default. */
  graceMs?: number;
}

/**
 * Stops the private dockerd (and its containerd). Containers keep running (live-restore) and are
 * reattached by startDockerd(); the socket refuses connections meanwhile.
 */
export async function stopDockerd(opts: StopOptions = {}): Promise<void> {
  const d = loadInfra().docker;
  const pid = d.pid || readPidFile(d.pidFile);
  const stop = { graceMs: opts.graceMs ?? 20_000, signal: opts.signal, mustReference: d.dataRoot };
  if (pid) {
    await stopProcess(pid, stop);
  }
  updateInfra((infra) => void (infra.docker.pid = 0));
}

/** Environment for the docker CLI: our engine only, no ~/.docker, no inherited DOCKER_HOST. */
export function cliEnv(d: DockerInfra): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: d.cliConfigDir };
  delete env.DOCKER_HOST;
  delete env.DOCKER_CONTEXT;
  return env;
}

function dockerCli(d: DockerInfra, args: string[], input?: string): Promise<string> {
  return run('docker', ['-H', d.dockerHost, ...args], { env: cliEnv(d), input });
}

/** Runs the docker CLI against the private engine and returns its stdout. */
export function runDocker(args: string[], opts: { input?: string } = {}): Promise<string> {
  return dockerCli(loadInfra().docker, args, opts.input);
}

/** Removes containers and networks through the engine, if it still answers (bounded). */
async function removeThroughEngine(d: DockerInfra): Promise<void> {
  if (!(await pingDockerd(d.socketPath))) {
    return;
  }
  const ids = (await dockerCli(d, ['ps', '-aq'])).split('\n').filter(Boolean);
  if (ids.length > 0) {
    await dockerCli(d, ['rm', '-f', '-v', ...ids]);
  }
  await dockerCli(d, ['network', 'prune', '-f']);
}

/**
 * Tears the engine down completely, even after a test killed it: remove containers through the
 * engine if it answers, stop dockerd, SIGKILL leftover shims and container processes, unmount
 * overlay and netns mounts, delete shim sockets, cgroups and the bridges this engine created.
 */
export async function teardownDockerd(d: DockerInfra): Promise<void> {
  await removeThroughEngine(d).catch((err: Error) =>
    console.warn(`docker clean-up: ${err.message}`),
  );
  const pid = d.pid || readPidFile(d.pidFile);
  if (pid) {
    await stopProcess(pid, { graceMs: 20_000, mustReference: d.dataRoot });
  }
  await killEngineLeftovers([d.execRoot, d.dataRoot], d.cgroupParent);
  await unmountUnder(d.execRoot);
  await unmountUnder(d.dataRoot);
  removeShimSockets(d.dataRoot, d.execRoot, !d.runContainerdExisted);
  removeCgroups(d.cgroupParent);
  await deleteNewBridges(d.bridgesBefore);
}

/**
 * Process helpers for the test harness: run a command, start a detached daemon, find and stop the
 * processes we started. Everything is Linux-only (reads /proc) and expects to run as root.
 */
import { execFile, spawn } from 'node:child_process';
import { chownSync, closeSync, existsSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';

export interface RunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs a command to completion; rejects with its stderr if it exits non-zero. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      { env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
        } else {
          resolve(stdout);
        }
      },
    );
    child.stdin?.on('error', () => undefined); // EPIPE if the command never reads its input
    child.stdin?.end(opts.input);
  });
}

/** Starts a long-running daemon in its own session, output appended to logFile; returns its PID. */
export function spawnDaemon(cmd: string, args: string[], logFile: string): number {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', fd, fd] });
    child.unref();
    if (child.pid === undefined) {
      throw new Error(`could not start ${cmd}`);
    }
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** True while the process exists and is not a zombie (killed daemons may linger unreaped). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls check() until it returns true; throws "timed out waiting for <what>" after timeoutMs. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(100);
  }
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

function parentOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1;
  }
}

/** All live descendants of the given PIDs (children first found, grandchildren after). */
export function descendants(roots: number[]): number[] {
  const byParent = new Map<number, number[]>();
  for (const pid of allPids()) {
    const ppid = parentOf(pid);
    byParent.set(ppid, [...(byParent.get(ppid) ?? []), pid]);
  }
  const found: number[] = [];
  const queue = [...roots];
  while (queue.length > 0) {
    const kids = byParent.get(queue.shift() ?? -1) ?? [];
    found.push(...kids);
    queue.push(...kids);
  }
  return found;
}

/** PIDs whose command line mentions `needle` (e.g. our unique temp dir). */
export function pidsReferencing(needle: string): number[] {
  return allPids().filter((pid) => {
    if (pid === process.pid) {
      return false;
    }
    return commandLine(pid).includes(needle);
  });
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Sends SIGKILL to each PID and waits (bounded) until none is alive. */
export async function killAll(pids: number[], timeoutMs = 5_000): Promise<void> {
  if (pids.length === 0) {
    return;
  }
  pids.forEach((pid) => signal(pid, 'SIGKILL'));
  await waitFor(`PIDs ${pids.join(',')} to die`, () => !pids.some(isAlive), timeoutMs);
}

export interface StopProcessOptions {
  /** Signal asking it to stop; SIGTERM by default. */
  signal?: NodeJS.Signals;
  /** How long to wait before SIGKILL; 15 s by default. */
  graceMs?: number;
  /** Only act if the command line contains this (guards against a recycled PID). */
  mustReference?: string;
}

/** The NUL-separated command line of a process, '' if it is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Stops a daemon we started: send `signal`, wait up to graceMs, then SIGKILL the process and every
 * descendant it had (sshd sessions, dockerd's containerd, ...).
 */
export async function stopProcess(pid: number, opts: StopProcessOptions = {}): Promise<void> {
  if (!isAlive(pid)) {
    return;
  }
  if (opts.mustReference && !commandLine(pid).includes(opts.mustReference)) {
    return;
  }
  const tree = descendants([pid]);
  signal(pid, opts.signal ?? 'SIGTERM');
  const graceMs = opts.graceMs ?? 15_000;
  const gone = await waitFor(`PID ${pid} to exit`, () => !isAlive(pid), graceMs).then(
    () => true,
    () => false,
  );
  await killAll([...(gone ? [] : [pid]), ...tree].filter(isAlive));
}

/** chown path to a system user and its primary group (e.g. `postgres`). */
export async function chownTo(path: string, user: string): Promise<void> {
  const [uid, gid] = await Promise.all([run('id', ['-u', user]), run('id', ['-g', user])]);
  chownSync(path, Number(uid), Number(gid));
}

/** Reads the first line of a PID file, or undefined. */
export function readPidFile(file: string): number | undefined {
  if (!existsSync(file)) {
    return undefined;
  }
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0].trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Last `lines` lines of a log file, for error messages. */
export function logTail(file: string, lines = 40): string {
  if (!existsSync(file)) {
    return `(no log at ${file})`;
  }
  const tail = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  return `--- last ${lines} lines of ${file} ---\n${tail}`;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

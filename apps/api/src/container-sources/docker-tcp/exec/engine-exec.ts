import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { ExecRequest } from '../../exec/exec-handle';

/** Marks every process of one session (the shell and its children inherit it). */
export const EXEC_SESSION_ENV = 'ARCHNEST_EXEC_SESSION';

export interface TtyExec {
  exec: Docker.Exec;
  stream: Duplex;
  shell: 'bash' | 'sh';
  /** 32 hex characters, the value of EXEC_SESSION_ENV in the session's processes. */
  sessionId: string;
}

async function drain(stream: NodeJS.ReadableStream): Promise<void> {
  for await (const _chunk of stream) {
    // only waiting for the end
  }
}

/** Runs a command without a TTY and waits for it to end; returns its exit code. */
export async function runCommand(
  container: Docker.Container,
  cmd: string[],
  signal: AbortSignal,
): Promise<number | null> {
  const exec = await container.exec({
    Cmd: cmd,
    AttachStdout: true,
    AttachStderr: true,
    abortSignal: signal,
  });
  await drain(await exec.start({ abortSignal: signal }));
  return (await exec.inspect({ abortSignal: signal })).ExitCode;
}

/** `bash` if the container has it (asked through sh), else `sh`. */
async function pickShell(
  container: Docker.Container,
  preferred: ExecRequest['shell'],
  signal: AbortSignal,
): Promise<'bash' | 'sh'> {
  if (preferred === 'sh') {
    return 'sh';
  }
  const found = await runCommand(container, ['sh', '-c', 'command -v bash'], signal);
  return found === 0 ? 'bash' : 'sh';
}

/** Starts the shell with a TTY, its processes marked with a fresh session id. */
export async function startTty(
  docker: Docker,
  ref: string,
  start: ExecRequest,
  signal: AbortSignal,
): Promise<TtyExec> {
  const container = docker.getContainer(ref);
  const shell = await pickShell(container, start.shell, signal);
  const sessionId = randomBytes(16).toString('hex');
  const exec = await container.exec({
    Cmd: [shell],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    Env: ['TERM=xterm-256color', `${EXEC_SESSION_ENV}=${sessionId}`],
    ConsoleSize: [start.rows, start.cols],
    abortSignal: signal,
  });
  const stream = await exec.start({ hijack: true, stdin: true, Tty: true, abortSignal: signal });
  await exec.resize({ h: start.rows, w: start.cols, abortSignal: signal });
  return { exec, stream, shell, sessionId };
}

/**
 * Kills every process in the container that carries the session's marker: the shell and anything
 * started from it. The Engine API cannot end an exec, and a closed attach stream leaves its
 * process running. The same cleanup as the SSH source's (docker-cli.ts endShell).
 */
export async function endSession(
  docker: Docker,
  ref: string,
  sessionId: string,
  signal: AbortSignal,
): Promise<void> {
  if (!/^[a-f0-9]{32}$/.test(sessionId)) {
    throw new Error('An exec session id is 32 lowercase hex characters');
  }
  const marker = `${EXEC_SESSION_ENV}=${sessionId}`;
  const script = `for p in /proc/[0-9]*; do if grep -q '${marker}' "$p/environ" 2>/dev/null; then kill -9 "\${p#/proc/}" 2>/dev/null; fi; done; exit 0`;
  await runCommand(docker.getContainer(ref), ['sh', '-c', script], signal);
}

import type Docker from 'dockerode';
import type { Duplex } from 'node:stream';
import type { StartMessage } from './exec-messages';

/** The first line the session's shell prints: its PID inside the container. */
const PID_LINE = /^ARCHNEST_EXEC_PID=(\d+)\r?\n$/;
const FIRST_LINE_MAX = 512;

export interface TtyExec {
  exec: Docker.Exec;
  stream: Duplex;
  shell: 'bash' | 'sh';
  /** The shell's PID in the container's PID namespace, to end it when the client leaves. */
  pid: number | null;
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
  preferred: StartMessage['shell'],
  signal: AbortSignal,
): Promise<'bash' | 'sh'> {
  if (preferred === 'sh') {
    return 'sh';
  }
  const found = await runCommand(container, ['sh', '-c', 'command -v bash'], signal);
  return found === 0 ? 'bash' : 'sh';
}

/** Reads the first line off the stream and puts back whatever came after it. */
function readFirstLine(stream: Duplex, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    const finish = (line: string, rest: Buffer): void => {
      stream.pause();
      stream.off('data', onData);
      stream.off('end', onEnd);
      signal.removeEventListener('abort', onAbort);
      if (rest.length > 0) {
        stream.unshift(rest);
      }
      resolve(line);
    };
    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf(0x0a);
      if (end >= 0 || buffer.length > FIRST_LINE_MAX) {
        const cut = end >= 0 ? end + 1 : buffer.length;
        finish(buffer.subarray(0, cut).toString('utf8'), buffer.subarray(cut));
      }
    };
    const onEnd = (): void => finish(buffer.toString('utf8'), Buffer.alloc(0));
    const onAbort = (): void => reject(new Error('aborted while starting the shell'));
    stream.on('data', onData);
    stream.once('end', onEnd);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Starts the shell with a TTY. It is started through `sh -c` that first prints its PID: the
 * Engine API cannot end an exec, and closing the attach stream leaves the process running, so
 * the PID is what lets the session end it when the client leaves.
 */
export async function startTty(
  docker: Docker,
  ref: string,
  start: StartMessage,
  signal: AbortSignal,
): Promise<TtyExec> {
  const container = docker.getContainer(ref);
  const shell = await pickShell(container, start.shell, signal);
  const exec = await container.exec({
    Cmd: ['sh', '-c', `echo ARCHNEST_EXEC_PID=$$; exec ${shell}`],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    Env: ['TERM=xterm-256color'],
    ConsoleSize: [start.rows, start.cols],
    abortSignal: signal,
  });
  const stream = await exec.start({ hijack: true, stdin: true, Tty: true, abortSignal: signal });
  const line = await readFirstLine(stream, signal);
  const match = PID_LINE.exec(line);
  if (!match) {
    stream.unshift(Buffer.from(line));
  }
  await exec.resize({ h: start.rows, w: start.cols, abortSignal: signal });
  return { exec, stream, shell, pid: match ? Number(match[1]) : null };
}

/** Sends a signal to the session's shell from a second exec (the shell's `kill` builtin). */
export async function signalShell(
  docker: Docker,
  ref: string,
  pid: number,
  name: 'HUP' | 'KILL',
  signal: AbortSignal,
): Promise<void> {
  await runCommand(docker.getContainer(ref), ['sh', '-c', `kill -${name} ${pid}`], signal);
}

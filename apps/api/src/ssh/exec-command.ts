import type { ClientChannel } from 'ssh2';
import type { ChannelOpener } from './ssh-connection';
import { toShellCommand } from './shell-quote';

export interface CommandResult {
  stdout: string;
  stderr: string;
  /** The remote exit status; null if the command was cut short (timeout, output cap). */
  exitCode: number | null;
  /** True when the output reached `maxOutputBytes` and the command was stopped. */
  truncated: boolean;
}

export interface CommandOptions {
  timeoutMs: number;
  /** stdout and stderr together; beyond it the channel is closed and the result truncated. */
  maxOutputBytes: number;
}

export const DEFAULT_COMMAND_OPTIONS: CommandOptions = {
  timeoutMs: 15_000,
  maxOutputBytes: 8 * 1024 * 1024,
};

/** The command did not finish in time; the channel was closed. */
export class CommandTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`Command timed out after ${timeoutMs} ms`);
    this.name = 'CommandTimeoutError';
  }
}

/**
 * Runs one command (argv, every element single-quoted) on an exec channel and collects its
 * output, bounded in time and size.
 */
export async function execCommand(
  conn: ChannelOpener,
  argv: readonly string[],
  options: CommandOptions = DEFAULT_COMMAND_OPTIONS,
): Promise<CommandResult> {
  const channel = await conn.openExec(toShellCommand(argv));
  return collect(channel, options);
}

function collect(channel: ClientChannel, options: CommandOptions): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let truncated = false;
    let exitCode: number | null = null;
    let timedOut = false;
    const stop = (): void => {
      channel.stderr.removeListener('data', onStderr);
      channel.removeListener('data', onStdout);
      channel.close();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
      reject(new CommandTimeoutError(options.timeoutMs));
    }, options.timeoutMs);
    const take = (into: Buffer[]) => (chunk: Buffer) => {
      const room = options.maxOutputBytes - size;
      into.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      size += Math.min(chunk.length, room);
      if (chunk.length >= room) {
        truncated = true;
        stop();
      }
    };
    const onStdout = take(out);
    const onStderr = take(err);
    channel.on('data', onStdout);
    channel.stderr.on('data', onStderr);
    channel.on(
      'exit',
      (code: number | null) => (exitCode = typeof code === 'number' ? code : null),
    );
    channel.on('close', () => {
      clearTimeout(timer);
      if (timedOut) {
        return;
      }
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        exitCode: truncated ? null : exitCode,
        truncated,
      });
    });
  });
}

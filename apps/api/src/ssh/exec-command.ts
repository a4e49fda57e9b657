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
  return new Promise((resolve, reject) => new OutputCollector(channel, options, resolve, reject));
}

/** Gathers one channel's stdout and stderr up to the cap, and settles once. */
class OutputCollector {
  private readonly out: Buffer[] = [];
  private readonly err: Buffer[] = [];
  private size = 0;
  private truncated = false;
  private exitCode: number | null = null;
  private timedOut = false;
  private readonly timer: NodeJS.Timeout;
  private readonly onStdout = (chunk: Buffer): void => this.take(this.out, chunk);
  private readonly onStderr = (chunk: Buffer): void => this.take(this.err, chunk);

  constructor(
    private readonly channel: ClientChannel,
    private readonly options: CommandOptions,
    private readonly resolve: (result: CommandResult) => void,
    reject: (error: Error) => void,
  ) {
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.stop();
      reject(new CommandTimeoutError(options.timeoutMs));
    }, options.timeoutMs);
    channel.on('data', this.onStdout);
    channel.stderr.on('data', this.onStderr);
    channel.on('exit', (code: unknown) => {
      this.exitCode = typeof code === 'number' ? code : null;
    });
    channel.on('close', () => this.finish());
  }

  private take(into: Buffer[], chunk: Buffer): void {
    const room = this.options.maxOutputBytes - this.size;
    into.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    this.size += Math.min(chunk.length, room);
    if (chunk.length >= room) {
      this.truncated = true;
      this.stop();
    }
  }

  private stop(): void {
    this.channel.removeListener('data', this.onStdout);
    this.channel.stderr.removeListener('data', this.onStderr);
    this.channel.close();
  }

  private finish(): void {
    clearTimeout(this.timer);
    if (this.timedOut) {
      return;
    }
    this.resolve({
      stdout: Buffer.concat(this.out).toString('utf8'),
      stderr: Buffer.concat(this.err).toString('utf8'),
      exitCode: this.truncated ? null : this.exitCode,
      truncated: this.truncated,
    });
  }
}

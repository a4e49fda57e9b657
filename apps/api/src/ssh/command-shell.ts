import { randomBytes } from 'node:crypto';
import type { ClientChannel } from 'ssh2';
import { CommandTimeoutError, type CommandOptions, type CommandResult } from './exec-command';
import type { ChannelOpener } from './ssh-connection';
import { toShellCommand } from './shell-quote';

/** Collects one stream of a command until `\n<marker>\n`. */
class FramedStream {
  private readonly chunks: Buffer[] = [];
  private length = 0;
  private tail = Buffer.alloc(0);
  private end = -1;

  constructor(private readonly terminator: Buffer) {}

  get size(): number {
    return this.length;
  }

  get complete(): boolean {
    return this.end >= 0;
  }

  /** Adds a chunk; false if bytes follow the terminator (the shell is not in step). */
  push(chunk: Buffer): boolean {
    if (this.complete) {
      return false;
    }
    const window = Buffer.concat([this.tail, chunk]);
    const at = window.indexOf(this.terminator);
    this.chunks.push(chunk);
    this.length += chunk.length;
    if (at < 0) {
      this.tail = window.subarray(Math.max(0, window.length - this.terminator.length + 1));
      return true;
    }
    this.end = this.length - chunk.length - this.tail.length + at;
    return at + this.terminator.length === window.length;
  }

  /** Everything before the terminator, or everything so far if it has not come. */
  data(): Buffer {
    const all = Buffer.concat(this.chunks);
    return this.complete ? all.subarray(0, this.end) : all;
  }
}

interface Pending {
  out: FramedStream;
  err: FramedStream;
  options: CommandOptions;
  resolve(result: CommandResult): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * A long-lived `sh` on one session channel that runs commands one after the other, so a
 * command costs sshd no new session (fork, login, shell). Each command is followed by
 * `printf` of its exit status and a random end marker on stdout and stderr; the command cannot
 * know the marker. Anything out of step (timeout, output cap, stray bytes) closes the shell
 * rather than guessing where output belongs.
 */
export class CommandShell {
  private pending: Pending | null = null;
  private closed = false;

  private constructor(private readonly channel: ClientChannel) {
    channel.on('data', (chunk: Buffer) => this.receive('out', chunk));
    channel.stderr.on('data', (chunk: Buffer) => this.receive('err', chunk));
    channel.on('close', () => this.onClose());
  }

  /** Starts `sh` on a new channel; a first no-op command swallows any login-script output. */
  static async open(opener: ChannelOpener, options: CommandOptions): Promise<CommandShell> {
    const shell = new CommandShell(await opener.openExec('exec sh'));
    const ready = await shell.run(['true'], options);
    if (ready.exitCode !== 0) {
      shell.close();
      throw new Error('The remote shell did not start');
    }
    return shell;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  get isIdle(): boolean {
    return !this.closed && this.pending === null;
  }

  run(argv: readonly string[], options: CommandOptions): Promise<CommandResult> {
    if (!this.isIdle) {
      return Promise.reject(new Error('The command shell is busy or closed'));
    }
    const marker = `ARCHNEST-END-${randomBytes(16).toString('hex')}`;
    const terminator = Buffer.from(`\n${marker}\n`);
    const script =
      `${toShellCommand(argv)} </dev/null; ` +
      `printf '\\n%s\\n%s\\n' "$?" '${marker}'; printf '\\n%s\\n' '${marker}' >&2\n`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = null;
        this.close();
        reject(new CommandTimeoutError(options.timeoutMs));
      }, options.timeoutMs);
      const out = new FramedStream(terminator);
      const err = new FramedStream(terminator);
      this.pending = { out, err, options, resolve, reject, timer };
      this.channel.write(script);
    });
  }

  close(): void {
    if (!this.closed) {
      this.closed = true;
      this.channel.close();
    }
  }

  private receive(stream: 'out' | 'err', chunk: Buffer): void {
    const pending = this.pending;
    if (!pending) {
      this.close(); // output between commands: out of step
      return;
    }
    if (!pending[stream].push(chunk)) {
      this.close();
    }
    const { out, err, options } = pending;
    if (out.complete && err.complete) {
      this.settle(pending, parseStatus(out.data(), err.data()));
    } else if (out.size + err.size > options.maxOutputBytes + 256) {
      this.settle(pending, truncated(out, err, options.maxOutputBytes));
      this.close();
    }
  }

  private settle(pending: Pending, result: CommandResult): void {
    clearTimeout(pending.timer);
    this.pending = null;
    pending.resolve(result);
  }

  private onClose(): void {
    this.closed = true;
    const pending = this.pending;
    if (pending) {
      // The session ended under the command: like an exec channel closing without a status.
      const { out, err } = pending;
      this.settle(pending, {
        stdout: out.data().toString('utf8'),
        stderr: err.data().toString('utf8'),
        exitCode: null,
        truncated: false,
      });
    }
  }
}

/** stdout ends with `\n<status>` before its terminator. */
function parseStatus(out: Buffer, err: Buffer): CommandResult {
  const split = out.lastIndexOf('\n');
  const status = Number(out.subarray(split + 1).toString('latin1'));
  return {
    stdout: out.subarray(0, Math.max(split, 0)).toString('utf8'),
    stderr: err.toString('utf8'),
    exitCode: Number.isInteger(status) ? status : null,
    truncated: false,
  };
}

function truncated(out: FramedStream, err: FramedStream, max: number): CommandResult {
  const stdout = out.data().subarray(0, max);
  const stderr = err.data().subarray(0, Math.max(0, max - stdout.length));
  return {
    stdout: stdout.toString('utf8'),
    stderr: stderr.toString('utf8'),
    exitCode: null,
    truncated: true,
  };
}

import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import type { ClientChannel } from 'ssh2';
import { AppError, ErrorCode } from '../common/errors/app-error';
import { CommandShell } from './command-shell';
import { CommandTimeoutError, type CommandOptions, type CommandResult } from './exec-command';
import { Semaphore, type Release } from './semaphore';
import {
  ConnectionLostError,
  type ChannelOpener,
  type ExecRequest,
  type SshConnection,
} from './ssh-connection';
import { SshConnector } from './ssh-connector';
import { sshErrors } from './ssh-errors';
import { describeHop, type SshHop } from './ssh-hop';

export interface PoolOptions {
  /** A connection without open channels is closed after this long. */
  idleMs: number;
  /**
   * Concurrent commands per target, each on its own long-lived command shell; more wait.
   * With the shells below this stays under OpenSSH's default of 10 sessions per connection.
   */
  maxCommandChannels: number;
  /** Channels of their own (interactive exec shells) per target; more are refused. */
  maxShellChannels: number;
  /**
   * Long-lived output channels (log follows) per target, on a second connection of their own
   * so they never take the channels above; under OpenSSH's 10 sessions. More are refused.
   */
  maxStreamChannels: number;
  /** How long a command may wait for a free channel, and for the channel to open. */
  channelTimeoutMs: number;
}

export const SSH_POOL_OPTIONS = Symbol('SSH_POOL_OPTIONS');

/** The pool key suffix of a target's second connection, the one for output streams. */
const STREAMS_KEY = '#streams';

export const DEFAULT_POOL_OPTIONS: PoolOptions = {
  idleMs: 5 * 60_000,
  maxCommandChannels: 6,
  maxShellChannels: 3,
  maxStreamChannels: 9,
  channelTimeoutMs: 8_000,
};

/** A pooled target: its id (the pool key) and how to load its chain, credentials included. */
export interface PoolTarget extends Pick<SshHop, 'id' | 'name' | 'host' | 'port'> {
  loadChain(): Promise<readonly SshHop[]>;
}

class PoolEntry {
  connection: Promise<SshConnection> | null = null;
  /** Idle command shells of the current connection; a busy one is out of this list. */
  idleShells: CommandShell[] = [];
  /** Every hop of the chain, known once it loaded; null while loading. */
  hopIds: ReadonlySet<string> | null = null;
  active = 0;
  idleTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly commands: Semaphore,
    readonly shells: Semaphore,
  ) {}

  dispose(): void {
    void this.end();
  }

  /** Closes the connection; resolves once its sockets closed (see SshConnection.end). */
  async end(): Promise<void> {
    this.stopIdleTimer();
    this.idleShells = [];
    const connection = this.connection;
    this.connection = null;
    await connection?.then(
      (conn) => conn.end(),
      () => undefined,
    );
  }

  stopIdleTimer(): void {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
  }
}

/**
 * One live SSH connection per target, shared by concurrent requests as channels: commands run
 * on a few long-lived command shells (no new sshd session per command), interactive shells on
 * channels of their own. A connection that died is noticed (close event, keepalive) and replaced
 * once per request; an idle one is closed; editing a target, or any hop of its chain, closes it
 * (invalidate).
 */
@Injectable()
export class SshPool implements OnApplicationShutdown {
  private readonly logger = new Logger(SshPool.name);
  private readonly entries = new Map<string, PoolEntry>();
  private connects = 0;

  constructor(
    private readonly connector: SshConnector,
    @Optional()
    @Inject(SSH_POOL_OPTIONS)
    private readonly options: PoolOptions = DEFAULT_POOL_OPTIONS,
  ) {}

  /** Connections opened since start (for diagnostics and tests). */
  get connectCount(): number {
    return this.connects;
  }

  /**
   * Runs one command on the target (argv, every element quoted), on an idle command shell of
   * its pooled connection or a new one.
   */
  async run(
    target: PoolTarget,
    argv: readonly string[],
    options: CommandOptions,
  ): Promise<CommandResult> {
    const entry = this.entryFor(target.id);
    entry.stopIdleTimer();
    const release = await this.acquireCommand(target, entry);
    entry.active += 1;
    try {
      const worker = this.takeIdleShell(entry) ?? (await this.openShell(target, options));
      try {
        return await worker.run(argv, options);
      } finally {
        // A shell belongs to the connection it was opened on; it closes with it.
        if (worker.isIdle && this.entries.get(target.id) === entry) {
          entry.idleShells.push(worker);
        }
      }
    } finally {
      release();
      this.deactivate(target.id, entry);
    }
  }

  /**
   * Opens a channel of its own on the target's pooled connection (connecting if needed), for an
   * interactive shell: `request.pty`. Such channels are limited per target (refused beyond),
   * and the slot is released when the channel closes.
   */
  async openExec(
    target: PoolTarget,
    command: string,
    request: ExecRequest = {},
  ): Promise<ClientChannel> {
    const max = this.options.maxShellChannels;
    return this.openOwnChannel(target, command, request, `${max} exec sessions are already open`);
  }

  /**
   * Opens a channel for a long-lived command without input (a log follow) on the target's
   * second pooled connection, the one kept for such streams; limited per target like exec.
   */
  openStream(target: PoolTarget, command: string): Promise<ClientChannel> {
    const max = this.options.maxStreamChannels;
    const streams = { ...target, id: `${target.id}${STREAMS_KEY}` };
    return this.openOwnChannel(streams, command, {}, `${max} log follows are already open`);
  }

  private async openOwnChannel(
    target: PoolTarget,
    command: string,
    request: ExecRequest,
    busy: string,
  ): Promise<ClientChannel> {
    const entry = this.entryFor(target.id);
    entry.stopIdleTimer();
    const release = entry.shells.tryAcquire();
    if (!release) {
      throw sshErrors.busy(target, busy);
    }
    try {
      const channel = await this.openWithRetry(target, command, request);
      this.track(target.id, entry, channel, release);
      return channel;
    } catch (error) {
      release();
      this.idleIfUnused(target.id, entry);
      throw error;
    }
  }

  /** Closes the pooled connection of every target whose chain includes `hopId`. */
  invalidate(hopId: string): void {
    for (const [key, entry] of this.entries) {
      if (key === hopId || entry.hopIds === null || entry.hopIds.has(hopId)) {
        this.entries.delete(key);
        entry.dispose();
      }
    }
  }

  /**
   * At shutdown, after the exec gateways ended their sessions (BeforeApplicationShutdown), which
   * may still use the pool to reap what a session started: disconnect every target cleanly.
   */
  async onApplicationShutdown(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map((entry) => entry.end()));
  }

  private entryFor(key: string): PoolEntry {
    let entry = this.entries.get(key);
    if (!entry) {
      const { maxCommandChannels, maxShellChannels, maxStreamChannels } = this.options;
      const own = key.endsWith(STREAMS_KEY) ? maxStreamChannels : maxShellChannels;
      entry = new PoolEntry(new Semaphore(maxCommandChannels), new Semaphore(own));
      this.entries.set(key, entry);
    }
    return entry;
  }

  private acquireCommand(target: PoolTarget, entry: PoolEntry): Promise<Release> {
    return entry.commands
      .acquire(this.options.channelTimeoutMs)
      .catch(() => Promise.reject(sshErrors.busy(target, 'no free SSH channel')));
  }

  private async openWithRetry(
    target: PoolTarget,
    command: string,
    request: ExecRequest,
  ): Promise<ClientChannel> {
    for (let attempt = 1; ; attempt += 1) {
      const conn = await this.connectionFor(target);
      try {
        return await this.openChannel(target, conn, command, request);
      } catch (error) {
        if (!(error instanceof ConnectionLostError)) {
          throw error;
        }
        conn.close();
        if (attempt >= 2) {
          throw sshErrors.connectionLost(target);
        }
        this.logger.warn(`Pooled connection to ${describeHop(target)} was dead; reconnecting`);
      }
    }
  }

  private openChannel(
    target: PoolTarget,
    conn: SshConnection,
    command: string,
    request: ExecRequest,
  ): Promise<ClientChannel> {
    const timeoutMs = this.options.channelTimeoutMs;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        conn.close(); // a server that cannot open a channel in time is not usable
        reject(sshErrors.timeout(target, 'opening a channel on', timeoutMs));
      }, timeoutMs);
      conn.openExec(command, request).then(
        (channel) => (clearTimeout(timer), resolve(channel)),
        (error: unknown) => {
          clearTimeout(timer);
          reject(
            error instanceof ConnectionLostError || error instanceof AppError
              ? error
              : new AppError(
                  ErrorCode.SourceUnreachable,
                  `Target ${describeHop(target)} refused to open an SSH session channel`,
                ),
          );
        },
      );
    });
  }

  private takeIdleShell(entry: PoolEntry): CommandShell | undefined {
    entry.idleShells = entry.idleShells.filter((shell) => shell.isIdle);
    return entry.idleShells.pop();
  }

  private openShell(target: PoolTarget, options: CommandOptions): Promise<CommandShell> {
    const opener: ChannelOpener = {
      openExec: (command, request) => this.openWithRetry(target, command, request ?? {}),
    };
    const timeoutMs = this.options.channelTimeoutMs;
    return CommandShell.open(opener, { ...options, timeoutMs }).catch((error: unknown) => {
      if (error instanceof AppError) {
        throw error;
      }
      throw error instanceof CommandTimeoutError
        ? sshErrors.timeout(target, 'starting a shell on', timeoutMs)
        : sshErrors.unreachable(target, 'its shell did not start');
    });
  }

  private connectionFor(target: PoolTarget): Promise<SshConnection> {
    const entry = this.entryFor(target.id);
    if (!entry.connection) {
      const connecting = this.connect(target, entry);
      entry.connection = connecting;
      const forget = (): void => {
        if (entry.connection === connecting) {
          entry.connection = null;
          entry.idleShells = []; // they lived on this connection
        }
      };
      connecting.then((conn) => conn.onClose(forget), forget);
    }
    return entry.connection;
  }

  private async connect(target: PoolTarget, entry: PoolEntry): Promise<SshConnection> {
    const chain = await target.loadChain();
    entry.hopIds = new Set(chain.map((hop) => hop.id));
    this.connects += 1;
    return this.connector.connect(chain);
  }

  private track(key: string, entry: PoolEntry, channel: ClientChannel, release: Release): void {
    entry.active += 1;
    entry.stopIdleTimer();
    channel.once('close', () => {
      release();
      this.deactivate(key, entry);
    });
  }

  /** One command or shell less; with none left the connection starts to idle. */
  private deactivate(key: string, entry: PoolEntry): void {
    entry.active -= 1;
    this.idleIfUnused(key, entry);
  }

  /** With nothing running on it the connection starts to idle (also after a failed open). */
  private idleIfUnused(key: string, entry: PoolEntry): void {
    if (entry.active === 0 && this.entries.get(key) === entry) {
      entry.stopIdleTimer();
      entry.idleTimer = setTimeout(() => {
        this.entries.delete(key);
        entry.dispose();
      }, this.options.idleMs);
      entry.idleTimer.unref();
    }
  }
}

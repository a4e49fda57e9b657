import type { Duplex } from 'node:stream';
import type { Client, ClientChannel, PseudoTtyOptions } from 'ssh2';
import { AppError, ErrorCode } from '../common/errors/app-error';
import { describeHop, type SshHop } from './ssh-hop';

export interface ExecRequest {
  /** A pseudo-terminal for interactive programs (`docker exec -it`). */
  pty?: PseudoTtyOptions;
}

/** What runs a remote command: a live connection, or a pooled lease of one. */
export interface ChannelOpener {
  openExec(command: string, request?: ExecRequest): Promise<ClientChannel>;
}

/** The connection died before the channel opened, so the command never ran: safe to retry. */
export class ConnectionLostError extends Error {
  constructor() {
    super('SSH connection lost');
    this.name = 'ConnectionLostError';
  }
}

type Endpoint = Pick<SshHop, 'name' | 'host' | 'port'>;

/** A `direct-tcpip` stream from the hop `client` is logged in to (`from`) to `next`. */
export function forwardThrough(client: Client, from: Endpoint, next: Endpoint): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const refused = (): AppError =>
      new AppError(
        ErrorCode.SourceUnreachable,
        `Cannot reach target ${describeHop(next)} through ${describeHop(from)}: ` +
          'the jump host could not open a connection to it',
      );
    try {
      client.forwardOut('127.0.0.1', 0, next.host, next.port, (error, stream) =>
        error ? reject(refused()) : resolve(stream),
      );
    } catch {
      reject(refused());
    }
  });
}

/**
 * An authenticated session to the last hop of a chain, plus the jump sessions that carry it.
 * Any hop closing ends the whole chain; listeners hear about it once.
 */
export class SshConnection implements ChannelOpener {
  private lost = false;
  private readonly closeListeners = new Set<() => void>();
  /** Resolves once the socket of every hop has closed. */
  private readonly socketsClosed: Promise<unknown>;

  constructor(
    readonly endpoint: Endpoint,
    private readonly clients: readonly Client[],
  ) {
    this.socketsClosed = Promise.all(
      clients.map(
        (client) => new Promise<void>((resolve) => client.once('close', () => resolve())),
      ),
    );
    for (const client of clients) {
      client.on('close', () => this.close());
      client.on('end', () => this.close());
    }
  }

  get isOpen(): boolean {
    return !this.lost;
  }

  private get last(): Client {
    const client = this.clients[this.clients.length - 1];
    if (!client) {
      throw new Error('A connection has at least one hop');
    }
    return client;
  }

  openExec(command: string, request: ExecRequest = {}): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      if (this.lost) {
        return reject(new ConnectionLostError());
      }
      const done = (error: Error | undefined, channel: ClientChannel): void => {
        if (!error) {
          return resolve(channel);
        }
        reject(this.lost || /no response/i.test(error.message) ? new ConnectionLostError() : error);
      };
      try {
        if (request.pty) {
          this.last.exec(command, { pty: request.pty }, done);
        } else {
          this.last.exec(command, done);
        }
      } catch {
        // ssh2 throws "Not connected" synchronously once the socket is gone.
        this.close();
        reject(new ConnectionLostError());
      }
    });
  }

  /** A TCP stream from the last hop to the next hop of a chain. */
  forwardOut(next: Endpoint): Promise<Duplex> {
    return forwardThrough(this.last, this.endpoint, next);
  }

  onClose(listener: () => void): () => void {
    if (this.lost) {
      listener();
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /**
   * Ends every hop (SSH disconnect, target first) and resolves once their sockets closed, or
   * after `graceMs`: used at shutdown so sshd sees a clean disconnect before the process exits.
   */
  async end(graceMs = 3_000): Promise<void> {
    this.close();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([this.socketsClosed, grace]);
    clearTimeout(timer);
  }

  /** Ends every hop, the target first; idempotent. */
  close(): void {
    if (this.lost) {
      return;
    }
    this.lost = true;
    for (const client of [...this.clients].reverse()) {
      client.end();
    }
    const listeners = [...this.closeListeners];
    this.closeListeners.clear();
    listeners.forEach((listener) => listener());
  }
}

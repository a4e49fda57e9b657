import { InjectionToken } from '@angular/core';
import { EXEC_CLOSE, type ExecClientMessage, type ExecServerMessage } from '@archnest/contracts';

/** The one exec endpoint of every source; the `start` message names the source. */
const EXEC_PATH = '/api/containers/exec';

export function execUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${EXEC_PATH}`;
}

/** What the session needs of a WebSocket; a test hands in a fake. */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
}

export const SOCKET_FACTORY = new InjectionToken<(url: string) => SocketLike>('SOCKET_FACTORY', {
  factory: () => (url) => new WebSocket(url),
});

export interface ExecHandlers {
  ready(shell: string): void;
  output(data: string): void;
  /** Once, whatever ended the session; `reason` is a sentence for the operator. */
  ended(reason: string, failed: boolean): void;
}

const CLOSE_REASONS: Record<number, string> = {
  [EXEC_CLOSE.badRequest]: 'The server refused the request',
  [EXEC_CLOSE.unauthorized]: 'Sign in again: the session token was refused',
  [EXEC_CLOSE.forbidden]: 'A shell needs the admin role',
  [EXEC_CLOSE.notFound]: 'The container or host was not found',
  [EXEC_CLOSE.unreachable]: 'The host could not be reached',
};

function isServerMessage(value: unknown): value is ExecServerMessage {
  return typeof value === 'object' && value !== null && 'type' in value;
}

/**
 * One exec session over the shared protocol (libs/contracts exec.ts): the JWT goes in the first
 * message, never in the URL; then input and resize go up, output comes down until exit.
 */
export class ExecSession {
  private ended = false;
  private exitReason: string | null = null;
  private errorMessage: string | null = null;

  constructor(
    private readonly socket: SocketLike,
    start: Extract<ExecClientMessage, { type: 'start' }>,
    private readonly handlers: ExecHandlers,
  ) {
    socket.onopen = () => this.send(start);
    socket.onmessage = (event) => this.receive(event);
    socket.onerror = () => {
      this.errorMessage ??= 'The connection to the server failed';
    };
    socket.onclose = (event) => this.closed(event);
  }

  sendInput(data: string): void {
    this.send({ type: 'input', data });
  }

  resize(cols: number, rows: number): void {
    this.send({ type: 'resize', cols, rows });
  }

  /** Ends the session from this side. */
  close(): void {
    if (!this.ended) {
      this.exitReason ??= 'Disconnected';
      this.socket.close(EXEC_CLOSE.normal, 'closed by the user');
    }
  }

  private send(message: ExecClientMessage): void {
    if (!this.ended) {
      this.socket.send(JSON.stringify(message));
    }
  }

  private receive(event: MessageEvent): void {
    let message: unknown;
    try {
      message = JSON.parse(String(event.data));
    } catch {
      return;
    }
    if (!isServerMessage(message)) {
      return;
    }
    switch (message.type) {
      case 'ready':
        this.handlers.ready(message.shell);
        break;
      case 'output':
        this.handlers.output(message.data);
        break;
      case 'exit':
        this.exitReason =
          message.code === null ? 'The shell ended' : `The shell exited with code ${message.code}`;
        break;
      case 'error':
        this.errorMessage = message.message;
        break;
    }
  }

  private closed(event: CloseEvent): void {
    if (this.ended) {
      return;
    }
    this.ended = true;
    const failed = this.exitReason === null && (this.errorMessage !== null || event.code !== 1000);
    const reason =
      this.exitReason ??
      this.errorMessage ??
      CLOSE_REASONS[event.code] ??
      (event.reason || `The connection closed (code ${event.code})`);
    this.handlers.ended(reason, failed);
  }
}

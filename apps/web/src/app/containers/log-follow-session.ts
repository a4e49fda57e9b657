import {
  LOG_FOLLOW_CLOSE,
  type LogFollowLine,
  type LogFollowServerMessage,
  type LogFollowStart,
} from '@archnest/contracts';
import type { SocketLike } from './exec-session';

/** The one live-logs endpoint of every source; the `start` message names the containers. */
const FOLLOW_PATH = '/api/containers/logs/follow';

export function logFollowUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${FOLLOW_PATH}`;
}

export interface LogFollowHandlers {
  /** Every stream is open; `containers` are the labels lines of a merge carry. */
  ready(containers: string[]): void;
  lines(lines: LogFollowLine[]): void;
  /** The server dropped this many lines before the next ones (the console read too slowly). */
  dropped(count: number): void;
  /** One stream of a merge ended; the others go on. */
  streamEnded(container: string, reason: string): void;
  /**
   * Once, whatever ended the follow (not after `close()`); `reason` is a sentence, `code` the
   * close code (1006 when the connection dropped), which tells a lost follow from a refusal.
   */
  ended(reason: string, failed: boolean, code: number): void;
}

const CLOSE_REASONS: Record<number, string> = {
  [LOG_FOLLOW_CLOSE.goingAway]: 'The server is shutting down',
  [LOG_FOLLOW_CLOSE.badRequest]: 'The server refused the request',
  [LOG_FOLLOW_CLOSE.unauthorized]: 'Sign in again: the session token was refused',
  [LOG_FOLLOW_CLOSE.forbidden]: 'Not allowed to read these logs',
  [LOG_FOLLOW_CLOSE.notFound]: 'The container or host was not found',
  [LOG_FOLLOW_CLOSE.unreachable]: 'The host could not be reached',
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isLine(value: unknown): value is LogFollowLine {
  return (
    isObject(value) &&
    typeof value['text'] === 'string' &&
    (value['stream'] === 'stdout' || value['stream'] === 'stderr')
  );
}

/** Parses one frame; anything that is not a known, well-formed message is null (and ignored). */
export function parseServerMessage(data: unknown): LogFollowServerMessage | null {
  let message: unknown;
  try {
    message = JSON.parse(String(data));
  } catch {
    return null;
  }
  if (!isObject(message)) {
    return null;
  }
  switch (message['type']) {
    case 'ready':
      return {
        type: 'ready',
        containers: Array.isArray(message['containers'])
          ? message['containers'].filter((c): c is string => typeof c === 'string')
          : [],
      };
    case 'lines':
      return Array.isArray(message['lines'])
        ? { type: 'lines', lines: message['lines'].filter(isLine) }
        : null;
    case 'dropped':
      return typeof message['count'] === 'number' && message['count'] > 0
        ? { type: 'dropped', count: message['count'] }
        : null;
    case 'end':
      return {
        type: 'end',
        reason: typeof message['reason'] === 'string' ? message['reason'] : 'the stream ended',
        ...(typeof message['container'] === 'string' ? { container: message['container'] } : {}),
      };
    case 'error':
      return {
        type: 'error',
        message: typeof message['message'] === 'string' ? message['message'] : 'Server error',
      };
    default:
      return null;
  }
}

/**
 * One live-logs follow over the shared protocol (docs/logs-protocol.md): the JWT goes in the
 * `start` message, never in the URL; then frames of lines come down until `end` or an error.
 */
export class LogFollowSession {
  private done = false;
  private endReason: string | null = null;
  private errorMessage: string | null = null;
  private connectionFailed = false;

  constructor(
    private readonly socket: SocketLike,
    start: LogFollowStart,
    private readonly handlers: LogFollowHandlers,
  ) {
    socket.onopen = () => {
      if (!this.done) {
        socket.send(JSON.stringify(start));
      }
    };
    socket.onmessage = (event) => this.receive(event);
    socket.onerror = () => {
      this.connectionFailed = true;
    };
    socket.onclose = (event) => this.closed(event);
  }

  /** Ends the follow from this side; no handler is called after this. */
  close(): void {
    if (!this.done) {
      this.done = true;
      this.socket.close(LOG_FOLLOW_CLOSE.normal, 'closed by the user');
    }
  }

  private receive(event: MessageEvent): void {
    if (this.done) {
      return;
    }
    const message = parseServerMessage(event.data);
    switch (message?.type) {
      case 'ready':
        this.handlers.ready(message.containers);
        break;
      case 'lines':
        if (message.lines.length > 0) {
          this.handlers.lines(message.lines);
        }
        break;
      case 'dropped':
        this.handlers.dropped(message.count);
        break;
      case 'end':
        if (message.container === undefined) {
          this.endReason = message.reason;
        } else {
          this.handlers.streamEnded(message.container, message.reason);
        }
        break;
      case 'error':
        this.errorMessage = message.message;
        break;
      case undefined:
        break;
    }
  }

  private closed(event: CloseEvent): void {
    if (this.done) {
      return;
    }
    this.done = true;
    const normal = event.code === LOG_FOLLOW_CLOSE.normal;
    if (this.errorMessage === null && (this.endReason !== null || normal)) {
      this.handlers.ended(this.endReason ?? 'the server ended the follow', false, event.code);
      return;
    }
    const reason =
      this.errorMessage ??
      CLOSE_REASONS[event.code] ??
      (this.connectionFailed ? 'The connection to the server failed' : null) ??
      (event.reason || `The connection closed (code ${event.code})`);
    this.handlers.ended(reason, true, event.code);
  }
}

import { Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { SocketAuthenticator } from '../sockets/socket-auth';
import { LogFollowSession } from './log-follow-session';
import { LogFollows } from './log-follows';

/** Largest frame a client may send: the start message (a token and up to 20 containers). */
export const MAX_START_FRAME_BYTES = 32 * 1024;

/**
 * `/api/containers/logs/follow`: live logs of one container or several merged, from every
 * source that offers logs, for any signed-in user (docs/logs-protocol.md). The JWT arrives in
 * the first message, so the global HTTP guards do not apply; SocketAuthenticator does the same.
 */
@WebSocketGateway({ path: '/api/containers/logs/follow', maxPayload: MAX_START_FRAME_BYTES })
export class LogFollowGateway implements OnGatewayConnection<WebSocket>, BeforeApplicationShutdown {
  private readonly logger = new Logger(LogFollowGateway.name);
  private readonly sessions = new Set<LogFollowSession>();

  constructor(
    private readonly auth: SocketAuthenticator,
    private readonly follows: LogFollows,
  ) {}

  handleConnection(socket: WebSocket): void {
    const session = new LogFollowSession(socket, {
      authenticate: (token) => this.auth.user(token),
      open: (start, onLine) => this.follows.open(start, onLine),
      onError: (error) =>
        this.logger.error('Log follow failed', error instanceof Error ? error.stack : error),
    });
    this.sessions.add(session);
    socket.once('close', () => this.sessions.delete(session));
  }

  /** Before the SSH pool and the engines' clients close: end every follow. */
  beforeApplicationShutdown(): void {
    this.sessions.forEach((session) => session.shutdown());
  }
}

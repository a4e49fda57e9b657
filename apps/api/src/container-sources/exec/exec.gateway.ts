import { Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import type { OnGatewayConnection } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import type { ExecBackend } from './exec-backend';
import type { ExecAuthenticator } from './exec-auth';
import { ExecSession } from './exec-session';

/** Largest frame a client may send; input is bounded again per message. */
export const MAX_EXEC_FRAME_BYTES = 256 * 1024;

/**
 * One exec WebSocket endpoint (docs/exec-protocol.md); each source subclasses it with its path
 * and backend. The JWT arrives in the first message, so the global HTTP guards do not apply
 * here; ExecAuthenticator does the same checks.
 */
export abstract class ExecGateway
  implements OnGatewayConnection<WebSocket>, BeforeApplicationShutdown
{
  private readonly logger = new Logger(this.constructor.name);
  private readonly sessions = new Set<ExecSession>();

  protected constructor(
    private readonly auth: ExecAuthenticator,
    private readonly backend: ExecBackend,
  ) {}

  handleConnection(socket: WebSocket): void {
    const session = new ExecSession(socket, {
      authenticate: (token) => this.auth.admin(token),
      open: (actor, start) => this.backend.open(actor, start),
      recordEnd: (actor, target, detail) => this.backend.recordEnd(actor, target, detail),
      onError: (error) =>
        this.logger.error('Exec session failed', error instanceof Error ? error.stack : error),
    });
    this.sessions.add(session);
    socket.once('close', () => void session.settled().then(() => this.sessions.delete(session)));
  }

  /** Before the pool and the database close: end open sessions, their processes, their audit. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.sessions].map((session) => session.shutdown()));
  }
}

import { Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { DockerExecService } from './docker-exec.service';
import { ExecAuthenticator } from './exec-auth';
import { ExecSession } from './exec-session';

/** Largest frame a client may send; input is bounded again per message. */
const MAX_FRAME_BYTES = 256 * 1024;

/**
 * `/api/docker/exec`: an interactive shell in a container of a Docker TCP host, for admins
 * (docs/exec-protocol.md). The JWT arrives in the first message, so the global HTTP guards do
 * not apply here; ExecAuthenticator does the same checks.
 */
@WebSocketGateway({ path: '/api/docker/exec', maxPayload: MAX_FRAME_BYTES })
export class DockerExecGateway
  implements OnGatewayConnection<WebSocket>, BeforeApplicationShutdown
{
  private readonly logger = new Logger(DockerExecGateway.name);
  private readonly sessions = new Set<ExecSession>();

  constructor(
    private readonly auth: ExecAuthenticator,
    private readonly exec: DockerExecService,
  ) {}

  handleConnection(socket: WebSocket): void {
    const session = new ExecSession(socket, {
      authenticate: (token) => this.auth.admin(token),
      open: (actor, start) => this.exec.open(actor, start),
      recordEnd: (actor, target, detail) => this.exec.recordEnd(actor, target, detail),
      onError: (error) =>
        this.logger.error('Exec session failed', error instanceof Error ? error.stack : error),
    });
    this.sessions.add(session);
    socket.once('close', () => void session.settled().then(() => this.sessions.delete(session)));
  }

  /** Before the database closes: end open sessions, their processes and their audit rows. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.sessions].map((session) => session.shutdown()));
  }
}

import { Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { ExecAuthenticator } from '../../docker-tcp/exec/exec-auth';
import { ExecSession } from '../../docker-tcp/exec/exec-session';
import { DockerSshExecService } from './docker-ssh-exec.service';

/** Largest frame a client may send; input is bounded again per message. */
const MAX_FRAME_BYTES = 256 * 1024;

/**
 * `/api/docker-ssh/exec`: an interactive shell in a container on an SSH target, for admins,
 * with the same message protocol as `/api/docker/exec` (docs/exec-protocol.md). The JWT arrives
 * in the first message, so ExecAuthenticator does the checks the HTTP guards would.
 */
@WebSocketGateway({ path: '/api/docker-ssh/exec', maxPayload: MAX_FRAME_BYTES })
export class DockerSshExecGateway
  implements OnGatewayConnection<WebSocket>, BeforeApplicationShutdown
{
  private readonly logger = new Logger(DockerSshExecGateway.name);
  private readonly sessions = new Set<ExecSession>();

  constructor(
    private readonly auth: ExecAuthenticator,
    private readonly exec: DockerSshExecService,
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

  /** Before the pool and the database close: end open sessions, their processes, their audit. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.sessions].map((session) => session.shutdown()));
  }
}

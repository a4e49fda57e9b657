import type { SourceKind } from '@archnest/contracts';
import { Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { ContainerExec, sourceOf } from './container-exec';
import { SocketAuthenticator } from '../sockets/socket-auth';
import { ExecSession } from './exec-session';

/** Largest frame a client may send; input is bounded again per message. */
export const MAX_EXEC_FRAME_BYTES = 256 * 1024;

/**
 * `/api/containers/exec`: an interactive shell in a container of any source that offers exec,
 * for admins (docs/exec-protocol.md). The JWT arrives in the first message, so the global HTTP
 * guards do not apply here; SocketAuthenticator does the same checks.
 */
@WebSocketGateway({ path: '/api/containers/exec', maxPayload: MAX_EXEC_FRAME_BYTES })
export class ContainerExecGateway
  implements OnGatewayConnection<WebSocket>, BeforeApplicationShutdown
{
  private readonly logger = new Logger(ContainerExecGateway.name);
  private readonly sessions = new Set<ExecSession>();
  /** Set on an alias path: the one source it serves. */
  protected readonly fixedSource?: SourceKind;

  constructor(
    private readonly auth: SocketAuthenticator,
    private readonly exec: ContainerExec,
  ) {}

  handleConnection(socket: WebSocket): void {
    const session = new ExecSession(socket, {
      authenticate: (token) => this.auth.admin(token),
      open: (actor, start) => this.exec.open(actor, start, sourceOf(start, this.fixedSource)),
      recordEnd: (actor, handle, detail) => this.exec.recordEnd(actor, handle, detail),
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

/** `/api/docker/exec`: the same gateway, for the docker-tcp source only. */
@WebSocketGateway({ path: '/api/docker/exec', maxPayload: MAX_EXEC_FRAME_BYTES })
export class DockerTcpExecAlias extends ContainerExecGateway {
  protected override readonly fixedSource = 'docker-tcp';
}

/** `/api/docker-ssh/exec`: the same gateway, for the docker-ssh source only. */
@WebSocketGateway({ path: '/api/docker-ssh/exec', maxPayload: MAX_EXEC_FRAME_BYTES })
export class DockerSshExecAlias extends ContainerExecGateway {
  protected override readonly fixedSource = 'docker-ssh';
}

import { WebSocketGateway } from '@nestjs/websockets';
import { ExecAuthenticator } from '../../exec/exec-auth';
import { ExecGateway, MAX_EXEC_FRAME_BYTES } from '../../exec/exec.gateway';
import { DockerExecService } from './docker-exec.service';

/** `/api/docker/exec`: an interactive shell in a container of a Docker TCP host, for admins. */
@WebSocketGateway({ path: '/api/docker/exec', maxPayload: MAX_EXEC_FRAME_BYTES })
export class DockerExecGateway extends ExecGateway {
  constructor(auth: ExecAuthenticator, exec: DockerExecService) {
    super(auth, exec);
  }
}

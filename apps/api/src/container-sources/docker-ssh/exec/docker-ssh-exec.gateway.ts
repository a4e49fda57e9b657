import { WebSocketGateway } from '@nestjs/websockets';
import { ExecAuthenticator } from '../../exec/exec-auth';
import { ExecGateway, MAX_EXEC_FRAME_BYTES } from '../../exec/exec.gateway';
import { DockerSshExecService } from './docker-ssh-exec.service';

/** `/api/docker-ssh/exec`: an interactive shell in a container on an SSH target, for admins. */
@WebSocketGateway({ path: '/api/docker-ssh/exec', maxPayload: MAX_EXEC_FRAME_BYTES })
export class DockerSshExecGateway extends ExecGateway {
  constructor(auth: ExecAuthenticator, exec: DockerSshExecService) {
    super(auth, exec);
  }
}

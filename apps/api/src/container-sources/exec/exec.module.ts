import { Module } from '@nestjs/common';
import { SocketAuthModule } from '../socket-auth/socket-auth.module';
import { ContainerExec } from './container-exec';
import { ContainerExecGateway, DockerSshExecAlias, DockerTcpExecAlias } from './exec.gateway';

/** The exec WebSocket of every source (docs/exec-protocol.md) and its aliases. */
@Module({
  imports: [SocketAuthModule],
  providers: [ContainerExec, ContainerExecGateway, DockerTcpExecAlias, DockerSshExecAlias],
})
export class ExecModule {}

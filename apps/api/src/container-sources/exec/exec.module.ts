import { Module } from '@nestjs/common';
import { SocketsModule } from '../sockets/sockets.module';
import { ContainerExec } from './container-exec';
import { ContainerExecGateway, DockerSshExecAlias, DockerTcpExecAlias } from './exec.gateway';

/** The exec WebSocket of every source (docs/exec-protocol.md) and its aliases. */
@Module({
  imports: [SocketsModule],
  providers: [ContainerExec, ContainerExecGateway, DockerTcpExecAlias, DockerSshExecAlias],
})
export class ExecModule {}

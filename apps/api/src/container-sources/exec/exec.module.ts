import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { UsersModule } from '../../users/users.module';
import { ContainerExec } from './container-exec';
import { ExecAuthenticator } from './exec-auth';
import { ContainerExecGateway, DockerSshExecAlias, DockerTcpExecAlias } from './exec.gateway';

/** The exec WebSocket of every source (docs/exec-protocol.md) and its aliases. */
@Module({
  imports: [
    UsersModule,
    // Verifies exec tokens with the same secret and algorithm as AuthModule's signer.
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: config.jwtSecret,
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  providers: [
    ExecAuthenticator,
    ContainerExec,
    ContainerExecGateway,
    DockerTcpExecAlias,
    DockerSshExecAlias,
  ],
})
export class ExecModule {}
